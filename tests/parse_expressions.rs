//! Operator precedence and associativity, and the spans of binary expressions, as the grammar's
//! header states them: `? :`, `or`, `and`, comparisons, `+ -`, `* / %`, `**` (all left
//! associative), `not`, then `in` / `not in` binding tightest. Each expected tree is written from
//! those rules.

use lsmc::ast::{Expr, ExprKind, Item, StmtKind};
use lsmc::parser::parse_module;
use lsmc::source::FileId;

/// The value of `x = <expression>`, with the source text.
fn parse_value(expression: &str) -> (Expr, String) {
    let text = format!("x = {expression}\n");
    let (module, diagnostics) = parse_module(&text, FileId(0));
    assert!(diagnostics.is_empty(), "{expression}: {diagnostics:?}");
    let [Item::Statement(stmt)] = module.items.as_slice() else {
        panic!("{expression}: one statement expected");
    };
    let StmtKind::Assign { value, .. } = &stmt.kind else {
        panic!("{expression}: an assignment expected");
    };
    ((**value).clone(), text)
}

/// Every operator node in parentheses; leaves as written.
fn tree(e: &Expr, text: &str) -> String {
    match &e.kind {
        ExprKind::Binary {
            op, left, right, ..
        } => format!(
            "({} {} {})",
            tree(left, text),
            op.symbol(),
            tree(right, text)
        ),
        ExprKind::Not { operand } => format!("(not {})", tree(operand, text)),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => format!(
            "({} ? {} : {})",
            tree(condition, text),
            tree(then, text),
            tree(otherwise, text)
        ),
        _ => text[e.span.start as usize..e.span.end as usize].to_string(),
    }
}

/// The source text of every binary node, outermost first, then its operator's text.
fn binary_spans(e: &Expr, text: &str, out: &mut Vec<String>) {
    let slice = |s: lsmc::source::Span| text[s.start as usize..s.end as usize].to_string();
    match &e.kind {
        ExprKind::Binary {
            left,
            right,
            op_span,
            ..
        } => {
            out.push(format!("{} [{}]", slice(e.span), slice(*op_span)));
            binary_spans(left, text, out);
            binary_spans(right, text, out);
        }
        ExprKind::Not { operand } => binary_spans(operand, text, out),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            binary_spans(condition, text, out);
            binary_spans(then, text, out);
            binary_spans(otherwise, text, out);
        }
        _ => {}
    }
}

#[test]
fn precedence_and_associativity() {
    for (expression, expected) in [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("8 / 4 / 2", "((8 / 4) / 2)"),
        ("2 ** 3 ** 2", "((2 ** 3) ** 2)"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "((a or b) or c)"),
        ("a == b + 1", "(a == (b + 1))"),
        ("a < b == c", "((a < b) == c)"),
        ("a + b * c ** d - e", "((a + (b * (c ** d))) - e)"),
        ("not a == b", "((not a) == b)"),
        ("not not a and b", "((not (not a)) and b)"),
        ("x ** not y", "(x ** (not y))"),
        ("a + b in c", "(a + (b in c))"),
        ("a or b ? c : d or e", "((a or b) ? c : (d or e))"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        (
            "(1 + 2) * 3 / 4 % 5 ** 2 < 10 or 1 >= 2",
            "((((((1 + 2) * 3) / 4) % (5 ** 2)) < 10) or (1 >= 2))",
        ),
        ("a * (b + c)", "(a * (b + c))"),
    ] {
        let (value, text) = parse_value(expression);
        assert_eq!(tree(&value, &text), expected, "{expression}");
    }
}

/// A binary expression spans its operands, parentheses around an operand included; an
/// expression inside parentheses spans what is inside them.
#[test]
fn binary_expression_spans() {
    for (expression, expected) in [
        ("1 + 2 * 3", vec!["1 + 2 * 3 [+]", "2 * 3 [*]"]),
        (
            "(1 + 2) * 3 - x",
            vec!["(1 + 2) * 3 - x [-]", "(1 + 2) * 3 [*]", "1 + 2 [+]"],
        ),
        ("a or b and c", vec!["a or b and c [or]", "b and c [and]"]),
        ("not a == b", vec!["not a == b [==]"]),
        ("f(a) + b[\"k\"]", vec!["f(a) + b[\"k\"] [+]"]),
    ] {
        let (value, text) = parse_value(expression);
        let mut spans = Vec::new();
        binary_spans(&value, &text, &mut spans);
        assert_eq!(spans, expected, "{expression}");
    }
}
