//! Hover texts: what a name is (kind, full name, type, default), its docstring and where it is
//! defined; for a member of a service entity its modifier and catalog description; for a plugin
//! its signature. Markdown, as editors show it.

use crate::builtin::plugins::{ParamKind, PluginSignature};
use crate::check::view::LsmView;
use crate::docstring;
use crate::driver::Checked;
use crate::resolve::{Def, EntityId, Model, ValueType};
use crate::source::{FileId, Span};

use super::{def_at, text_of};

/// A hover: its markdown text and the name it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// The hover of the name at `offset`.
pub fn hover(checked: &Checked, file: FileId, offset: u32) -> Option<Hover> {
    let (span, def) = def_at(checked, file, offset)?;
    let markdown = describe(checked, def)?;
    Some(Hover { markdown, span })
}

/// The hover text of a definition.
pub fn describe(checked: &Checked, def: Def) -> Option<String> {
    let model = &checked.model;
    let mut code: String;
    let mut doc: Option<String> = None;
    let mut extra: Vec<String> = Vec::new();
    match def {
        Def::Namespace(ns) => {
            let namespace = model.namespace(ns);
            code = format!("module {}", namespace.name);
            doc = model
                .modules
                .get(namespace.module)
                .and_then(|(_, m)| m.doc.as_ref())
                .and_then(|d| docstring::parse(&d.text).description());
        }
        Def::Entity(e) => {
            let entity = model.entity(e);
            code = format!("entity {}", entity.full_name);
            let parents: Vec<&str> = entity
                .parents
                .iter()
                .map(|p| model.entity(*p).full_name.as_str())
                .filter(|p| *p != "std::Entity")
                .collect();
            if !parents.is_empty() {
                code.push_str(&format!(" extends {}", parents.join(", ")));
            }
            doc = entity
                .doc
                .as_deref()
                .and_then(|d| docstring::parse(d).description());
            let documented: Vec<String> = entity
                .doc
                .as_deref()
                .map(|d| docstring::parse(d).attributes)
                .unwrap_or_default()
                .into_iter()
                .map(|(name, text)| format!("- `{name}`: {text}"))
                .collect();
            if !documented.is_empty() {
                extra.push(documented.join("\n"));
            }
        }
        Def::Typedef(t) => {
            let typedef = model.typedef(t);
            let base = match typedef.base {
                ValueType::Primitive(p) => p.name().to_string(),
                ValueType::Typedef(b) => model.typedef(b).full_name.clone(),
                ValueType::Unknown => "?".to_string(),
            };
            code = format!(
                "typedef {} as {base} matching {}",
                typedef.full_name,
                one_line(text_of(checked, typedef.constraint.span))
            );
            doc = typedef
                .doc
                .as_deref()
                .and_then(|d| docstring::parse(d).description());
        }
        Def::Primitive(p) => code = format!("{} (primitive type)", p.name()),
        Def::Implementation(i) => {
            let implementation = &model.implementations[i.index()];
            let ns = &model.namespace(implementation.namespace).name;
            code = format!("implementation {ns}::{}", implementation.name);
            if let Some(entity) = implementation.entity {
                code.push_str(&format!(" for {}", model.entity(entity).full_name));
            }
        }
        Def::Plugin(p) => code = signature(p.signature()),
        Def::ModulePlugin(p) => {
            let (ns, name) = model.resolution.module_plugin(p);
            code = format!("plugin {}::{name}(...)", model.namespace(ns).name);
            extra.push("A plugin written in Python: its signature is not known to lsmc.".into());
        }
        Def::Attribute { entity, index } => {
            let attribute = &model.entity(entity).attributes[index as usize];
            let owner = model.entity(entity);
            code = format!(
                "attribute {} {}.{}",
                attribute.type_text(),
                owner.full_name,
                attribute.name
            );
            match &attribute.default {
                crate::resolve::Default::Value(v) => {
                    code.push_str(&format!(" = {}", one_line(text_of(checked, v.span))))
                }
                crate::resolve::Default::Undef => code.push_str(" = undef"),
                crate::resolve::Default::None => {}
            }
            doc = member_doc(model, entity, &attribute.name);
            if service_member(checked, entity, &attribute.name, &mut extra) {
                // The catalog description is the docstring's line, or says more.
                doc = None;
            }
        }
        Def::RelationEnd { relation, end } => {
            let relation_def = &model.relations[relation.index()];
            let this = &relation_def.ends[end as usize];
            let multiplicity = match this.upper {
                Some(upper) if upper == this.lower => format!("[{upper}]"),
                Some(upper) => format!("[{}:{upper}]", this.lower),
                None => format!("[{}:]", this.lower),
            };
            let owner = model.entity(this.owner);
            code = format!(
                "relation {}.{} -> {} {multiplicity}",
                owner.full_name,
                this.name.as_deref().unwrap_or("?"),
                model.entity(this.target).full_name,
            );
            let name = this.name.clone().unwrap_or_default();
            doc = member_doc(model, this.owner, &name).or_else(|| {
                relation_def
                    .doc
                    .as_deref()
                    .and_then(|d| docstring::parse(d).description())
            });
            if service_member(checked, this.owner, &name, &mut extra) {
                doc = None;
            }
        }
        Def::Variable(v) => {
            let variable = model.variable(v);
            let ns = &model.namespace(variable.namespace).name;
            let top_level = model
                .namespace(variable.namespace)
                .variables
                .get(&variable.name)
                == Some(&v);
            if top_level {
                code = format!("variable {ns}::{}", variable.name);
                if let Some(value) = model.top_level_value(v) {
                    code.push_str(&format!(" = {}", one_line(text_of(checked, value.span))));
                }
            } else {
                code = format!("variable {} (local)", variable.name);
            }
        }
        Def::Unresolved => return None,
    }
    let mut out = format!("```inmanta\n{code}\n```");
    if let Some(doc) = doc {
        out.push_str(&format!("\n\n{doc}"));
    }
    for e in extra {
        out.push_str(&format!("\n\n{e}"));
    }
    if let Some(span) = model.definition_span(def) {
        if !matches!(def, Def::Namespace(_)) {
            let file = checked.sources.get(span.file);
            let line = file.position_chars(span.start as usize).line + 1;
            out.push_str(&format!("\n\ndefined in `{}:{line}`", file.name));
        } else {
            out.push_str(&format!(
                "\n\ndefined in `{}`",
                checked.sources.get(span.file).name
            ));
        }
    }
    Some(out)
}

