//! Static values: what the top-level statements of a model hold, as far as it is known without
//! evaluating it. Literals, lists, dicts, references to top-level variables and constructor calls
//! (objects with their keyword arguments) are known; anything else is `Unknown`.
//!
//! This is what lets the LSM rules see bindings, relation annotations and lifecycles before any
//! inventory is read: they are written as constructor calls with literal arguments.

use std::rc::Rc;

use crate::ast::{Argument, ClassRef, Expr, ExprKind, Item, StmtKind};
use crate::resolve::{Def, EntityId, Model, NamespaceId, VariableId};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    /// Shared: a variable's list is referred to, not copied, wherever the variable is used.
    List(Rc<[Value]>),
    Dict(Rc<[(String, Value)]>),
    Object(ObjectId),
    Unknown,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<ObjectId> {
        match self {
            Value::Object(o) => Some(*o),
            _ => None,
        }
    }
}

/// The most items a static list may have: a longer one is [`Value::Unknown`]. The rules read
/// short lists written in the model (versions, transfers, key attributes).
pub const MOST_LIST_ITEMS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

/// A constructor call: `Entity(k=v, ...)`.
#[derive(Debug, Clone)]
pub struct Object {
    pub entity: EntityId,
    pub arguments: Vec<(String, Value, Span)>,
    /// The whole constructor call.
    pub span: Span,
    pub namespace: NamespaceId,
}

impl Object {
    pub fn argument(&self, name: &str) -> Option<&Value> {
        self.arguments
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }
}

/// The static values of every module's top-level statements.
#[derive(Debug, Clone, Default)]
pub struct Statics {
    pub objects: Vec<Object>,
    /// Values of top-level variables already computed, and variables being computed (to stop on
    /// cycles), by variable id: a dense table, read in the order the variables are written, where
    /// a hash table of many variables was a cache miss per lookup.
    cache: Vec<Computed>,
}

/// How far the static value of a variable is known.
#[derive(Debug, Clone, Default)]
enum Computed {
    #[default]
    NotYet,
    /// Being computed: a reference to it now is a cycle.
    Started,
    Done(Value),
}

