//! Types at run time: operators with Python's semantics, attribute type checks and typedef
//! constraints, constants of defaults.

use std::rc::Rc;

use super::value::{Number, Str, Value};
use super::Runtime;
use crate::ast::{BinaryOp, Expr, ExprKind};
use crate::resolve::{AttributeDef, Def, Primitive, ValueType};

/// The value of a constant expression (attribute defaults are constants).
pub fn constant(expr: &Expr) -> Value {
    match &expr.kind {
        ExprKind::Int { value } => Value::Int(*value),
        ExprKind::Float { value } => Value::Float(*value),
        ExprKind::Bool { value } => Value::Bool(*value),
        ExprKind::Null => Value::Null,
        ExprKind::Str { value }
        | ExprKind::Interpolated {
            template: value, ..
        } => Value::str(value),
        ExprKind::List { items } => {
            let mut out = Vec::new();
            for item in items {
                match constant(item) {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    v => out.push(v),
                }
            }
            Value::list(out)
        }
        ExprKind::Dict { entries } => Value::Dict(super::value::Dict::new(
            entries
                .iter()
                .map(|(k, v)| (Str::from(k.as_str()), constant(v)))
                .collect(),
        )),
        _ => Value::Unknown,
    }
}

/// Python's `re.match`: the pattern must match at the start of the string.
pub fn regex_match(pattern: &str, subject: &Value) -> Result<bool, String> {
    let Value::Str(s) = subject else {
        return Err(format!(
            "Regex can only be match with strings. {subject:?} is of type {}",
            subject.type_name()
        ));
    };
    let regex = fancy_regex::Regex::new(&format!(r"\A(?:{pattern})")).map_err(|e| e.to_string())?;
    regex.is_match(s).map_err(|e| e.to_string())
}

/// Why an operator gave no value, in the message Python's exception words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorError {
    /// Operands of types the operator does not take: the reference's `TypingException`.
    Operands(String),
    /// Operands of the right types whose result does not exist (a division by zero) or does not
    /// fit (a 64-bit overflow).
    Arithmetic(String),
}

fn numbers(l: &Value, r: &Value) -> Option<(Number, Number)> {
    Some((l.as_number()?, r.as_number()?))
}

/// A binary operator other than `and`/`or`.
pub fn operator(
    rt: &Runtime<'_>,
    op: BinaryOp,
    l: &Value,
    r: &Value,
) -> Result<Value, OperatorError> {
    use BinaryOp::*;
    if matches!(l, Value::Unknown) || matches!(r, Value::Unknown) {
        if op == In {
            if let Value::List(items) = r {
                if items.iter().any(|i| i == l) {
                    return Ok(Value::Bool(true));
                }
            }
        }
        return Ok(Value::Unknown);
    }
    match op {
        Eq => Ok(Value::Bool(l == r)),
        Ne => Ok(Value::Bool(l != r)),
        Lt | Gt | Le | Ge => {
            let Some((a, b)) = numbers(l, r) else {
                return Err(OperatorError::Operands("Can only compare numbers.".into()));
            };
            let ordering = match (a, b) {
                (Number::Int(x), Number::Int(y)) => x.partial_cmp(&y),
                _ => a.as_f64().partial_cmp(&b.as_f64()),
            };
            let Some(ordering) = ordering else {
                return Ok(Value::Bool(false));
            };
            Ok(Value::Bool(match op {
                Lt => ordering.is_lt(),
                Gt => ordering.is_gt(),
                Le => ordering.is_le(),
                _ => ordering.is_ge(),
            }))
        }
        In => match r {
            Value::List(items) => Ok(Value::Bool(items.iter().any(|i| i == l))),
            Value::Dict(entries) => Ok(Value::Bool(match l {
                Value::Str(k) => entries.iter().any(|(name, _)| name == k),
                _ => false,
            })),
            other => Err(OperatorError::Operands(format!(
                "Operand two of 'in' can only be a list or dict ({})",
                rt.str_of(other)
            ))),
        },
        Add => match (l, r) {
            (Value::Str(a), Value::Str(b)) => Ok(Value::str(&format!("{a}{b}"))),
            (Value::Str(_), other) => Err(OperatorError::Operands(format!(
                "Can only concatenate str (not '{}' ({})) to str",
                other.type_name(),
                rt.repr_of(other)
            ))),
            _ => arithmetic(rt, op, l, r),
        },
        Sub | Mul | Div | Mod | Pow => arithmetic(rt, op, l, r),
        Or | And => unreachable!("handled lazily"),
    }
}