/// The `:attr` line of a member in the docstring of its entity or of a parent.
fn member_doc(model: &Model, entity: EntityId, name: &str) -> Option<String> {
    model.ancestors(entity).into_iter().find_map(|e| {
        let doc = model.entity(e).doc.as_deref()?;
        docstring::parse(doc).attribute(name).map(str::to_string)
    })
}

/// For a member of a service entity (or an embedded entity): its modifier, and its description
/// in the service catalog; whether it is one with a description.
fn service_member(
    checked: &Checked,
    entity: EntityId,
    name: &str,
    extra: &mut Vec<String>,
) -> bool {
    let model = &checked.model;
    let lsm_bases = [
        model.well_known.service_entity,
        model.well_known.embedded_entity,
    ];
    let is_service = lsm_bases
        .iter()
        .flatten()
        .any(|base| model.is_subtype(entity, *base) && *base != entity);
    if !is_service {
        return false;
    }
    let Some(view) = LsmView::new(model, checked.statics()) else {
        return false;
    };
    if view.is_lsm_or_std(entity) || name.starts_with('_') || view.meta_base(entity, name).is_some()
    {
        return false;
    }
    let mut lines = vec![format!("modifier: `{}`", view.modifier_of(entity, name))];
    let description = view.member_description(entity, name);
    if let Some(description) = &description {
        lines.push(format!("catalog description: {description}"));
    }
    extra.push(lines.join("  \n"));
    description.is_some()
}

/// A plugin's signature, as Python declares it: `std::replace(string: string, ...) -> string`.
pub fn signature(signature: &PluginSignature) -> String {
    let params: Vec<String> = signature
        .params
        .iter()
        .map(|p| {
            let ty = format!("{}{}", p.ty.name(), if p.nullable { "?" } else { "" });
            let name = match p.kind {
                ParamKind::VarPositional => format!("*{}", p.name),
                ParamKind::VarKeyword => format!("**{}", p.name),
                ParamKind::Normal | ParamKind::KeywordOnly => p.name.to_string(),
            };
            let default = if p.has_default { " = ..." } else { "" };
            format!("{name}: {ty}{default}")
        })
        .collect();
    format!(
        "plugin {}::{}({}) -> {}{}",
        signature.namespace,
        signature.name,
        params.join(", "),
        signature.returns.name(),
        if signature.returns_nullable { "?" } else { "" }
    )
}

/// A source excerpt on one line, shortened when long.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 80 {
        let cut: String = joined.chars().take(77).collect();
        format!("{cut}...")
    } else {
        joined
    }
}
