//! The syntax tree: what was written, with a span on every node. No name is resolved here.
//!
//! Sugar that Inmanta's parser expands is kept in its written form (`not in`, `is defined` on a
//! dict lookup, comprehensions with several `for`s) so that diagnostics can point at what the user
//! wrote; later stages expand it.

use serde::Serialize;

use crate::source::{FileId, Span};

/// A name as written, with its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Name {
    pub text: String,
    #[serde(skip)]
    pub span: Span,
}

/// `a`, `a::b`, `std::print`: one or more lower-case names joined by `::`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Path {
    pub segments: Vec<Name>,
    #[serde(skip)]
    pub span: Span,
}

impl Path {
    pub fn to_text(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("::")
    }

    pub fn last(&self) -> &Name {
        self.segments
            .last()
            .expect("a path has at least one segment")
    }
}

/// `Host`, `std::Host`, `a::b::Host`: an entity reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRef {
    /// The namespace before the entity name; empty when unqualified.
    pub namespace: Vec<Name>,
    pub name: Name,
    #[serde(skip)]
    pub span: Span,
}

impl ClassRef {
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for segment in &self.namespace {
            text.push_str(&segment.text);
            text.push_str("::");
        }
        text.push_str(&self.name.text);
        text
    }
}

/// A docstring: a multi-line string placed after a definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    pub text: String,
    #[serde(skip)]
    pub span: Span,
}

