//! The grammar's helper: builds AST nodes, decodes literals, and records the errors that Inmanta's
//! parser raises while building nodes (its error productions and definition-time checks).

use crate::ast::*;
use crate::diagnostics::Diagnostic;
use crate::lexer::literals::{find_interpolations, parse_format, unicode_escape_decode};
use crate::parser::error::SyntaxError;
use crate::source::{FileId, Span};

pub struct Builder<'t> {
    pub file: FileId,
    pub text: &'t str,
    errors: Vec<SyntaxError>,
}

impl<'t> Builder<'t> {
    pub fn new(file: FileId, text: &'t str) -> Self {
        Builder {
            file,
            text,
            errors: Vec::new(),
        }
    }

    /// The errors recorded while building, as diagnostics.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.errors.into_iter().map(Diagnostic::from).collect()
    }

    pub fn span(&self, l: usize, r: usize) -> Span {
        Span::new(self.file, l, r.max(l))
    }

    fn error(&mut self, error: SyntaxError) {
        self.errors.push(error);
    }

    fn check_hyphen(&mut self, name: &Name, what: &'static str) {
        if name.text.contains('-') {
            self.error(SyntaxError::HyphenInName {
                name: name.text.clone(),
                what,
                span: name.span,
            });
        }
    }

    // ------------------------------------------------------------------------------------------
    // Names

    pub fn name(&self, text: &str, l: usize, r: usize) -> Name {
        Name {
            text: text.to_string(),
            span: self.span(l, r),
        }
    }

    pub fn path(&self, segments: Vec<Name>) -> Path {
        let span = segments[0].span.to(segments[segments.len() - 1].span);
        Path { segments, span }
    }

    pub fn class_ref(&self, namespace: Vec<Name>, name: Name) -> ClassRef {
        let span = namespace
            .first()
            .map_or(name.span, |n| n.span.to(name.span));
        ClassRef {
            namespace,
            name,
            span,
        }
    }

    /// `a.b.C`: a namespace written with dots.
    pub fn class_ref_dotted(&mut self, object: Expr, name: Name) -> ClassRef {
        let mut segments = Vec::new();
        flatten_dotted(&object, &mut segments);
        let written = format!(
            "{}.{}",
            segments
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("."),
            name.text
        );
        let fixed = format!(
            "{}::{}",
            segments
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("::"),
            name.text
        );
        self.invalid_namespace_access(&written, &fixed, object.span.to(name.span));
        self.class_ref(segments, name)
    }

    fn invalid_namespace_access(&mut self, written: &str, fixed: &str, span: Span) {
        self.error(SyntaxError::InvalidNamespaceAccess {
            written: written.to_string(),
            fixed: fixed.to_string(),
            span,
        });
    }

    /// A lower-case name in an `extends` list.
    pub fn parent_not_class(&mut self, object: Expr) -> ClassRef {
        let mut segments = Vec::new();
        flatten_dotted(&object, &mut segments);
        let name = segments.pop().expect("a reference has a name");
        self.error(SyntaxError::EntityNameCase {
            span: name.span,
            rename: None,
        });
        self.class_ref(segments, name)
    }

    // ------------------------------------------------------------------------------------------
    // Definitions

    pub fn import(&mut self, module: Path, alias: Option<Name>, l: usize, r: usize) -> Import {
        let text = module.to_text();
        if text.contains('-') {
            self.error(SyntaxError::InvalidModuleName {
                module: text,
                span: module.span,
            });
        } else if let Some(alias) = &alias {
            self.check_hyphen(alias, "an alias");
        }
        Import {
            module,
            alias,
            span: self.span(l, r),
        }
    }

    pub fn entity(
        &mut self,
        name: Name,
        parents: Vec<ClassRef>,
        doc: Option<Doc>,
        attributes: Vec<Attribute>,
        l: usize,
        r: usize,
    ) -> Entity {
        self.check_hyphen(&name, "an entity name");
        Entity {
            name,
            parents,
            doc,
            // Attributes that did not parse have an empty name; their error is recorded.
            attributes: attributes
                .into_iter()
                .filter(|a| !a.name.text.is_empty())
                .collect(),
            span: self.span(l, r),
        }
    }

    /// A lower-case entity name: reported once, then defined under the name the error asks for,
    /// so that the uses already written that way resolve instead of each reporting again.
    pub fn entity_name_not_capital(&mut self, mut name: Name) -> Name {
        let rename = capitalise(&name.text);
        self.error(SyntaxError::EntityNameCase {
            span: name.span,
            rename: Some(rename.clone()),
        });
        name.text = rename;
        name
    }

    pub fn doc(&mut self, token: &str, l: usize, r: usize) -> Doc {
        let value = self.decode(&token[3..token.len() - 3], l + 3, "multi-line string");
        Doc {
            text: value,
            span: self.span(l, r),
        }
    }

    pub fn attribute(
        &mut self,
        ty: AttributeType,
        name: Name,
        default: AttributeDefault,
        l: usize,
        r: usize,
    ) -> Attribute {
        self.check_hyphen(&name, "an attribute name");
        Attribute {
            ty,
            name,
            default,
            span: self.span(l, r),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn dict_null_default(
        &mut self,
        ty: AttributeType,
        name: Name,
        null_l: usize,
        null_r: usize,
        l: usize,
        r: usize,
    ) -> Attribute {
        if !ty.nullable {
            self.error(SyntaxError::DictNullDefault {
                name: name.text.clone(),
                span: name.span,
            });
        }
        let null = Expr::new(ExprKind::Null, self.span(null_l, null_r));
        self.attribute(ty, name, AttributeDefault::Value(null), l, r)
    }

    pub fn error_attribute(&self, l: usize, r: usize) -> Attribute {
        let span = self.span(l, r);
        let empty = Name {
            text: String::new(),
            span,
        };
        Attribute {
            ty: AttributeType {
                base: self.path(vec![empty.clone()]),
                list: false,
                nullable: false,
                span,
            },
            name: empty,
            default: AttributeDefault::None,
            span,
        }
    }

    pub fn attribute_name_capital(&mut self, name: Name) -> Name {
        self.error(SyntaxError::AttributeNameCase {
            span: name.span,
            rename: uncapitalise(&name.text),
        });
        name
    }

    pub fn attribute_type(
        &self,
        base: Path,
        list: bool,
        nullable: bool,
        l: usize,
        r: usize,
    ) -> AttributeType {
        AttributeType {
            base,
            list,
            nullable,
            span: self.span(l, r),
        }
    }

    pub fn dict_type(&self, nullable: bool, l: usize, r: usize) -> AttributeType {
        let name = Name {
            text: "dict".to_string(),
            span: self.span(l, l + 4),
        };
        AttributeType {
            base: self.path(vec![name]),
            list: false,
            nullable,
            span: self.span(l, r),
        }
    }

    pub fn implementation(
        &mut self,
        name: Name,
        entity: ClassRef,
        mut body: Vec<Stmt>,
        l: usize,
        r: usize,
    ) -> Implementation {
        self.check_hyphen(&name, "an implementation name");
        let doc = take_docstring(&mut body, self.text);
        Implementation {
            name,
            entity,
            doc,
            body,
            span: self.span(l, r),
        }
    }

    pub fn implement(
        &mut self,
        entity: ClassRef,
        using: Vec<ImplementationRef>,
        when: Option<Expr>,
        l: usize,
        r: usize,
    ) -> Implement {
        Implement {
            entity,
            using,
            when,
            doc: None,
            span: self.span(l, r),
        }
    }

    pub fn relation(
        &mut self,
        left: RelationEnd,
        annotations: Vec<Expr>,
        right: RelationEnd,
        l: usize,
        r: usize,
    ) -> Relation {
        // Inmanta checks the right end first.
        if let Some(name) = &right.name {
            self.check_hyphen(name, "a relation name");
        }
        if let Some(name) = &left.name {
            self.check_hyphen(name, "a relation name");
        }
        Relation {
            left,
            right,
            annotations,
            doc: None,
            span: self.span(l, r),
        }
    }

    pub fn relation_end(
        &self,
        entity: ClassRef,
        name: Option<Name>,
        multiplicity: Option<Multiplicity>,
        l: usize,
        r: usize,
    ) -> RelationEnd {
        RelationEnd {
            entity,
            name,
            multiplicity,
            span: self.span(l, r),
        }
    }

    pub fn multiplicity(&self, lower: i64, upper: Option<i64>, l: usize, r: usize) -> Multiplicity {
        Multiplicity {
            lower,
            upper,
            span: self.span(l, r),
        }
    }

    pub fn typedef(
        &mut self,
        name: Name,
        base: Path,
        constraint: Expr,
        l: usize,
        r: usize,
    ) -> Typedef {
        self.check_hyphen(&name, "a typedef name");
        Typedef {
            name,
            base,
            constraint,
            doc: None,
            span: self.span(l, r),
        }
    }

    /// `typedef Name as Entity(...)`: the old default-constructor form.
    pub fn default_constructor(
        &mut self,
        name: Name,
        constructor: Expr,
        l: usize,
        r: usize,
    ) -> Typedef {
        self.error(SyntaxError::DefaultConstructor { span: name.span });
        let base = self.path(vec![name.clone()]);
        Typedef {
            name,
            base,
            constraint: constructor,
            doc: None,
            span: self.span(l, r),
        }
    }

    // ------------------------------------------------------------------------------------------
    // Statements

    pub fn assign(&mut self, target: Expr, value: Expr, l: usize, r: usize) -> Stmt {
        if let ExprKind::Var { path } = &target.kind {
            if path.segments.len() == 1 {
                self.check_hyphen(&path.segments[0], "a variable name");
            }
        }
        Stmt {
            kind: StmtKind::Assign {
                target: Box::new(target),
                value: Box::new(value),
            },
            span: self.span(l, r),
        }
    }

    pub fn extend(
        &mut self,
        target: Expr,
        value: Expr,
        ol: usize,
        or: usize,
        l: usize,
        r: usize,
    ) -> Stmt {
        if let ExprKind::Var { path } = &target.kind {
            self.error(SyntaxError::PlusAssignVariable {
                name: path.to_text(),
                span: self.span(ol, or),
            });
        }
        Stmt {
            kind: StmtKind::Extend {
                target: Box::new(target),
                value: Box::new(value),
            },
            span: self.span(l, r),
        }
    }

    // ------------------------------------------------------------------------------------------
    // Expressions

    pub fn conditional(&self, c: Expr, t: Expr, e: Expr, l: usize, r: usize) -> Expr {
        Expr::new(
            ExprKind::Conditional {
                condition: Box::new(c),
                then: Box::new(t),
                otherwise: Box::new(e),
            },
            self.span(l, r),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn binary(
        &self,
        op: BinaryOp,
        left: Expr,
        right: Expr,
        ol: usize,
        or: usize,
        l: usize,
        r: usize,
    ) -> Expr {
        Expr::new(
            ExprKind::Binary {
                op,
                op_span: self.span(ol, or),
                left: Box::new(left),
                right: Box::new(right),
            },
            self.span(l, r),
        )
    }

    pub fn attribute_ref(&self, object: Expr, name: Name, l: usize) -> Expr {
        let span = self.span(l, name.span.end as usize);
        Expr::new(
            ExprKind::Attribute {
                object: Box::new(object),
                name,
            },
            span,
        )
    }

    pub fn map_lookup(&self, map: Expr, key: Expr, l: usize, r: usize) -> Expr {
        Expr::new(
            ExprKind::MapLookup {
                map: Box::new(map),
                key: Box::new(key),
            },
            self.span(l, r),
        )
    }

    pub fn call(&self, function: Path, arguments: Vec<Argument>, l: usize, r: usize) -> Expr {
        Expr::new(
            ExprKind::Call {
                function,
                arguments,
            },
            self.span(l, r),
        )
    }

    /// `a.b.f()`: a plugin named with dots.
    pub fn call_dotted(
        &mut self,
        function: Expr,
        arguments: Vec<Argument>,
        l: usize,
        r: usize,
    ) -> Expr {
        let mut segments = Vec::new();
        flatten_dotted(&function, &mut segments);
        let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
        let (written, fixed) = (texts.join("."), texts.join("::"));
        self.invalid_namespace_access(&written, &fixed, function.span);
        let path = self.path(segments);
        self.call(path, arguments, l, r)
    }

    pub fn short_index_lookup(
        &self,
        reference: Expr,
        arguments: Vec<Argument>,
        l: usize,
        r: usize,
    ) -> Expr {
        let ExprKind::Attribute { object, name } = reference.kind else {
            unreachable!("the grammar passes an attribute reference")
        };
        Expr::new(
            ExprKind::ShortIndexLookup {
                object,
                relation: name,
                arguments,
            },
            self.span(l, r),
        )
    }

    pub fn dict(&mut self, entries: Vec<(Name, Expr)>, l: usize, r: usize) -> Expr {
        let mut seen: Vec<&Name> = Vec::new();
        let mut duplicates = Vec::new();
        for (key, _) in &entries {
            if let Some(first) = seen.iter().find(|k| k.text == key.text) {
                duplicates.push((key.clone(), first.span));
            } else {
                seen.push(key);
            }
        }
        for (key, first) in duplicates {
            self.error(SyntaxError::DuplicateDictKey {
                key: key.text,
                span: key.span,
                first,
            });
        }
        Expr::new(
            ExprKind::Dict {
                entries: entries.into_iter().map(|(k, v)| (k.text, v)).collect(),
            },
            self.span(l, r),
        )
    }

    pub fn dict_key(&mut self, token: &str, raw: bool, l: usize, r: usize) -> Name {
        let span = self.span(l, r);
        let text = if raw {
            token[2..token.len() - 1].to_string()
        } else {
            let value = self.decode(&token[1..token.len() - 1], l + 1, "string");
            if !find_interpolations(&value).is_empty() {
                self.error(SyntaxError::DictKeyInterpolation {
                    token: token.to_string(),
                    span,
                });
            }
            value
        };
        Name { text, span }
    }

    pub fn integer(&mut self, token: &str, l: usize, r: usize) -> i64 {
        match token.parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                self.error(SyntaxError::IntegerTooLarge {
                    token: token.to_string(),
                    span: Span::new(self.file, l, r),
                });
                0
            }
        }
    }

    pub fn float(&self, token: &str, l: usize, r: usize) -> Expr {
        let value = token.parse::<f64>().unwrap_or(f64::NAN);
        Expr::new(ExprKind::Float { value }, self.span(l, r))
    }

    pub fn regex(&mut self, token: &str, l: usize, r: usize) -> Expr {
        let slash = token.find('/').expect("the lexer includes the slashes");
        let pattern = &token[slash + 1..token.len() - 1];
        if let Some(error) = regex_error(pattern) {
            self.error(SyntaxError::InvalidRegex {
                written: token[slash..].to_string(),
                error,
                span: self.span(l + slash, r),
            });
        }
        Expr::new(
            ExprKind::Regex {
                pattern: pattern.to_string(),
            },
            self.span(l, r),
        )
    }

    pub fn string(&mut self, token: &str, l: usize, r: usize) -> Expr {
        let value = self.decode(&token[1..token.len() - 1], l + 1, "string");
        self.interpolated(value, l + 1, l, r)
    }

    pub fn multiline_string(&mut self, token: &str, l: usize, r: usize) -> Expr {
        let value = self.decode(&token[3..token.len() - 3], l + 3, "multi-line string");
        self.interpolated(value, l + 3, l, r)
    }

    pub fn raw_string(&self, token: &str, l: usize, r: usize) -> Expr {
        Expr::new(
            ExprKind::Str {
                value: token[2..token.len() - 1].to_string(),
            },
            self.span(l, r),
        )
    }

    pub fn format_string(&mut self, token: &str, l: usize, r: usize) -> Expr {
        let template = self.decode(&token[2..token.len() - 1], l + 2, "f-string");
        let span = self.span(l, r);
        let fields = match parse_format(&template) {
            Ok(fields) => fields,
            Err(message) => {
                self.error(SyntaxError::InvalidFString { message, span });
                return Expr::new(
                    ExprKind::FString {
                        template,
                        parts: Vec::new(),
                    },
                    span,
                );
            }
        };
        let mut parts = Vec::new();
        let mut push = |field: &str| {
            let reference = field
                .trim()
                .split('.')
                .map(|segment| Name {
                    text: segment.trim().to_string(),
                    span,
                })
                .collect();
            parts.push(Interpolation {
                placeholder: field.to_string(),
                reference,
                span,
            });
        };
        for field in &fields {
            let Some(name) = &field.field else { break };
            push(name);
            // Nested fields of the format spec (`{x:{width}}`) are references too.
            if let Some(spec) = &field.spec {
                if let Ok(inner) = parse_format(spec) {
                    for f in inner.iter().filter_map(|f| f.field.as_ref()) {
                        push(f);
                    }
                }
            }
        }
        Expr::new(ExprKind::FString { template, parts }, span)
    }

    /// A decoded plain or multi-line string: a literal, or a template when it has `{{ }}`.
    fn interpolated(&mut self, value: String, body_start: usize, l: usize, r: usize) -> Expr {
        let found = find_interpolations(&value);
        if found.is_empty() {
            return Expr::new(ExprKind::Str { value }, self.span(l, r));
        }
        // Offsets in the decoded value match the source when the body has no escapes; otherwise
        // the whole string is the best place there is.
        let raw_matches = value.len() == r.saturating_sub(l).saturating_sub(2 * (body_start - l));
        let parts = found
            .iter()
            .map(|m| {
                let span = if raw_matches {
                    self.span(body_start + m.name.start, body_start + m.name.end)
                } else {
                    self.span(l, r)
                };
                Interpolation {
                    placeholder: value[m.whole.clone()].to_string(),
                    reference: value[m.name.clone()]
                        .split('.')
                        .map(|s| Name {
                            text: s.to_string(),
                            span,
                        })
                        .collect(),
                    span,
                }
            })
            .collect();
        Expr::new(
            ExprKind::Interpolated {
                template: value,
                parts,
            },
            self.span(l, r),
        )
    }

    /// Decodes escapes; warns about unknown escapes, errors on escapes Python refuses.
    fn decode(&mut self, body: &str, body_start: usize, what: &'static str) -> String {
        let decoded = unicode_escape_decode(body);
        if let Some(at) = decoded.broken_escape {
            let span = self.span(body_start + at, body_start + (at + 2).min(body.len()));
            self.error(SyntaxError::BrokenEscape {
                what,
                escape: body[at..(at + 2).min(body.len())].to_string(),
                span,
            });
        } else if let Some(at) = decoded.invalid_escape {
            let end = body[at + 1..]
                .chars()
                .next()
                .map_or(at + 1, |c| at + 1 + c.len_utf8());
            self.error(SyntaxError::InvalidEscape {
                what,
                span: self.span(body_start + at, body_start + end),
            });
        }
        decoded.value
    }
}

/// `a.b.c` as its names.
fn flatten_dotted(expr: &Expr, out: &mut Vec<Name>) {
    match &expr.kind {
        ExprKind::Var { path } => out.extend(path.segments.iter().cloned()),
        ExprKind::Attribute { object, name } => {
            flatten_dotted(object, out);
            out.push(name.clone());
        }
        _ => {}
    }
}

/// A bare multi-line string first in a body is its docstring.
pub fn take_docstring(body: &mut Vec<Stmt>, text: &str) -> Option<Doc> {
    let first = body.first()?;
    let doc = as_docstring(first, text)?;
    body.remove(0);
    Some(doc)
}

/// A statement that is a bare multi-line string, as a docstring.
pub fn as_docstring(stmt: &Stmt, text: &str) -> Option<Doc> {
    let StmtKind::Expr { expr } = &stmt.kind else {
        return None;
    };
    let written = text.get(expr.span.range()).unwrap_or("");
    match &expr.kind {
        ExprKind::Str { value }
        | ExprKind::Interpolated {
            template: value, ..
        } if written.starts_with("\"\"\"") => Some(Doc {
            text: value.clone(),
            span: expr.span,
        }),
        _ => None,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn uncapitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// Why a pattern is not a valid regular expression, remembered per pattern: validating means
/// compiling, which costs far more than parsing the line it is on.
fn regex_error(pattern: &str) -> Option<String> {
    thread_local! {
        static CHECKED: std::cell::RefCell<std::collections::HashMap<String, Option<String>>> =
            Default::default();
    }
    CHECKED.with(|checked| {
        if let Some(known) = checked.borrow().get(pattern) {
            return known.clone();
        }
        let error = fancy_regex::Regex::new(pattern)
            .err()
            .map(|e| e.to_string());
        checked
            .borrow_mut()
            .insert(pattern.to_string(), error.clone());
        error
    })
}

/// The items of a list the parser built boxed (it moves its symbols on every step: they are kept
/// small), unboxed.
pub fn unbox<T>(items: Vec<Box<T>>) -> Vec<T> {
    items.into_iter().map(|item| *item).collect()
}
