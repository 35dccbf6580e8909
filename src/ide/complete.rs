//! Completion: what may be written at a place, told from the text before it (which may not
//! parse yet) and the checked project (what did parse).
//!
//! The places: a module after `import`; a definition after `ns::`; a member after `x.`; a
//! keyword argument of a constructor (required ones first); a type at the start of an
//! attribute declaration; an implementation after `using`; else keywords and the names in scope.

use crate::builtin::plugins::PLUGINS;
use crate::driver::Checked;
use crate::resolve::{Def, EntityId, Model, NamespaceId, TypeDef, ValueType, VariableId};
use crate::source::FileId;

use super::{hover, namespace_of_file, variable_entity, ExprContext};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Module,
    Entity,
    Typedef,
    Primitive,
    Attribute,
    Relation,
    Variable,
    Plugin,
    Implementation,
    Argument,
    Value,
}

/// A completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// What is inserted, when it is not the label (`name=` for a keyword argument).
    pub insert: Option<String>,
    /// Lower comes first (required arguments before optional ones).
    pub rank: u8,
}

/// The completions at a place and the byte offset where the word they replace starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    pub start: u32,
    pub items: Vec<Completion>,
}

const STATEMENT_KEYWORDS: &[&str] = &[
    "entity",
    "implementation",
    "implement",
    "typedef",
    "index",
    "import",
    "for",
    "if",
    "else",
    "elif",
    "end",
];

const EXPRESSION_KEYWORDS: &[&str] = &[
    "true", "false", "null", "and", "or", "not", "in", "is", "defined",
];

const ATTRIBUTE_TYPES: &[&str] = &["string", "int", "float", "bool", "list", "dict", "any"];

/// The completions at `offset`; `modules` are the modules that can be imported.
pub fn complete(checked: &Checked, file: FileId, offset: u32, modules: &[String]) -> Completions {
    let text = &checked.sources.get(file).text;
    let offset = (offset as usize).min(text.len());
    let offset = text.floor_char_boundary(offset);
    let before = &text[..offset];
    let word_start = super::start_of_run(before, |c: char| {
        !(c.is_alphanumeric() || c == '_' || c == '-')
    });
    let word = &before[word_start..];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let model = &checked.model;
    let namespace = namespace_of_file(model, file);
    let mut items = Vec::new();
    let context = Context {
        checked,
        model,
        file,
        namespace,
        offset: offset as u32,
    };
    let head = &before[..word_start];

    if let Some(module) = line.trim_start().strip_prefix("import ") {
        let module = module.trim_start();
        let prefix = &module[..module.len() - word.len()];
        let mut names: Vec<String> = modules.to_vec();
        names.extend(model.namespaces.iter().map(|n| n.name.clone()));
        names.retain(|n| n != "__config__" && n.starts_with(prefix));
        names.sort();
        names.dedup();
        for name in names {
            let rest = &name[prefix.len()..];
            if rest.contains("::") {
                continue;
            }
            items.push(item(
                &name,
                CompletionKind::Module,
                Some(rest.to_string()),
                0,
            ));
        }
    } else if let Some(qualifier) = head.strip_suffix("::") {
        let qualifier_start = super::start_of_run(qualifier, |c: char| {
            !(c.is_alphanumeric() || c == '_' || c == ':')
        });
        context.qualified(&qualifier[qualifier_start..], &mut items);
    } else if let Some(object) = head.strip_suffix('.') {
        context.members(object, &mut items);
    } else if let Some(callee) = open_call(before) {
        let short = callee.rsplit("::").next().unwrap_or(callee);
        if short.starts_with(|c: char| c.is_ascii_uppercase()) {
            context.arguments(callee, before, &mut items);
        } else {
            context.plugin_arguments(callee, before, &mut items);
        }
    } else if line.trim_start().starts_with("implement ") && line.contains(" using ") {
        context.implementations(&mut items);
    } else if in_entity_body(before) && line[..line.len() - word.len()].trim().is_empty() {
        context.types(&mut items);
        items.push(item("end", CompletionKind::Keyword, None, 1));
    } else {
        let at_statement_start = line[..line.len() - word.len()].trim().is_empty();
        context.in_scope(at_statement_start, &mut items);
    }
    items.retain(|i| {
        let shown = i.insert.as_deref().unwrap_or(&i.label);
        shown.starts_with(word) || i.label.starts_with(word)
    });
    Completions {
        start: word_start as u32,
        items,
    }
}