/// One parsed `.cf` file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Module {
    #[serde(skip)]
    pub file: FileId,
    pub doc: Option<Doc>,
    pub items: Vec<Item>,
    /// Names of definitions that did not parse (so that uses of them are not reported again).
    #[serde(skip)]
    pub broken_definitions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum Item {
    // Boxed: the parser moves items around on its stack, so an item stays small.
    Entity(Box<Entity>),
    Implementation(Box<Implementation>),
    Implement(Box<Implement>),
    Relation(Box<Relation>),
    Typedef(Box<Typedef>),
    Index(Box<Index>),
    Import(Box<Import>),
    /// In JSON under `statement`: the statement's own `kind` would collide with the item's tag.
    Statement(#[serde(serialize_with = "statement_item")] Box<Stmt>),
    /// A top-level statement that did not parse; its diagnostic is already recorded.
    Error(#[serde(skip)] Span),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub name: Name,
    pub parents: Vec<ClassRef>,
    pub doc: Option<Doc>,
    pub attributes: Vec<Attribute>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    pub ty: AttributeType,
    pub name: Name,
    pub default: AttributeDefault,
    #[serde(skip)]
    pub span: Span,
}

/// `string`, `string[]`, `string?`, `std::ipv4_address[]?`, `dict?`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeType {
    /// The base type; `dict` is the single segment `dict`.
    pub base: Path,
    pub list: bool,
    pub nullable: bool,
    #[serde(skip)]
    pub span: Span,
}

impl AttributeType {
    pub fn to_text(&self) -> String {
        format!(
            "{}{}{}",
            self.base.to_text(),
            if self.list { "[]" } else { "" },
            if self.nullable { "?" } else { "" }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value")]
pub enum AttributeDefault {
    None,
    Value(Expr),
    /// `= undef`: removes a default inherited from a parent.
    Undef,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implementation {
    pub name: Name,
    pub entity: ClassRef,
    pub doc: Option<Doc>,
    pub body: Vec<Stmt>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "path")]
pub enum ImplementationRef {
    Named(Path),
    Parents(#[serde(skip)] Span),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implement {
    pub entity: ClassRef,
    pub using: Vec<ImplementationRef>,
    pub when: Option<Expr>,
    pub doc: Option<Doc>,
    #[serde(skip)]
    pub span: Span,
}

/// `[1]`, `[0:]`, `[1:5]`, `[:3]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Multiplicity {
    pub lower: i64,
    pub upper: Option<i64>,
    #[serde(skip)]
    pub span: Span,
}

/// One end of a relation: the entity, and the name and multiplicity by which the *other* end
/// reaches it... as Inmanta writes it: `A.x [1] -- B.y [0:]` gives `A` a relation `x` to one `B`,
/// and `B` a relation `y` to any number of `A`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationEnd {
    pub entity: ClassRef,
    pub name: Option<Name>,
    pub multiplicity: Option<Multiplicity>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    pub left: RelationEnd,
    pub right: RelationEnd,
    /// The expressions written between the two ends instead of `--`.
    pub annotations: Vec<Expr>,
    pub doc: Option<Doc>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Typedef {
    pub name: Name,
    pub base: Path,
    /// The `matching` expression; a `matching /regex/` is an [`ExprKind::Regex`].
    pub constraint: Expr,
    pub doc: Option<Doc>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub entity: ClassRef,
    pub attributes: Vec<Name>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    pub module: Path,
    pub alias: Option<Name>,
    #[serde(skip)]
    pub span: Span,
}

fn statement_item<S: serde::Serializer>(stmt: &Stmt, serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct StatementItem<'a> {
        statement: &'a Stmt,
    }
    StatementItem { statement: stmt }.serialize(serializer)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stmt {
    pub kind: StmtKind,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum StmtKind {
    // Expressions are boxed: statements move around on the parser's stack.
    /// `x = v`, `a.b = v`.
    Assign {
        target: Box<Expr>,
        value: Box<Expr>,
    },
    /// `a.b += v`.
    Extend {
        target: Box<Expr>,
        value: Box<Expr>,
    },
    For {
        variable: Name,
        iterable: Box<Expr>,
        body: Vec<Stmt>,
    },
    If {
        /// `if` then every `elif`, in order.
        branches: Vec<(Expr, Vec<Stmt>)>,
        otherwise: Option<Vec<Stmt>>,
    },
    Expr {
        expr: Box<Expr>,
    },
    /// A statement that did not parse; its diagnostic is already recorded.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            In => "in",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Pow => "**",
        }
    }

    pub fn from_comparison(text: &str) -> BinaryOp {
        match text {
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            "<" => BinaryOp::Lt,
            ">" => BinaryOp::Gt,
            "<=" => BinaryOp::Le,
            _ => BinaryOp::Ge,
        }
    }
}

/// An argument of a function call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum Argument {
    Positional {
        value: Expr,
    },
    Keyword {
        name: Name,
        value: Expr,
    },
    /// `**dict`
    Kwargs {
        value: Expr,
    },
}

impl Argument {
    /// The values of the positional arguments of a call, in order.
    pub fn positional(arguments: &[Argument]) -> Vec<&Expr> {
        arguments
            .iter()
            .filter_map(|a| match a {
                Argument::Positional { value } => Some(value),
                _ => None,
            })
            .collect()
    }
}

/// A part of a `{{ }}` interpolated string or an f-string: the text of the reference and where
/// it is (a name, or a chain `a.b.c`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interpolation {
    /// What is replaced in the template (`{{ a.b }}`), or the field name of an f-string.
    pub placeholder: String,
    pub reference: Vec<Name>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum ExprKind {
    Int {
        value: i64,
    },
    Float {
        value: f64,
    },
    Bool {
        value: bool,
    },
    Null,
    /// A string with no interpolation (plain, raw, or multi-line), decoded.
    Str {
        value: String,
    },
    /// A string with `{{ }}` interpolations.
    Interpolated {
        template: String,
        parts: Vec<Interpolation>,
    },
    /// An f-string: the decoded template and its fields.
    FString {
        template: String,
        parts: Vec<Interpolation>,
    },
    /// `matching /re/`: a match of `self` against the pattern.
    Regex {
        pattern: String,
    },
    /// `a`, `a::b::c`.
    Var {
        path: Path,
    },
    /// `object.name`.
    Attribute {
        object: Box<Expr>,
        name: Name,
    },
    Call {
        function: Path,
        arguments: Vec<Argument>,
    },
    /// `Entity(k=v, **d)`.
    Construct {
        // Boxed, as the other large parts: expressions are moved around by the parser.
        class: Box<ClassRef>,
        arguments: Vec<Argument>,
    },
    /// `Entity[k=v]`.
    IndexLookup {
        class: Box<ClassRef>,
        arguments: Vec<Argument>,
    },
    /// `object.relation[k=v]`.
    ShortIndexLookup {
        object: Box<Expr>,
        relation: Name,
        arguments: Vec<Argument>,
    },
    /// `map[key]`.
    MapLookup {
        map: Box<Expr>,
        key: Box<Expr>,
    },
    List {
        items: Vec<Expr>,
    },
    Dict {
        entries: Vec<(String, Expr)>,
    },
    /// `[value for a in x for b in y if g1 if g2]`: the `for`s outer to inner, guards and-ed.
    Comprehension {
        value: Box<Expr>,
        loops: Vec<(Name, Expr)>,
        guards: Vec<Expr>,
    },
    Binary {
        op: BinaryOp,
        #[serde(skip)]
        op_span: Span,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Not {
        operand: Box<Expr>,
    },
    /// `x is defined` (target `Var`), `a.b is defined` (`Attribute`), `m["k"] is defined`
    /// (`MapLookup`).
    IsDefined {
        target: Box<Expr>,
    },
    Conditional {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// An expression that did not parse; its diagnostic is already recorded.
    Error,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}