impl Statics {
    /// Collects the top-level assignments of every module and evaluates every constructor call
    /// found in top-level statements (in source order, so objects are numbered in file order).
    pub fn collect(model: &Model) -> Statics {
        let mut statics = Statics {
            cache: vec![Computed::NotYet; model.variables.len()],
            ..Statics::default()
        };
        for (i, namespace) in model.namespaces.iter().enumerate() {
            let ns = NamespaceId(i as u32);
            for item in &model.modules[namespace.module].1.items {
                if let Item::Statement(stmt) = item {
                    match &stmt.kind {
                        StmtKind::Assign { target, value } => {
                            if let ExprKind::Var { path } = &target.kind {
                                if path.segments.len() == 1 {
                                    if let Some(Def::Variable(v)) =
                                        model.resolution.def_at(path.span)
                                    {
                                        statics.variable(model, v);
                                    }
                                    continue;
                                }
                            }
                            statics.eval(model, ns, value);
                        }
                        StmtKind::Expr { expr } => {
                            statics.eval(model, ns, expr);
                        }
                        _ => {}
                    }
                }
            }
        }
        statics
    }

    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0 as usize]
    }

    /// The value of a top-level variable, as computed by [`Statics::collect`].
    pub fn lookup(&self, variable: VariableId) -> Value {
        match self.cache.get(variable.index()) {
            Some(Computed::Done(value)) => value.clone(),
            _ => Value::Unknown,
        }
    }

    /// The value of a reference to a top-level variable, as computed by [`Statics::collect`].
    pub fn peek(&self, model: &Model, expr: &Expr) -> Value {
        match variable_named(model, expr) {
            Some(v) => self.lookup(v),
            None => Value::Unknown,
        }
    }

    /// The value of a top-level variable.
    pub fn variable(&mut self, model: &Model, variable: VariableId) -> Value {
        let key = variable.index();
        if self.cache.len() <= key {
            self.cache.resize(key + 1, Computed::NotYet);
        }
        match &self.cache[key] {
            Computed::Done(v) => return v.clone(),
            Computed::Started => return Value::Unknown, // a cycle of references
            Computed::NotYet => {}
        }
        let Some(expr) = model.top_level_value(variable) else {
            return Value::Unknown;
        };
        let ns = model.variable(variable).namespace;
        self.cache[key] = Computed::Started;
        // An object is known before its arguments are, so that objects can refer to each other
        // (`a = B(owner=b)`, `b = B(owner=a)`).
        if let ExprKind::Construct { class, .. } = &expr.kind {
            if let Some(entity) = class_entity(model, class) {
                let id = ObjectId(self.objects.len() as u32);
                self.objects.push(Object {
                    entity,
                    arguments: Vec::new(),
                    span: expr.span,
                    namespace: ns,
                });
                self.cache[key] = Computed::Done(Value::Object(id));
                let arguments = self.arguments(model, ns, expr);
                self.objects[id.0 as usize].arguments = arguments;
                return Value::Object(id);
            }
        }
        let value = self.eval(model, ns, expr);
        self.cache[key] = Computed::Done(value.clone());
        value
    }

    /// The static value of an expression written in namespace `ns`.
    pub fn eval(&mut self, model: &Model, ns: NamespaceId, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Int { .. }
            | ExprKind::Float { .. }
            | ExprKind::Bool { .. }
            | ExprKind::Null
            | ExprKind::Str { .. } => super::view::literal(expr),
            ExprKind::List { items } => {
                let mut out = Vec::new();
                let mut known = true;
                for item in items {
                    // Lists flatten nested lists, as the language does.
                    let value = self.eval(model, ns, item);
                    if !known {
                        continue;
                    }
                    let size = match &value {
                        Value::List(inner) => inner.len(),
                        _ => 1,
                    };
                    // `l1 = [l0, l0]`, `l2 = [l1, l1]`, ... doubles at each line: past a size no
                    // rule reads, the value is not known rather than copied.
                    if out.len() + size > MOST_LIST_ITEMS {
                        known = false;
                        out = Vec::new();
                        continue;
                    }
                    match value {
                        Value::List(inner) => out.extend(inner.iter().cloned()),
                        v => out.push(v),
                    }
                }
                if known {
                    Value::List(out.into())
                } else {
                    Value::Unknown
                }
            }
            ExprKind::Dict { entries } => Value::Dict(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.eval(model, ns, v)))
                    .collect(),
            ),
            ExprKind::Var { .. } => match variable_named(model, expr) {
                Some(v) => self.variable(model, v),
                None => Value::Unknown,
            },
            ExprKind::Construct { class, .. } => {
                let scope_entity = class_entity(model, class);
                let evaluated = self.arguments(model, ns, expr);
                match scope_entity {
                    Some(entity) => {
                        let id = ObjectId(self.objects.len() as u32);
                        self.objects.push(Object {
                            entity,
                            arguments: evaluated,
                            span: expr.span,
                            namespace: ns,
                        });
                        Value::Object(id)
                    }
                    None => Value::Unknown,
                }
            }
            _ => {
                // Constructor calls inside other expressions still count as objects.
                crate::resolve::for_each_child_expr(expr, &mut |child| {
                    self.eval(model, ns, child);
                });
                Value::Unknown
            }
        }
    }
}

impl Statics {
    /// The keyword arguments of a constructor call, evaluated.
    fn arguments(
        &mut self,
        model: &Model,
        ns: NamespaceId,
        expr: &Expr,
    ) -> Vec<(String, Value, Span)> {
        let ExprKind::Construct { arguments, .. } = &expr.kind else {
            return Vec::new();
        };
        let mut evaluated = Vec::new();
        for argument in arguments {
            match argument {
                Argument::Keyword { name, value } => {
                    let v = self.eval(model, ns, value);
                    evaluated.push((name.text.clone(), v, name.span.to(value.span)));
                }
                Argument::Kwargs { value } | Argument::Positional { value } => {
                    self.eval(model, ns, value);
                }
            }
        }
        evaluated
    }
}

/// The top-level variable a reference names.
fn variable_named(model: &Model, expr: &Expr) -> Option<VariableId> {
    let ExprKind::Var { path } = &expr.kind else {
        return None;
    };
    match model.resolution.def_at(path.span)? {
        Def::Variable(v) if model.variable(v).first_item.is_some() => Some(v),
        _ => None,
    }
}

/// The entity of a constructor call.
fn class_entity(model: &Model, class: &ClassRef) -> Option<EntityId> {
    match model.resolution.def_at(class.span)? {
        Def::Entity(e) => Some(e),
        _ => None,
    }
}