fn item(label: &str, kind: CompletionKind, insert: Option<String>, rank: u8) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail: None,
        documentation: None,
        insert,
        rank,
    }
}

struct Context<'c> {
    checked: &'c Checked,
    model: &'c Model,
    file: FileId,
    namespace: Option<NamespaceId>,
    offset: u32,
}

impl Context<'_> {
    /// The namespace a qualifier names from this file: an import (or alias), else any loaded
    /// namespace of that name.
    fn visible(&self, qualifier: &str) -> Option<NamespaceId> {
        self.namespace
            .and_then(|ns| self.model.namespace(ns).imports.get(qualifier).copied())
            .or_else(|| self.model.namespace_by_name.get(qualifier).copied())
    }

    fn documented(&self, mut completion: Completion, def: Def) -> Completion {
        if let Some(markdown) = hover::describe(self.checked, def) {
            completion.documentation = Some(markdown);
        }
        completion
    }

    /// The definitions of a namespace and its submodules, after `ns::`.
    fn qualified(&self, qualifier: &str, items: &mut Vec<Completion>) {
        let Some(ns) = self.visible(qualifier) else {
            return;
        };
        let namespace = self.model.namespace(ns);
        let mut types: Vec<(&String, &TypeDef)> = namespace.types.iter().collect();
        types.sort_by_key(|(n, _)| n.as_str());
        for (name, def) in types {
            let (kind, def, detail) = match def {
                TypeDef::Entity(e) => (
                    CompletionKind::Entity,
                    Def::Entity(*e),
                    self.model.entity(*e).full_name.clone(),
                ),
                TypeDef::Typedef(t) => (
                    CompletionKind::Typedef,
                    Def::Typedef(*t),
                    self.model.typedef(*t).full_name.clone(),
                ),
            };
            let mut completion = item(name, kind, None, 0);
            completion.detail = Some(detail);
            items.push(self.documented(completion, def));
        }
        let mut variables: Vec<(&String, &VariableId)> = namespace.variables.iter().collect();
        variables.sort_by_key(|(n, _)| n.as_str());
        for (name, v) in variables {
            items.push(self.documented(
                item(name, CompletionKind::Variable, None, 1),
                Def::Variable(*v),
            ));
        }
        let mut implementations: Vec<_> = namespace.implementations.iter().collect();
        implementations.sort_by_key(|(n, _)| n.as_str());
        for (name, i) in implementations {
            items.push(self.documented(
                item(name, CompletionKind::Implementation, None, 2),
                Def::Implementation(*i),
            ));
        }
        for (i, plugin) in PLUGINS.iter().enumerate() {
            if plugin.namespace == namespace.name {
                let mut completion = item(plugin.name, CompletionKind::Plugin, None, 1);
                completion.detail = Some(hover::signature(plugin));
                items.push(self.documented(
                    completion,
                    Def::Plugin(crate::builtin::plugins::PluginId(i as u16)),
                ));
            }
        }
        let prefix = format!("{}::", namespace.name);
        for other in &self.model.namespaces {
            if let Some(rest) = other.name.strip_prefix(&prefix) {
                if !rest.contains("::") {
                    items.push(item(rest, CompletionKind::Module, None, 3));
                }
            }
        }
    }

    /// The attributes and relations of what `object` (the text before the `.`) is.
    fn members(&self, object: &str, items: &mut Vec<Completion>) {
        let chain_start = super::start_of_run(object, |c: char| {
            !(c.is_alphanumeric() || c == '_' || c == ':' || c == '.')
        });
        let chain: Vec<&str> = object[chain_start..].split('.').collect();
        let Some((first, rest)) = chain.split_first() else {
            return;
        };
        let Some(mut entity) = self.entity_of_name(first) else {
            return;
        };
        for name in rest {
            let Some(end) = self.model.relation_end(entity, name) else {
                return;
            };
            entity = end.target;
        }
        self.member_items(entity, items, |_| 0);
    }

    fn member_items(
        &self,
        entity: EntityId,
        items: &mut Vec<Completion>,
        rank: impl Fn(Def) -> u8,
    ) {
        let model = self.model;
        for attribute in model.all_attributes(entity) {
            let owner = model.entity(attribute.entity);
            let index = owner
                .attributes
                .iter()
                .position(|a| a.name == attribute.name)
                .unwrap_or(0);
            let def = Def::Attribute {
                entity: attribute.entity,
                index: index as u16,
            };
            let mut completion = item(&attribute.name, CompletionKind::Attribute, None, rank(def));
            completion.detail = Some(attribute.type_text());
            items.push(self.documented(completion, def));
        }
        for end in model.all_relation_ends(entity) {
            let Some(name) = &end.name else { continue };
            let Some(Def::RelationEnd {
                relation,
                end: index,
            }) = crate::resolve::resolution::member(model, entity, name)
            else {
                continue;
            };
            let def = Def::RelationEnd {
                relation,
                end: index,
            };
            let mut completion = item(name, CompletionKind::Relation, None, rank(def));
            completion.detail = Some(model.entity(end.target).full_name.clone());
            items.push(self.documented(completion, def));
        }
    }

    /// The entity of a name before a `.`: `self` in an implementation, or a variable.
    fn entity_of_name(&self, name: &str) -> Option<EntityId> {
        let model = self.model;
        if name == "self" {
            return model
                .implementations
                .iter()
                .find(|i| {
                    i.span.file == self.file
                        && i.span.start <= self.offset
                        && self.offset <= i.span.end
                })
                .and_then(|i| i.entity);
        }
        let variable = match name.rsplit_once("::") {
            Some((ns, short)) => {
                let ns = self.visible(ns)?;
                *model.namespace(ns).variables.get(short)?
            }
            None => self.variable_before(name)?,
        };
        let module = super::module_of_file(model, model.variable(variable).span.file)?;
        let context = ExprContext {
            module,
            implementation_entity: None,
        };
        variable_entity(model, context, variable, 0)
    }

    /// The variable `name` assigned last before the place in this file, else the top-level one.
    fn variable_before(&self, name: &str) -> Option<VariableId> {
        let model = self.model;
        let local = model
            .variables
            .iter()
            .enumerate()
            .filter(|(_, v)| {
                v.name == name && v.span.file == self.file && v.span.start < self.offset
            })
            .max_by_key(|(_, v)| v.span.start)
            .map(|(i, _)| VariableId(i as u32));
        local.or_else(|| {
            let ns = self.namespace?;
            model.namespace(ns).variables.get(name).copied()
        })
    }

    /// The keyword arguments of a constructor not given yet: required ones first, the
    /// `__`-metadata attributes last.
    fn arguments(&self, class: &str, before: &str, items: &mut Vec<Completion>) {
        let Some(entity) = self.entity_named(class) else {
            return;
        };
        let given = given_arguments(class, before);
        let model = self.model;
        let from_std =
            |entity: EntityId| model.namespace(model.entity(entity).namespace).name == "std";
        let required = |def: Def| -> u8 {
            let name = super::name_of(model, def).unwrap_or_default();
            let owner = match def {
                Def::Attribute { entity, .. } => entity,
                Def::RelationEnd { relation, end } => {
                    model.relations[relation.index()].ends[end as usize].owner
                }
                _ => return 2,
            };
            if name.contains("__") || from_std(owner) {
                return 2;
            }
            match def {
                Def::Attribute { entity, index } => {
                    let a = &model.entity(entity).attributes[index as usize];
                    let inherited_default = model.attribute(entity, &a.name).map(|a| &a.default);
                    let has_default = !matches!(
                        inherited_default,
                        Some(crate::resolve::Default::None) | None
                    );
                    u8::from(has_default || a.nullable)
                }
                Def::RelationEnd { relation, end } => {
                    u8::from(model.relations[relation.index()].ends[end as usize].lower == 0)
                }
                _ => 1,
            }
        };
        let mut members = Vec::new();
        self.member_items(entity, &mut members, required);
        for mut completion in members {
            if given.contains(&completion.label.as_str()) {
                continue;
            }
            completion.kind = CompletionKind::Argument;
            completion.insert = Some(format!("{}=", completion.label));
            items.push(completion);
        }
        items.sort_by(|a, b| (a.rank, &a.label).cmp(&(b.rank, &b.label)));
    }

    /// The keyword arguments of a built-in plugin not given yet, required ones first.
    fn plugin_arguments(&self, callee: &str, before: &str, items: &mut Vec<Completion>) {
        let Some((ns, name)) = callee.rsplit_once("::") else {
            return;
        };
        let Some(ns) = self.visible(ns) else { return };
        let Some(plugin) = crate::builtin::plugins::signature(&self.model.namespace(ns).name, name)
        else {
            return;
        };
        let given = given_arguments(callee, before);
        // The arguments before this one that have no name fill the first parameters.
        let call = &before[before.rfind(&format!("{callee}(")).unwrap_or(0) + callee.len() + 1..];
        let parts: Vec<&str> = call.split(',').collect();
        let positional = parts[..parts.len() - 1]
            .iter()
            .filter(|p| !p.contains('=') && !p.trim().is_empty())
            .count();
        use crate::builtin::plugins::ParamKind;
        for (index, param) in plugin.params.iter().enumerate() {
            if matches!(param.kind, ParamKind::VarPositional | ParamKind::VarKeyword)
                || given.contains(&param.name)
                || (index < positional && param.kind == ParamKind::Normal)
            {
                continue;
            }
            let mut completion = item(
                param.name,
                CompletionKind::Argument,
                Some(format!("{}=", param.name)),
                u8::from(param.has_default),
            );
            completion.detail = Some(format!(
                "{}{}",
                param.ty.name(),
                if param.nullable { "?" } else { "" }
            ));
            completion.documentation =
                Some(format!("```inmanta\n{}\n```", hover::signature(plugin)));
            items.push(completion);
        }
    }

    /// The entity a class reference written here names.
    fn entity_named(&self, class: &str) -> Option<EntityId> {
        let (ns, name) = match class.rsplit_once("::") {
            Some((ns, name)) => (self.visible(ns)?, name),
            None => (self.namespace?, class),
        };
        match self.model.namespace(ns).types.get(name)? {
            TypeDef::Entity(e) => Some(*e),
            TypeDef::Typedef(_) => None,
        }
    }

    /// The implementations that can follow `using`.
    fn implementations(&self, items: &mut Vec<Completion>) {
        items.push(item("parents", CompletionKind::Keyword, None, 0));
        if let Some(ns) = self.namespace {
            let mut names: Vec<_> = self.model.namespace(ns).implementations.iter().collect();
            names.sort_by_key(|(n, _)| n.as_str());
            for (name, i) in names {
                items.push(self.documented(
                    item(name, CompletionKind::Implementation, None, 1),
                    Def::Implementation(*i),
                ));
            }
        }
        self.namespaces(items);
    }

    /// The types of an attribute declaration.
    fn types(&self, items: &mut Vec<Completion>) {
        for name in ATTRIBUTE_TYPES {
            items.push(item(name, CompletionKind::Primitive, None, 0));
        }
        if let Some(ns) = self.namespace {
            let mut typedefs: Vec<_> = self
                .model
                .namespace(ns)
                .types
                .iter()
                .filter_map(|(name, def)| match def {
                    TypeDef::Typedef(t) => Some((name, *t)),
                    TypeDef::Entity(_) => None,
                })
                .collect();
            typedefs.sort_by_key(|(n, _)| n.as_str());
            for (name, t) in typedefs {
                let mut completion = item(name, CompletionKind::Typedef, None, 0);
                completion.detail = Some(match self.model.typedef(t).base {
                    ValueType::Primitive(p) => p.name().to_string(),
                    ValueType::Typedef(b) => self.model.typedef(b).full_name.clone(),
                    ValueType::Unknown => String::new(),
                });
                items.push(self.documented(completion, Def::Typedef(t)));
            }
        }
        self.namespaces(items);
    }

    /// The namespaces visible from this file, to qualify a name with.
    fn namespaces(&self, items: &mut Vec<Completion>) {
        let Some(ns) = self.namespace else { return };
        let mut names: Vec<&String> = self.model.namespace(ns).imports.keys().collect();
        names.sort();
        for name in names {
            if !name.contains("::") && name != "__config__" {
                items.push(item(name, CompletionKind::Module, None, 2));
            }
        }
    }

    /// Keywords, and the names visible here: variables, entities, namespaces.
    fn in_scope(&self, at_statement_start: bool, items: &mut Vec<Completion>) {
        let model = self.model;
        let mut seen = std::collections::HashSet::new();
        let locals = model
            .variables
            .iter()
            .enumerate()
            .filter(|(_, v)| v.span.file == self.file && v.span.start < self.offset);
        let top_level = self.namespace.into_iter().flat_map(|ns| {
            model
                .namespace(ns)
                .variables
                .values()
                .map(|v| (v.index(), model.variable(*v)))
        });
        let mut variables: Vec<_> = locals.chain(top_level).collect();
        variables.sort_by_key(|(_, v)| v.name.clone());
        for (i, v) in variables {
            if seen.insert(v.name.clone()) {
                items.push(self.documented(
                    item(&v.name, CompletionKind::Variable, None, 0),
                    Def::Variable(VariableId(i as u32)),
                ));
            }
        }
        if let Some(ns) = self.namespace {
            let mut types: Vec<_> = model.namespace(ns).types.iter().collect();
            types.sort_by_key(|(n, _)| n.as_str());
            for (name, def) in types {
                if let TypeDef::Entity(e) = def {
                    items.push(
                        self.documented(
                            item(name, CompletionKind::Entity, None, 1),
                            Def::Entity(*e),
                        ),
                    );
                }
            }
        }
        self.namespaces(items);
        let keywords = if at_statement_start {
            STATEMENT_KEYWORDS
        } else {
            EXPRESSION_KEYWORDS
        };
        for keyword in keywords.iter().chain(if at_statement_start {
            EXPRESSION_KEYWORDS.iter()
        } else {
            [].iter()
        }) {
            items.push(item(keyword, CompletionKind::Keyword, None, 3));
        }
    }
}

