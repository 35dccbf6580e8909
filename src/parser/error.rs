//! The errors of parsing, as data: syntax errors and the errors Inmanta's parser raises while it
//! builds nodes. Worded here, and only here, as Inmanta words them.

use crate::diagnostics::{codes, Diagnostic, Label};
use crate::source::Span;

/// How a reserved keyword in the wrong place relates to a `not` that follows an expression (which
/// can only start `not in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DanglingNot {
    /// The keyword follows that `not`, at this place.
    At(Span),
    /// The keyword is that `not`.
    Itself,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// `expected`: the terminals the parser would have taken; `dangling_not`: a `not` after an
    /// expression just before the end.
    UnexpectedEof {
        span: Span,
        expected: Vec<String>,
        dangling_not: Option<Span>,
    },
    ReservedKeyword {
        word: String,
        span: Span,
        expected: Vec<String>,
        dangling_not: Option<DanglingNot>,
    },
    /// `shown`: the token as Inmanta shows it (the value of a literal).
    UnexpectedToken {
        shown: String,
        span: Span,
        expected: Vec<String>,
    },
    /// An `=` with nothing after it that can be a value: `span` is the end of the `=`,
    /// `found` the token that came instead (`None` at the end of the file).
    MissingValue {
        span: Span,
        found: Option<String>,
    },
    /// `what`: what the name names (`an entity name`).
    HyphenInName {
        name: String,
        what: &'static str,
        span: Span,
    },
    /// `written` with `.` between namespaces, `fixed` with `::`.
    InvalidNamespaceAccess {
        written: String,
        fixed: String,
        span: Span,
    },
    /// `rename`: the name capitalised, where the name is defined.
    EntityNameCase {
        span: Span,
        rename: Option<String>,
    },
    InvalidModuleName {
        module: String,
        span: Span,
    },
    DictNullDefault {
        name: String,
        span: Span,
    },
    AttributeNameCase {
        span: Span,
        rename: String,
    },
    DefaultConstructor {
        span: Span,
    },
    PlusAssignVariable {
        name: String,
        span: Span,
    },
    DuplicateDictKey {
        key: String,
        span: Span,
        first: Span,
    },
    /// `token`: the key as written.
    DictKeyInterpolation {
        token: String,
        span: Span,
    },
    IntegerTooLarge {
        token: String,
        span: Span,
    },
    InvalidRegex {
        written: String,
        error: String,
        span: Span,
    },
    InvalidFString {
        message: String,
        span: Span,
    },
    /// An escape Python refuses; `what`: the kind of string.
    BrokenEscape {
        what: &'static str,
        escape: String,
        span: Span,
    },
    /// A warning: an escape Python keeps as written.
    InvalidEscape {
        what: &'static str,
        span: Span,
    },
    /// The token at which the nesting passes `limit`.
    NestingTooDeep {
        limit: usize,
        span: Span,
    },
}

const DANGLING_NOT: &str = "this `not` follows an expression, so it can only start `not in`";

