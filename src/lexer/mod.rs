//! The lexer: `.cf` text to tokens, reproducing Inmanta's lexical rules.
//!
//! Inmanta's lexer tries its rules in a fixed order and takes the first that matches. For every rule
//! pair that can start at the same character, the first-listed rule is also the longest match, so a
//! longest-match logos lexer gives the same tokens, with one exception: multi-line strings
//! (`"""..."""`, 3 to 5 quotes, shortest body) need backtracking that a DFA cannot do, so the raw
//! lexer only recognises the opening quotes and [`scan_mls`] finds the end by hand.
//!
//! A second pass ("cooking") then settles what the grammar cannot settle with one token of lookahead,
//! the way Inmanta's parser settles it with operator precedence (it always prefers to extend the
//! current expression over starting a new statement):
//! - `(` directly after a name opens a call (`CallParen`), otherwise a group (`LParen`);
//! - `[` after a name, or after a `]` that closed such an index bracket, is an index bracket
//!   (`IndexBracket`), otherwise a list (`ListBracket`);
//! - `not in` is one token; a `not` that follows a complete expression can only start `not in` and
//!   becomes `DanglingNot`, which the grammar rejects as Inmanta does.
//!
//! Bad characters become `Error` tokens (and a diagnostic) so that the parser can recover.

pub mod literals;

use logos::Logos;

use crate::diagnostics::{codes, Diagnostic, Label};
use crate::source::{FileId, Span};

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n]+")]
enum Raw {
    #[regex(r"#[^\n]*", logos::skip, allow_greedy = true)]
    #[regex(r"//[^\n]*", logos::skip, allow_greedy = true)]
    Comment,

    #[regex(r"matching[ \t\r\n\x0B\x0C]+/([^/\\\n]|\\[^\n])+/")]
    Regex,
    #[regex(r#"f"([^"\\\n]|\\[^\n])*""#)]
    #[regex(r#"f'([^'\\\n]|\\[^\n])*'"#)]
    FString,
    #[regex(r#"r"([^"\\\n]|\\[^\n])*""#)]
    #[regex(r#"r'([^'\\\n]|\\[^\n])*'"#)]
    RString,
    #[regex(r"[a-zA-Z_][a-zA-Z_0-9-]*")]
    Ident,
    #[token("::")]
    Sep,
    #[token("--")]
    #[token("->")]
    #[token("<-")]
    Rel,
    #[token("!=")]
    #[token("==")]
    #[token(">=")]
    #[token("<=")]
    #[token("<")]
    #[token(">")]
    CmpOp,
    #[token("+=")]
    PlusAssign,
    #[token(r#"""""#)]
    TripleQuote,
    #[regex(r"-?[0-9]*\.[0-9]+")]
    Float,
    #[regex(r"-?[0-9]+")]
    Int,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    #[regex(r#"'([^'\\\n]|\\[^\n])*'"#)]
    String,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("/")]
    Slash,
    #[token("**")]
    DoubleStar,
    #[token(":")]
    Colon,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("(")]
    OpenParen,
    #[token(")")]
    RParen,
    #[token("=")]
    Assign,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("?")]
    Question,
    #[token("*")]
    Star,
    #[token("%")]
    Percent,
}