fn arithmetic(
    rt: &Runtime<'_>,
    op: BinaryOp,
    l: &Value,
    r: &Value,
) -> Result<Value, OperatorError> {
    let name = match op {
        BinaryOp::Add => "plus",
        BinaryOp::Sub => "minus",
        BinaryOp::Mul => "multiplication",
        BinaryOp::Div => "division",
        BinaryOp::Mod => "modulo",
        _ => "exponentiation",
    };
    let Some((a, b)) = numbers(l, r) else {
        return Err(OperatorError::Operands(format!(
            "Unsupported operand type(s) for {name}: '{}' ({}) and '{}' ({})",
            l.type_name(),
            rt.repr_of(l),
            r.type_name(),
            rt.repr_of(r)
        )));
    };
    match (op, a, b) {
        (BinaryOp::Add, Number::Int(x), Number::Int(y)) => {
            x.checked_add(y).map(Value::Int).ok_or_else(overflow)
        }
        (BinaryOp::Sub, Number::Int(x), Number::Int(y)) => {
            x.checked_sub(y).map(Value::Int).ok_or_else(overflow)
        }
        (BinaryOp::Mul, Number::Int(x), Number::Int(y)) => {
            x.checked_mul(y).map(Value::Int).ok_or_else(overflow)
        }
        (BinaryOp::Mod, Number::Int(x), Number::Int(y)) => {
            if y == 0 {
                return Err(OperatorError::Arithmetic("integer modulo by zero".into()));
            }
            // Python's sign (the divisor's), in i128: `i64::MIN % -1` overflows in i64.
            let (x, y) = (i128::from(x), i128::from(y));
            Ok(Value::Int((((x % y) + y) % y) as i64))
        }
        (BinaryOp::Pow, Number::Int(x), Number::Int(y)) if y >= 0 => match u32::try_from(y) {
            Ok(y) => x.checked_pow(y).map(Value::Int).ok_or_else(overflow),
            // Only 0, 1 and -1 have a power this large that fits.
            Err(_) => match x {
                0 | 1 => Ok(Value::Int(x)),
                -1 => Ok(Value::Int(if y % 2 == 0 { 1 } else { -1 })),
                _ => Err(overflow()),
            },
        },
        (BinaryOp::Div, _, _) => {
            if b.as_f64() == 0.0 {
                return Err(OperatorError::Arithmetic("division by zero".into()));
            }
            Ok(Value::Float(a.as_f64() / b.as_f64()))
        }
        _ => {
            let (x, y) = (a.as_f64(), b.as_f64());
            Ok(Value::Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Mod => {
                    if y == 0.0 {
                        return Err(OperatorError::Arithmetic("float modulo".into()));
                    }
                    x - y * (x / y).floor()
                }
                // Python's float power raises where C's `pow` fails, rather than give infinity.
                _ if x == 0.0 && y < 0.0 => {
                    return Err(OperatorError::Arithmetic(
                        "0.0 cannot be raised to a negative power".into(),
                    ));
                }
                _ => match x.powf(y) {
                    z if z.is_infinite() && x.is_finite() && y.is_finite() => {
                        return Err(OperatorError::Arithmetic(
                            "(34, 'Numerical result out of range')".into(),
                        ));
                    }
                    z => z,
                },
            }))
        }
    }
}

fn overflow() -> OperatorError {
    OperatorError::Arithmetic(
        "integer overflow: the result does not fit in 64 bits (lsmc's ints are 64-bit)".into(),
    )
}