impl From<SyntaxError> for Diagnostic {
    fn from(error: SyntaxError) -> Diagnostic {
        use SyntaxError::*;
        match error {
            NestingTooDeep { limit, span } => Diagnostic::error(
                codes::NESTING_TOO_DEEP,
                format!("Nesting too deep: lsmc reads at most {limit} nested levels"),
            )
            .with_label(Label::primary(span, "this passes the limit"))
            .with_help("split the expression: give its inner parts names with variables"),
            UnexpectedEof {
                span,
                expected,
                dangling_not,
            } => {
                let d = Diagnostic::error(
                    codes::UNEXPECTED_EOF,
                    "Syntax error: Unexpected end of file",
                )
                .with_label(Label::primary(span, "the file ends here"));
                match dangling_not {
                    Some(not) => d
                        .with_label(Label::secondary(not, DANGLING_NOT))
                        .with_help(NEGATION_HELP),
                    None => with_expected(d, &expected),
                }
            }
            ReservedKeyword {
                word,
                span,
                expected,
                dangling_not,
            } => {
                let label = match dangling_not {
                    Some(DanglingNot::Itself) => DANGLING_NOT.to_string(),
                    _ => format!("`{word}` is a keyword and can not be used here"),
                };
                let d = Diagnostic::error(
                    codes::RESERVED_KEYWORD,
                    format!("Syntax error: invalid identifier, {word} is a reserved keyword"),
                )
                .with_label(Label::primary(span, label));
                let d = match dangling_not {
                    Some(DanglingNot::At(not)) => d.with_label(Label::secondary(not, DANGLING_NOT)),
                    _ => d,
                };
                match (dangling_not, expected_help(&expected)) {
                    (Some(_), _) => d.with_help(NEGATION_HELP),
                    (None, Some(help)) => d.with_help(help),
                    (None, None) => d.with_help(format!(
                        "if this is a name, rename it (e.g. `{word}_`); if a definition starts \
                         here, check that the one before it is complete (a missing `end`?)"
                    )),
                }
            }
            UnexpectedToken {
                shown,
                span,
                expected,
            } => with_expected(
                Diagnostic::error(
                    codes::UNEXPECTED_TOKEN,
                    format!("Syntax error at token {shown}"),
                )
                .with_label(Label::primary(span, "unexpected here")),
                &expected,
            ),
            MissingValue { span, found } => Diagnostic::error(
                codes::UNEXPECTED_TOKEN,
                match found {
                    Some(found) => {
                        format!("Syntax error: expected a value after `=`, found `{found}`")
                    }
                    None => "Syntax error: expected a value after `=`".to_string(),
                },
            )
            .with_label(Label::primary(span, "a value is expected here"))
            .with_help("write the value after `=`"),
            HyphenInName { name, what, span } => Diagnostic::error(
                codes::HYPHEN_IN_NAME,
                format!("The use of '-' in identifiers is not allowed. please rename {name}."),
            )
            .with_label(Label::primary(span, format!("{what} with a '-'")))
            .with_help(format!("use an underscore: `{}`", name.replace('-', "_"))),
            InvalidNamespaceAccess {
                written,
                fixed,
                span,
            } => Diagnostic::error(
                codes::INVALID_NAMESPACE_ACCESS,
                format!(
                    "Syntax error: invalid namespace access `{written}`. Namespaces should be accessed \
                     with '::' rather than '.'. The '.' separator is reserved for attribute and relation \
                     access. Did you mean: `{fixed}`"
                ),
            )
            .with_label(Label::primary(span, "namespaces are separated by `::`"))
            .with_help(format!("write `{fixed}`")),
            EntityNameCase { span, rename } => {
                let d = Diagnostic::error(
                    codes::ENTITY_NAME_CASE,
                    "Syntax error: Invalid identifier: Entity names must start with a capital",
                )
                .with_label(Label::primary(span, "an entity name starts with a capital"));
                match rename {
                    Some(rename) => d.with_help(format!("rename it `{rename}`")),
                    None => d,
                }
            }
            InvalidModuleName { module, span } => Diagnostic::error(
                codes::INVALID_MODULE_NAME,
                format!(
                    "{module} is not a valid module name: hyphens are not allowed, please use \
                     underscores instead."
                ),
            )
            .with_label(Label::primary(span, "module names have no '-'")),
            DictNullDefault { name, span } => Diagnostic::error(
                codes::DICT_NULL_DEFAULT,
                format!(
                    "Syntax error: null can not be assigned to dict, did you mean \"dict? {name} = null\""
                ),
            )
            .with_label(Label::primary(span, "a `dict` attribute can not be null"))
            .with_help(format!("make it nullable: `dict? {name} = null`")),
            AttributeNameCase { span, rename } => Diagnostic::error(
                codes::ATTRIBUTE_NAME_CASE,
                "Syntax error: Invalid identifier: attribute names must start with a lower case character",
            )
            .with_label(Label::primary(
                span,
                "an attribute name starts with a lower-case letter",
            ))
            .with_help(format!("rename it `{rename}`")),
            DefaultConstructor { span } => Diagnostic::error(
                codes::DEFAULT_CONSTRUCTOR,
                "Syntax error: The use of default constructors is no longer supported",
            )
            .with_label(Label::primary(
                span,
                "default constructors were removed from the language",
            ))
            .with_help("define the defaults on the entity's attributes instead"),
            PlusAssignVariable { name, span } => Diagnostic::error(
                codes::PLUS_ASSIGN_VARIABLE,
                format!("Syntax error: Can not perform += on variable {name}"),
            )
            .with_label(Label::primary(
                span,
                "`+=` adds to a relation of an instance",
            ))
            .with_help(format!(
                "variables are assigned once: collect the values in a list, e.g. `{name} = [...]`"
            )),
            DuplicateDictKey { key, span, first } => Diagnostic::error(
                codes::DUPLICATE_DICT_KEY,
                format!("duplicate key in dict {key}"),
            )
            .with_label(Label::primary(span, "this key is already in the dict"))
            .with_label(Label::secondary(first, "first used here")),
            DictKeyInterpolation { token, span } => Diagnostic::error(
                codes::DICT_KEY_INTERPOLATION,
                "Syntax error: String interpolation is not supported in dictionary keys. Use raw \
                 string to use a key containing double curly brackets",
            )
            .with_label(Label::primary(span, "`{{ }}` in a dictionary key"))
            .with_help(format!("write the key as a raw string: r{token}")),
            IntegerTooLarge { token, span } => Diagnostic::error(
                codes::UNEXPECTED_TOKEN,
                format!("Syntax error: integer {token} is too large"),
            )
            .with_label(Label::primary(span, "integers are 64-bit")),
            InvalidRegex {
                written,
                error,
                span,
            } => Diagnostic::error(
                codes::INVALID_REGEX,
                format!("Syntax error: Regex error in {written}: '{error}'"),
            )
            .with_label(Label::primary(
                span,
                "this regular expression is not valid",
            )),
            InvalidFString { message, span } => Diagnostic::error(
                codes::INVALID_FSTRING,
                format!("Syntax error: Invalid f-string: {message}"),
            )
            .with_label(Label::primary(span, "this f-string is not well formed"))
            .with_help("write a literal brace as `{{` or `}}`"),
            BrokenEscape { what, escape, span } => Diagnostic::error(
                codes::BROKEN_ESCAPE,
                format!("Syntax error: invalid escape in {what}: '{escape}'"),
            )
            .with_label(Label::primary(span, "this escape is incomplete"))
            .with_help("write `\\\\` for a backslash, or complete the escape (`\\x41`, `\\u00e9`)"),
            InvalidEscape { what, span } => Diagnostic::warning(
                codes::INVALID_ESCAPE,
                format!("Invalid escape sequence in {what}."),
            )
            .with_label(Label::primary(
                span,
                "this escape sequence is not recognised and is kept as written",
            ))
            .with_help("write `\\\\` for a backslash, or use a raw string r\"...\""),
        }
    }
}

const NEGATION_HELP: &str = "put the negation in its own statement, or use `not in`";

fn with_expected(d: Diagnostic, expected: &[String]) -> Diagnostic {
    match expected_help(expected) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Names the tokens the parser would have taken, when they are few enough to help.
fn expected_help(expected: &[String]) -> Option<String> {
    if expected.is_empty() || expected.len() > 6 {
        return None;
    }
    let shown: Vec<String> = expected.iter().map(|e| display_terminal(e)).collect();
    Some(format!("expected {}", shown.join(", ")))
}

fn display_terminal(terminal: &str) -> String {
    let bare = terminal.trim_matches('"');
    match bare {
        "ID" => "a name".to_string(),
        "CID" => "an entity name".to_string(),
        "INT" => "an integer".to_string(),
        "FLOAT" => "a number".to_string(),
        "STRING" | "RSTRING" | "FSTRING" | "MLS" => "a string".to_string(),
        "REL" => "`--`".to_string(),
        "CMP" => "a comparison".to_string(),
        "IDX[" | "LIST[" => "`[`".to_string(),
        "CALL(" => "`(`".to_string(),
        other => format!("`{other}`"),
    }
}
