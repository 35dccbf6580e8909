//! `validation_type` and `validation_parameters` of a typedef (catalog format 4.1), read from its
//! `matching` expression.

use serde_json::{Map, Value as Json};

use crate::ast::{Argument, BinaryOp, Expr, ExprKind};
use crate::check::statics::Value;
use crate::check::view::literal;
use crate::resolve::{Def, Model, Primitive, TypedefId, ValueType};

use super::to_json;

/// The validation type and parameters of a typedef (without the `[]`/`?` suffixes), or `None`
/// when its expression has none of the recognised forms.
pub fn of_typedef(model: &Model, id: TypedefId) -> Option<(String, Json)> {
    let typedef = model.typedef(id);
    let expr = &typedef.constraint;
    if let Some(call) = validate_type_call(model, expr) {
        return call;
    }
    match &expr.kind {
        ExprKind::Regex { pattern } => {
            let mut p = Map::new();
            p.insert("regex".into(), Json::String(pattern.clone()));
            p.insert("strict".into(), Json::Bool(true));
            Some(("pydantic.constr".into(), Json::Object(p)))
        }
        ExprKind::Binary {
            op: BinaryOp::In,
            left,
            right,
            ..
        } if is_self(left) => enumeration(right, &typedef.name),
        _ => {
            let float = match typedef.base {
                ValueType::Primitive(Primitive::Int) => false,
                ValueType::Primitive(Primitive::Float) => true,
                _ => return None,
            };
            let mut bounds: Vec<(&'static str, Value)> = Vec::new();
            if !comparisons(expr, &mut bounds) {
                return None;
            }
            if !float && bounds.iter().any(|(_, v)| matches!(v, Value::Float(_))) {
                return None;
            }
            let mut p = Map::new();
            for (key, value) in &bounds {
                p.insert((*key).into(), to_json(value)?);
            }
            let name = if float {
                "pydantic.confloat"
            } else {
                "pydantic.conint"
            };
            Some((name.into(), Json::Object(p)))
        }
    }
}

fn is_self(expr: &Expr) -> bool {
    matches!(&expr.kind, ExprKind::Var { path } if path.segments.len() == 1 && path.segments[0].text == "self")
}

/// `std::validate_type("N", self[, P])`, also compared `== true`. `Some(None)` for a call of
/// this function that does not fit (no validation type); `None` when the expression is no call.
fn validate_type_call(model: &Model, expr: &Expr) -> Option<Option<(String, Json)>> {
    let call = match &expr.kind {
        ExprKind::Call { .. } => expr,
        ExprKind::Binary {
            op: BinaryOp::Eq,
            left,
            right,
            ..
        } => {
            let is_true = |e: &Expr| matches!(e.kind, ExprKind::Bool { value: true });
            if matches!(left.kind, ExprKind::Call { .. }) && is_true(right) {
                left
            } else if matches!(right.kind, ExprKind::Call { .. }) && is_true(left) {
                right
            } else {
                return None;
            }
        }
        _ => return None,
    };
    let ExprKind::Call {
        function,
        arguments,
    } = &call.kind
    else {
        return None;
    };
    let called = model.resolution.def_at(function.span);
    if called.is_none() || called != model.well_known.validate_type.map(Def::Plugin) {
        return Some(None);
    }
    let positional = Argument::positional(arguments);
    if positional.len() != arguments.len()
        || !(2..=3).contains(&positional.len())
        || !is_self(positional[1])
    {
        return Some(None);
    }
    let Value::Str(type_name) = literal(positional[0]) else {
        return Some(None);
    };
    let parameters = match positional.get(2) {
        Some(p) => match to_json(&literal(p)) {
            Some(j) => j,
            None => return Some(None),
        },
        None => Json::Null,
    };
    Some(Some((type_name, parameters)))
}

/// `self in [...]` with all string or all int literals.
fn enumeration(list: &Expr, typedef_name: &str) -> Option<(String, Json)> {
    let Value::List(values) = literal(list) else {
        return None;
    };
    let all_str = values.iter().all(|v| matches!(v, Value::Str(_)));
    let all_int = values.iter().all(|v| matches!(v, Value::Int(_)));
    if values.is_empty() || !(all_str || all_int) {
        return None;
    }
    let mut names = Map::new();
    for v in values.iter() {
        let (key, json) = match v {
            Value::Str(s) => (s.clone(), Json::String(s.clone())),
            Value::Int(i) => (i.to_string(), Json::from(*i)),
            _ => return None,
        };
        names.insert(key, json);
    }
    let mut p = Map::new();
    p.insert("names".into(), Json::Object(names));
    p.insert("value".into(), Json::String(typedef_name.to_string()));
    Some(("enum".into(), Json::Object(p)))
}

/// One comparison of `self` with a number literal, or several joined with `and`; the bounds in
/// expression order (`lit OP self` flipped). False for anything else or a bound given twice.
fn comparisons(expr: &Expr, out: &mut Vec<(&'static str, Value)>) -> bool {
    let ExprKind::Binary {
        op, left, right, ..
    } = &expr.kind
    else {
        return false;
    };
    if *op == BinaryOp::And {
        return comparisons(left, out) && comparisons(right, out);
    }
    let (direct, flipped) = match op {
        BinaryOp::Gt => ("gt", "lt"),
        BinaryOp::Ge => ("ge", "le"),
        BinaryOp::Lt => ("lt", "gt"),
        BinaryOp::Le => ("le", "ge"),
        _ => return false,
    };
    let (key, literal_side) = if is_self(left) {
        (direct, right)
    } else if is_self(right) {
        (flipped, left)
    } else {
        return false;
    };
    let value = literal(literal_side);
    if !matches!(value, Value::Int(_) | Value::Float(_)) {
        return false;
    }
    if out.iter().any(|(k, _)| *k == key) {
        return false;
    }
    out.push((key, value));
    true
}