impl Runtime<'_> {
    /// Checks a value against an attribute's declared type (base, list, nullable, constraints).
    pub fn check_attribute_value(
        &mut self,
        attribute: &AttributeDef,
        value: &Value,
    ) -> Result<(), String> {
        if matches!(value, Value::Unknown) {
            return Ok(());
        }
        if value.is_null() {
            return if attribute.nullable {
                Ok(())
            } else {
                Err(format!(
                    "Invalid value 'null', expected {}",
                    attribute.type_text()
                ))
            };
        }
        if attribute.list {
            let Value::List(items) = value else {
                return Err(format!(
                    "Invalid value '{}', expected {}",
                    self.str_of(value),
                    attribute.type_text()
                ));
            };
            for item in items.iter() {
                self.check_base(attribute.base, item)?;
            }
            return Ok(());
        }
        self.check_base(attribute.base, value)
    }

    /// Checks a value against a primitive or a typedef (its base, then its constraint).
    pub fn check_base(&mut self, base: ValueType, value: &Value) -> Result<(), String> {
        match base {
            ValueType::Unknown => Ok(()),
            ValueType::Primitive(p) => {
                let ok = match p {
                    Primitive::String => matches!(value, Value::Str(_)),
                    Primitive::Int => matches!(value, Value::Int(_) | Value::Bool(_)),
                    Primitive::Float => matches!(value, Value::Float(_)),
                    Primitive::Bool => matches!(value, Value::Bool(_)),
                    Primitive::Number => {
                        matches!(value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
                    }
                    Primitive::List => matches!(value, Value::List(_)),
                    Primitive::Dict => matches!(value, Value::Dict(_)),
                    Primitive::Any => true,
                };
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "Invalid value '{}', expected {}",
                        self.str_of(value),
                        p.name()
                    ))
                }
            }
            ValueType::Typedef(id) => {
                let typedef = self.model.typedef(id);
                self.check_base(typedef.base, value)?;
                let constraint = &typedef.constraint;
                let outcome = match self.typedef_check(id) {
                    TypedefCheck::None => return Ok(()),
                    TypedefCheck::Native(kind, params) => Ok(Value::Bool(
                        super::validators::validate(&kind, value, params.as_ref()),
                    )),
                    TypedefCheck::Regex(regex) => match value {
                        Value::Str(s) => Ok(Value::Bool(regex.is_match(s).unwrap_or(false))),
                        other => Err(format!(
                            "Regex can only be match with strings. {} is of type {}",
                            self.repr_of(other),
                            other.type_name()
                        )),
                    },
                    TypedefCheck::Expression => {
                        self.eval_constraint(typedef.namespace, constraint, value)
                    }
                };
                match outcome {
                    Ok(Value::Bool(true)) | Ok(Value::Unknown) => Ok(()),
                    Ok(_) => Err(format!(
                        "Invalid value {}, does not match constraint `{}`",
                        self.repr_of(value),
                        self.constraint_text(constraint)
                    )),
                    Err(message) => Err(message),
                }
            }
        }
    }

    /// How a typedef's constraint is checked, decided once per typedef: the common forms
    /// (`std::validate_type("T", self[, {...}])`, `matching /re/`) natively, the rest evaluated.
    fn typedef_check(&mut self, id: crate::resolve::TypedefId) -> TypedefCheck {
        if let Some(c) = self.typedef_checks.get(&id) {
            return c.clone();
        }
        let typedef = self.model.typedef(id);
        let check = match &typedef.constraint.kind {
            ExprKind::Construct { .. } => TypedefCheck::None,
            ExprKind::Regex { pattern } => {
                match fancy_regex::Regex::new(&format!(r"\A(?:{pattern})")) {
                    Ok(r) => TypedefCheck::Regex(Rc::new(r)),
                    Err(_) => TypedefCheck::Expression,
                }
            }
            ExprKind::Call {
                function,
                arguments,
            } if self.model.well_known.validate_type.map(Def::Plugin)
                == self.model.resolution.def_at(function.span)
                && self.model.well_known.validate_type.is_some() =>
            {
                use crate::ast::Argument::Positional;
                match arguments.as_slice() {
                    [Positional { value: kind }, Positional { value: subject }, rest @ ..]
                        if rest.len() <= 1
                            && matches!(&subject.kind, ExprKind::Var { path } if path.to_text() == "self") =>
                    {
                        let params = match rest {
                            [Positional { value }] => Some(constant(value)),
                            _ => None,
                        };
                        match (&kind.kind, &params) {
                            (ExprKind::Str { value }, None) => {
                                TypedefCheck::Native(Rc::from(value.as_str()), None)
                            }
                            (ExprKind::Str { value }, Some(p)) if !matches!(p, Value::Unknown) => {
                                TypedefCheck::Native(Rc::from(value.as_str()), params)
                            }
                            _ => TypedefCheck::Expression,
                        }
                    }
                    _ => TypedefCheck::Expression,
                }
            }
            _ => TypedefCheck::Expression,
        };
        self.typedef_checks.insert(id, check.clone());
        check
    }

    fn constraint_text(&self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Regex { pattern } => format!("/{pattern}/"),
            _ => self
                .sources
                .map(|s| s.get(expr.span.file).text[expr.span.range()].to_string())
                .unwrap_or_default(),
        }
    }
}

/// See [`Runtime::typedef_check`].
#[derive(Debug, Clone)]
pub enum TypedefCheck {
    /// The old default-constructor form: nothing to check.
    None,
    Native(Rc<str>, Option<Value>),
    Regex(Rc<fancy_regex::Regex>),
    Expression,
}