/// The callee of the call whose argument list the text ends in, at the place of an argument's
/// name: `Host(name="a", ` gives `Host`, `std::replace(x, ` gives `std::replace`.
fn open_call(before: &str) -> Option<&str> {
    let mut depth = 0i32;
    let mut in_string: Option<char> = None;
    let bytes: Vec<(usize, char)> = before.char_indices().collect();
    // The argument being written must be a name so far: nothing but a word after `(` or `,`.
    let tail = before.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
    if !tail.trim_end().ends_with(['(', ',']) {
        return None;
    }
    // Strings are skipped on the way back; a quote inside a string of the other kind is text.
    let mut open = None;
    for &(i, c) in bytes.iter().rev() {
        if let Some(quote) = in_string {
            if c == quote {
                in_string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_string = Some(c),
            ')' | ']' | '}' => depth += 1,
            '(' | '[' | '{' if depth > 0 => depth -= 1,
            '(' => {
                open = Some(i);
                break;
            }
            '[' | '{' => return None,
            _ => {}
        }
    }
    let open = open?;
    let callee = &before[..open];
    let start = super::start_of_run(callee, |c: char| {
        !(c.is_alphanumeric() || c == '_' || c == ':')
    });
    let callee = &callee[start..];
    (!callee.is_empty()).then_some(callee)
}

/// The names already given as keyword arguments in the open call of `callee`.
fn given_arguments<'t>(callee: &str, before: &'t str) -> Vec<&'t str> {
    let call = &before[before.rfind(&format!("{callee}(")).unwrap_or(0)..];
    call.split([',', '('])
        .filter_map(|part| part.split_once('=').map(|(name, _)| name.trim()))
        .collect()
}

/// Whether the text ends inside an `entity ...:` block (before its `end`).
fn in_entity_body(before: &str) -> bool {
    let finished_lines = &before[..before.rfind('\n').unwrap_or(0)];
    for line in finished_lines.lines().rev() {
        let trimmed = line.trim();
        if trimmed == "end" {
            return false;
        }
        if trimmed.starts_with("entity ") {
            return true;
        }
        if trimmed.starts_with("implementation ")
            || trimmed.starts_with("for ")
            || trimmed.starts_with("if ")
        {
            return false;
        }
    }
    false
}