/// A token as the grammar sees it. Texts are slices of the source: literal values are decoded by
/// the parser, which knows where the value ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok<'a> {
    Id(&'a str),
    Cid(&'a str),
    Int(&'a str),
    Float(&'a str),
    /// `"..."` or `'...'`, quotes included.
    Str(&'a str),
    /// `"""..."""`, quotes included.
    Mls(&'a str),
    /// `r"..."`, prefix and quotes included.
    RStr(&'a str),
    /// `f"..."`, prefix and quotes included.
    FStr(&'a str),
    /// `matching /.../`, the keyword included.
    Regex(&'a str),
    Sep,
    Rel(&'a str),
    CmpOp(&'a str),
    PlusAssign,
    Plus,
    Minus,
    Slash,
    DoubleStar,
    Colon,
    IndexBracket,
    ListBracket,
    RBracket,
    CallParen,
    LParen,
    RParen,
    Assign,
    Comma,
    Dot,
    LBrace,
    RBrace,
    Question,
    Star,
    Percent,
    NotIn,
    DanglingNot,
    Error,
    // keywords
    Typedef,
    As,
    Entity,
    Extends,
    End,
    In,
    Implementation,
    For,
    Matching,
    Index,
    Implement,
    Using,
    When,
    And,
    Or,
    Not,
    True,
    False,
    Import,
    Is,
    Defined,
    Dict,
    Null,
    Undef,
    Parents,
    If,
    Else,
    Elif,
}

pub const KEYWORDS: &[&str] = &[
    "typedef",
    "as",
    "entity",
    "extends",
    "end",
    "in",
    "implementation",
    "for",
    "matching",
    "index",
    "implement",
    "using",
    "when",
    "and",
    "or",
    "not",
    "true",
    "false",
    "import",
    "is",
    "defined",
    "dict",
    "null",
    "undef",
    "parents",
    "if",
    "else",
    "elif",
];

fn keyword(text: &str) -> Option<Tok<'static>> {
    // Most names are no keyword: the letters no keyword starts with rule them out before any
    // comparison.
    if !matches!(
        text.as_bytes().first(),
        Some(b'a' | b'd' | b'e' | b'f' | b'i' | b'm' | b'n' | b'o' | b'p' | b't' | b'u' | b'w')
    ) {
        return None;
    }
    Some(match text {
        "typedef" => Tok::Typedef,
        "as" => Tok::As,
        "entity" => Tok::Entity,
        "extends" => Tok::Extends,
        "end" => Tok::End,
        "in" => Tok::In,
        "implementation" => Tok::Implementation,
        "for" => Tok::For,
        "matching" => Tok::Matching,
        "index" => Tok::Index,
        "implement" => Tok::Implement,
        "using" => Tok::Using,
        "when" => Tok::When,
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "true" => Tok::True,
        "false" => Tok::False,
        "import" => Tok::Import,
        "is" => Tok::Is,
        "defined" => Tok::Defined,
        "dict" => Tok::Dict,
        "null" => Tok::Null,
        "undef" => Tok::Undef,
        "parents" => Tok::Parents,
        "if" => Tok::If,
        "else" => Tok::Else,
        "elif" => Tok::Elif,
        _ => return None,
    })
}

impl Tok<'_> {
    /// Whether this token is a reserved word.
    pub fn is_keyword(&self) -> bool {
        self.keyword_text().is_some()
    }

    pub fn keyword_text(&self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            Typedef => "typedef",
            As => "as",
            Entity => "entity",
            Extends => "extends",
            End => "end",
            In => "in",
            Implementation => "implementation",
            For => "for",
            Matching => "matching",
            Index => "index",
            Implement => "implement",
            Using => "using",
            When => "when",
            And => "and",
            Or => "or",
            Not | DanglingNot => "not",
            True => "true",
            False => "false",
            Import => "import",
            Is => "is",
            Defined => "defined",
            Dict => "dict",
            Null => "null",
            Undef => "undef",
            Parents => "parents",
            If => "if",
            Else => "else",
            Elif => "elif",
            _ => return None,
        })
    }

    /// Whether a complete expression can end with this token (so that what follows may extend it).
    fn ends_expression(&self) -> bool {
        use Tok::*;
        matches!(
            self,
            Id(_)
                | Cid(_)
                | Int(_)
                | Float(_)
                | Str(_)
                | Mls(_)
                | RStr(_)
                | FStr(_)
                | Regex(_)
                | RBracket
                | RParen
                | RBrace
                | True
                | False
                | Null
                | Defined
        )
    }
}

/// One token with its byte range in the file.
pub type Spanned<'a> = (usize, Tok<'a>, usize);

/// The tokens of one file, and the diagnostics of its bad characters.
pub struct Lexed<'a> {
    pub tokens: Vec<Spanned<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexes a whole file. Never fails: bad input becomes `Error` tokens plus diagnostics.
pub fn lex(text: &str, file: FileId) -> Lexed<'_> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut diagnostics = Vec::new();
    let mut context = Context::default();
    let mut start_at = 0;
    // The loop restarts the logos lexer only after a multi-line string that is not there after all
    // (an unterminated `"""`), which must be re-read as the empty string `""` followed by `"`.
    'restart: loop {
        let mut lexer = Raw::lexer(&text[start_at..]);
        while let Some(result) = lexer.next() {
            let span = lexer.span();
            let (start, end) = (span.start + start_at, span.end + start_at);
            let slice = &text[start..end];
            let tok = match result {
                Ok(Raw::Comment) => continue,
                Ok(Raw::Regex) => Tok::Regex(slice),
                Ok(Raw::FString) => Tok::FStr(slice),
                Ok(Raw::RString) => Tok::RStr(slice),
                Ok(Raw::Ident) if slice.as_bytes()[0].is_ascii_uppercase() => Tok::Cid(slice),
                Ok(Raw::Ident) => keyword(slice).unwrap_or(Tok::Id(slice)),
                Ok(Raw::Sep) => Tok::Sep,
                Ok(Raw::Rel) => Tok::Rel(slice),
                Ok(Raw::CmpOp) => Tok::CmpOp(slice),
                Ok(Raw::PlusAssign) => Tok::PlusAssign,
                Ok(Raw::TripleQuote) => match scan_mls(text, start) {
                    Some(mls_end) => {
                        lexer.bump(mls_end - end);
                        tokens.push((start, Tok::Mls(&text[start..mls_end]), mls_end));
                        continue;
                    }
                    None => {
                        tokens.push((start, Tok::Str(&text[start..start + 2]), start + 2));
                        start_at = start + 2;
                        continue 'restart;
                    }
                },
                Ok(Raw::Float) => Tok::Float(slice),
                Ok(Raw::Int) => Tok::Int(slice),
                Ok(Raw::String) => Tok::Str(slice),
                Ok(Raw::Plus) => Tok::Plus,
                Ok(Raw::Minus) => Tok::Minus,
                Ok(Raw::Slash) => Tok::Slash,
                Ok(Raw::DoubleStar) => Tok::DoubleStar,
                Ok(Raw::Colon) => Tok::Colon,
                Ok(Raw::LBracket) => Tok::IndexBracket,
                Ok(Raw::RBracket) => Tok::RBracket,
                Ok(Raw::OpenParen) => Tok::LParen,
                Ok(Raw::RParen) => Tok::RParen,
                Ok(Raw::Assign) => Tok::Assign,
                Ok(Raw::Comma) => Tok::Comma,
                Ok(Raw::Dot) => Tok::Dot,
                Ok(Raw::LBrace) => Tok::LBrace,
                Ok(Raw::RBrace) => Tok::RBrace,
                Ok(Raw::Question) => Tok::Question,
                Ok(Raw::Star) => Tok::Star,
                Ok(Raw::Percent) => Tok::Percent,
                Err(()) => {
                    let ch = text[start..].chars().next().unwrap_or('?');
                    let char_end = start + ch.len_utf8();
                    // An unterminated string is reported at its opening quote; skipping the rest of
                    // the line keeps its contents from being read as code.
                    let error_end = if ch == '"' || ch == '\'' {
                        text[start..].find('\n').map_or(text.len(), |i| start + i)
                    } else {
                        char_end
                    };
                    let span = Span::new(file, start, char_end);
                    diagnostics.push(
                        if ch == '"' || ch == '\'' {
                            LexError::UnterminatedString { span }
                        } else {
                            LexError::IllegalCharacter { ch, span }
                        }
                        .into(),
                    );
                    if error_end > end {
                        lexer.bump(error_end - end);
                    }
                    tokens.push((start, Tok::Error, error_end));
                    continue;
                }
            };
            context.push(&mut tokens, (start, tok, end));
        }
        break;
    }
    Lexed {
        tokens,
        diagnostics,
    }
}

/// The errors of lexing, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    /// A character no token starts with.
    IllegalCharacter { ch: char, span: Span },
    /// A quote that opens a string never closed on its line (`span`: the opening quote).
    UnterminatedString { span: Span },
}

impl From<LexError> for Diagnostic {
    fn from(error: LexError) -> Diagnostic {
        match error {
            LexError::IllegalCharacter { ch, span } => {
                let shown = if ch.is_control() {
                    format!("{:?}", ch).trim_matches('\'').to_string()
                } else {
                    ch.to_string()
                };
                let diagnostic = Diagnostic::error(
                    codes::ILLEGAL_CHARACTER,
                    format!("Syntax error: Illegal character '{shown}'"),
                )
                .with_label(Label::primary(
                    span,
                    "this character is not part of the language",
                ));
                match ch {
                    '&' => diagnostic.with_help("use `and` for a boolean and"),
                    '|' => diagnostic.with_help("use `or` for a boolean or"),
                    '!' => diagnostic.with_help("use `not` for a boolean not, `!=` for inequality"),
                    _ => diagnostic,
                }
            }
            // The reference says `Illegal character '"'`: it never finds the string's end.
            LexError::UnterminatedString { span } => Diagnostic::error(
                codes::UNTERMINATED_STRING,
                "Syntax error: unterminated string",
            )
            .with_label(Label::primary(
                span,
                "this string starts here and is not closed on its line",
            ))
            .with_help("close the string on the same line, or use \"\"\" for a multi-line string"),
        }
    }
}

/// Finds the end of the multi-line string that starts at `start` (which holds at least three
/// quotes), as Python's `"{3,5}([\s\S]*?)"{3,5}` finds it: the longest opening run first, the
/// shortest body, then the longest closing run.
pub fn scan_mls(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quotes_at = |i: usize| {
        bytes[i..]
            .iter()
            .take(5)
            .take_while(|b| **b == b'"')
            .count()
    };
    let opening = quotes_at(start);
    for open in (3..=opening.min(5)).rev() {
        let mut pos = start + open;
        while pos < bytes.len() {
            match memchr_quote(&bytes[pos..]) {
                None => break,
                Some(offset) => {
                    let at = pos + offset;
                    let run = quotes_at(at);
                    if run >= 3 {
                        return Some(at + run);
                    }
                    pos = at + 1;
                }
            }
        }
    }
    None
}

fn memchr_quote(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'"')
}

/// The second pass, done as each token is pushed: what a token means after the one before it.
/// `(` after a name calls, `[` after a name (or after the `]` of an index) indexes, `not` after a
/// complete expression dangles, and `not` followed by `in` is one `not in` token.
#[derive(Default)]
struct Context {
    /// For every open `[`: whether it is an index bracket, so that its `]` can tell whether a `[`
    /// after it chains another lookup.
    brackets: Vec<bool>,
    last_closed_index: bool,
}

/// Whether the tokens end with the class of a relation's unnamed far end (`A.b [1] -- ns::B`):
/// no index can follow it, so a `[` there starts a new statement, as in Inmanta's grammar.
fn ends_unnamed_relation_end(tokens: &[Spanned<'_>]) -> bool {
    let mut i = tokens.len();
    loop {
        match tokens.get(i.wrapping_sub(1)).map(|t| t.1) {
            Some(Tok::Id(_)) | Some(Tok::Cid(_)) => i -= 1,
            _ => return false,
        }
        match tokens.get(i.wrapping_sub(1)).map(|t| t.1) {
            Some(Tok::Sep) => i -= 1,
            Some(Tok::Rel(_)) => return true,
            _ => return false,
        }
    }
}

impl Context {
    fn push<'a>(&mut self, tokens: &mut Vec<Spanned<'a>>, (start, tok, end): Spanned<'a>) {
        let prev = tokens.last().map(|t| t.1);
        let cooked = match tok {
            Tok::LParen => match prev {
                Some(Tok::Id(_)) | Some(Tok::Cid(_)) => Tok::CallParen,
                _ => Tok::LParen,
            },
            Tok::IndexBracket => {
                let index = match prev {
                    Some(Tok::Id(_)) | Some(Tok::Cid(_)) => !ends_unnamed_relation_end(tokens),
                    Some(Tok::RBracket) => self.last_closed_index,
                    _ => false,
                };
                self.brackets.push(index);
                if index {
                    Tok::IndexBracket
                } else {
                    Tok::ListBracket
                }
            }
            Tok::RBracket => {
                self.last_closed_index = self.brackets.pop().unwrap_or(false);
                Tok::RBracket
            }
            Tok::Not if prev.is_some_and(|p| p.ends_expression()) => Tok::DanglingNot,
            Tok::In => {
                if let Some(last) = tokens.last_mut() {
                    if matches!(last.1, Tok::Not | Tok::DanglingNot) {
                        *last = (last.0, Tok::NotIn, end);
                        return;
                    }
                }
                Tok::In
            }
            other => other,
        };
        tokens.push((start, cooked, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok<'_>> {
        lex(text, FileId(0))
            .tokens
            .into_iter()
            .map(|t| t.1)
            .collect()
    }

    #[test]
    fn minus_is_glued_to_numbers_and_names() {
        assert_eq!(kinds("1-1"), vec![Tok::Int("1"), Tok::Int("-1")]);
        assert_eq!(kinds("a-1"), vec![Tok::Id("a-1")]);
        assert_eq!(
            kinds("a - 1"),
            vec![Tok::Id("a"), Tok::Minus, Tok::Int("1")]
        );
        assert_eq!(kinds("-.5"), vec![Tok::Float("-.5")]);
        assert_eq!(kinds("1."), vec![Tok::Int("1"), Tok::Dot]);
    }

    #[test]
    fn relation_arrows_win_over_comparison_and_minus() {
        assert_eq!(
            kinds("x<-1"),
            vec![Tok::Id("x"), Tok::Rel("<-"), Tok::Int("1")]
        );
        assert_eq!(
            kinds("2--1"),
            vec![Tok::Int("2"), Tok::Rel("--"), Tok::Int("1")]
        );
    }

    #[test]
    fn keywords_capitals_and_prefixes() {
        assert_eq!(kinds("True"), vec![Tok::Cid("True")]);
        assert_eq!(kinds("true"), vec![Tok::True]);
        assert_eq!(kinds("matching_x"), vec![Tok::Id("matching_x")]);
        assert_eq!(kinds("index-x"), vec![Tok::Id("index-x")]);
        assert_eq!(kinds("rf\"x\""), vec![Tok::Id("rf"), Tok::Str("\"x\"")]);
    }

    #[test]
    fn every_keyword_is_recognised_and_names_next_to_them_are_not() {
        const KEYWORDS: &str = "typedef as entity extends end in implementation for matching \
            index implement using when and or not true false import is defined dict null undef \
            parents if else elif";
        for word in KEYWORDS.split_whitespace() {
            let tokens = kinds(word);
            assert_eq!(tokens.len(), 1, "{word}");
            assert_eq!(tokens[0].keyword_text(), Some(word), "{word}");
            // One letter more or less, or a capital, and it is a name.
            for name in [
                format!("{word}s"),
                word[1..].to_string(),
                format!("x{word}"),
            ] {
                if !name.is_empty() && keyword(&name).is_none() {
                    assert_eq!(kinds(&name), vec![Tok::Id(&name)], "{name}");
                }
            }
            let capital = word[..1].to_uppercase() + &word[1..];
            assert_eq!(kinds(&capital), vec![Tok::Cid(&capital)], "{capital}");
        }
    }

    #[test]
    fn string_forms() {
        assert_eq!(kinds("f'a{b}'"), vec![Tok::FStr("f'a{b}'")]);
        assert_eq!(kinds(r#"r"a\d""#), vec![Tok::RStr(r#"r"a\d""#)]);
        // The closing run is greedy: the fourth quote belongs to the token, not the body.
        assert_eq!(kinds(r#""""a"""""#), vec![Tok::Mls(r#""""a"""""#)]);
        assert_eq!(kinds(r#""""""""#), vec![Tok::Mls(r#""""""""#)]);
        assert_eq!(
            kinds("\"\"\"a\nb\"\"\""),
            vec![Tok::Mls("\"\"\"a\nb\"\"\"")]
        );
        assert_eq!(kinds("\"\""), vec![Tok::Str("\"\"")]);
    }

    #[test]
    fn unterminated_triple_quote_is_an_empty_string_then_an_error() {
        let lexed = lex("x = \"\"\"abc\n", FileId(0));
        let kinds: Vec<_> = lexed.tokens.iter().map(|t| t.1).collect();
        assert_eq!(
            kinds,
            vec![Tok::Id("x"), Tok::Assign, Tok::Str("\"\""), Tok::Error]
        );
        assert_eq!(lexed.diagnostics.len(), 1);
    }

    #[test]
    fn regex_includes_the_matching_keyword() {
        assert_eq!(
            kinds("typedef t as string matching /^a\\/b$/"),
            vec![
                Tok::Typedef,
                Tok::Id("t"),
                Tok::As,
                Tok::Id("string"),
                Tok::Regex("matching /^a\\/b$/")
            ]
        );
        assert_eq!(kinds("matching self"), vec![Tok::Matching, Tok::Id("self")]);
    }

    #[test]
    fn comments_of_both_kinds_are_skipped() {
        assert_eq!(kinds("a # x\n// y\nb"), vec![Tok::Id("a"), Tok::Id("b")]);
        assert_eq!(kinds("\"#x\""), vec![Tok::Str("\"#x\"")]);
    }

    #[test]
    fn brackets_and_parentheses_are_classified() {
        assert_eq!(
            kinds("f(x) (y)"),
            vec![
                Tok::Id("f"),
                Tok::CallParen,
                Tok::Id("x"),
                Tok::RParen,
                Tok::LParen,
                Tok::Id("y"),
                Tok::RParen
            ]
        );
        assert_eq!(
            kinds("a[1][2] [3]"),
            vec![
                Tok::Id("a"),
                Tok::IndexBracket,
                Tok::Int("1"),
                Tok::RBracket,
                Tok::IndexBracket,
                Tok::Int("2"),
                Tok::RBracket,
                Tok::IndexBracket,
                Tok::Int("3"),
                Tok::RBracket
            ]
        );
        assert_eq!(
            kinds("[1] [2]"),
            vec![
                Tok::ListBracket,
                Tok::Int("1"),
                Tok::RBracket,
                Tok::ListBracket,
                Tok::Int("2"),
                Tok::RBracket
            ]
        );
    }

    #[test]
    fn not_in_and_dangling_not() {
        assert_eq!(
            kinds("a not in b"),
            vec![Tok::Id("a"), Tok::NotIn, Tok::Id("b")]
        );
        assert_eq!(
            kinds("x = not b"),
            vec![Tok::Id("x"), Tok::Assign, Tok::Not, Tok::Id("b")]
        );
        assert_eq!(
            kinds("a not b"),
            vec![Tok::Id("a"), Tok::DanglingNot, Tok::Id("b")]
        );
    }

    #[test]
    fn illegal_characters_become_error_tokens() {
        let lexed = lex("y = x & 2", FileId(0));
        assert_eq!(lexed.tokens[3].1, Tok::Error);
        assert_eq!(lexed.tokens[4].1, Tok::Int("2"));
        assert_eq!(lexed.diagnostics.len(), 1);
        assert_eq!(
            lexed.diagnostics[0].message,
            "Syntax error: Illegal character '&'"
        );
    }
}
