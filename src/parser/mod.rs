//! The parser: tokens to a [`Module`], with every syntax error reported once.
//!
//! One parser: the one lalrpop generates from `grammar/inmanta.lalrpop` (`build.rs`), so the
//! grammar file is the only definition of the syntax.
//!
//! Recovery. A file is cut into chunks at the definition keywords (`entity`, `implementation`,
//! `implement`, `typedef`, `index`, `import`): they can only start a top-level definition, so a cut
//! there never splits a valid construct. Each chunk is parsed on its own, with `!` recovery inside
//! it (statements, attributes). Only the first error of a chunk is reported: the ones after it are
//! nearly always consequences of the first. So one typo gives one error, the definitions around it
//! still reach the later stages, and a file with several broken definitions reports each of them.
//!
//! Messages and positions follow Inmanta's parser: `Syntax error at token x`,
//! `invalid identifier, index is a reserved keyword`, `Unexpected end of file`.

pub mod build;

use lalrpop_util::{lalrpop_mod, ErrorRecovery, ParseError};

use crate::ast::{Item, Module, StmtKind};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::lexer::{self, Spanned, Tok};
use crate::source::{FileId, Span};
use build::{as_docstring, Builder};

lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        unused_parens,
        dead_code,
        unused_imports
    )]
    grammar,
    "/inmanta.rs"
);

/// Parses one file. Never fails: what does not parse is reported and left out.
pub fn parse_module(text: &str, file: FileId) -> (Module, Vec<Diagnostic>) {
    let lexed = lexer::lex(text, file);
    let mut diagnostics = lexed.diagnostics;
    let tokens = lexed.tokens;
    let mut builder = Builder::new(file, text);
    let mut items = Vec::new();
    let chunks = chunk_bounds(&tokens);
    let parser = grammar::ModuleParser::new();
    // A chunk that ends in the middle of a construct means its successor's keyword was probably
    // written inside that construct (`string index`), so the successor's errors are consequences.
    let mut previous_ended_early = false;
    let mut rejected = false;
    let mut broken = Vec::new();
    for (i, &(start, end)) in chunks.iter().enumerate() {
        let chunk = &tokens[start..end];
        let mut recovered = Vec::new();
        let result = parser.parse(
            &mut builder,
            &mut recovered,
            chunk.iter().map(|&(l, t, r)| Ok::<_, ()>((l, t, r))),
        );
        let mut errors: Vec<ParseError<usize, Tok, ()>> = recovered
            .into_iter()
            .map(|r: ErrorRecovery<_, _, _>| r.error)
            .collect();
        match result {
            Ok(chunk_items) => items.extend(chunk_items),
            Err(error) => errors.push(error),
        }
        if !errors.is_empty() {
            if let Some((_, Tok::Id(name) | Tok::Cid(name), _)) = chunk.get(1) {
                broken.push(name.to_string());
            }
        }
        let suppressed = previous_ended_early;
        previous_ended_early = false;
        if let Some(first) = errors.into_iter().next() {
            rejected = true;
            previous_ended_early = matches!(first, ParseError::UnrecognizedEof { .. });
            let next_chunk_start = chunks.get(i + 1).map(|&(s, _)| tokens[s]);
            if !suppressed {
                diagnostics.extend(syntax_error(
                    first,
                    &tokens[..end],
                    next_chunk_start,
                    text,
                    file,
                ));
            }
        }
    }
    // A rejection is never silent: a chunk's error is reported by itself, by the lexer (an
    // illegal character where the grammar stopped) or by the chunk before it, which it follows from.
    debug_assert!(
        !rejected || diagnostics.iter().any(Diagnostic::is_error),
        "the grammar rejected the text and no error was reported"
    );
    diagnostics.extend(builder.diagnostics);
    let mut module = attach_docstrings(items, text, file);
    module.broken_definitions = broken;
    crate::diagnostics::sort(&mut diagnostics);
    (module, diagnostics)
}

/// Token index ranges of the chunks: each starts at a definition keyword (or the file start).
fn chunk_bounds(tokens: &[Spanned<'_>]) -> Vec<(usize, usize)> {
    let mut bounds = Vec::new();
    let mut start = 0;
    for (i, (_, tok, _)) in tokens.iter().enumerate() {
        let definition = matches!(
            tok,
            Tok::Entity
                | Tok::Implementation
                | Tok::Implement
                | Tok::Typedef
                | Tok::Index
                | Tok::Import
        );
        if definition && i > start {
            bounds.push((start, i));
            start = i;
        }
    }
    if start < tokens.len() || bounds.is_empty() {
        bounds.push((start, tokens.len()));
    }
    bounds
}

/// The diagnostic for a parse error, worded as Inmanta words it; `None` when the lexer already
/// reported the cause (an illegal character).
fn syntax_error(
    error: ParseError<usize, Tok<'_>, ()>,
    seen: &[Spanned<'_>],
    next_chunk_start: Option<Spanned<'_>>,
    text: &str,
    file: FileId,
) -> Option<Diagnostic> {
    let (token, expected) = match error {
        ParseError::UnrecognizedToken { token, expected } => (Some(token), expected),
        ParseError::ExtraToken { token } => (Some(token), Vec::new()),
        // The end of a chunk is the start of the next definition, where Inmanta's parser stops.
        ParseError::UnrecognizedEof { expected, .. } => (next_chunk_start, expected),
        ParseError::InvalidToken { .. } | ParseError::User { .. } => (None, Vec::new()),
    };
    let help = expected_help(&expected);
    let Some((l, tok, r)) = token else {
        let end = text.trim_end().len();
        let mut d = Diagnostic::error(
            codes::UNEXPECTED_EOF,
            "Syntax error: Unexpected end of file",
        )
        .with_label(Label::primary(
            Span::new(file, end, end),
            "the file ends here",
        ));
        if let Some(help) = help {
            d = d.with_help(help);
        }
        return Some(d);
    };
    if tok == Tok::Error {
        return None;
    }
    if tok == Tok::DanglingNot {
        // Inmanta reads a `not` after an expression as the start of `not in`, and fails on the
        // token after it: a keyword there is blamed itself, any other token blames the `not`.
        let position = seen.iter().position(|t| t.0 == l);
        let after = position.and_then(|p| seen.get(p + 1)).copied();
        let mut d = match after {
            // An illegal character: the lexer reported it.
            Some((_, Tok::Error, _)) => return None,
            Some((al, at, ar)) if at.is_keyword() => {
                keyword_error(at, al, ar, file).with_label(Label::secondary(
                    Span::new(file, l, r),
                    "this `not` follows an expression, so it can only start `not in`",
                ))
            }
            Some(_) => {
                let mut d = keyword_error(tok, l, r, file);
                d.labels[0].message =
                    "this `not` follows an expression, so it can only start `not in`".into();
                d
            }
            None => Diagnostic::error(
                codes::UNEXPECTED_EOF,
                "Syntax error: Unexpected end of file",
            )
            .with_label(Label::primary(Span::new(file, r, r), "the file ends here"))
            .with_label(Label::secondary(
                Span::new(file, l, r),
                "this `not` follows an expression, so it can only start `not in`",
            )),
        };
        d = d.with_help("put the negation in its own statement, or use `not in`");
        return Some(d);
    }
    // A keyword just before the error that Inmanta's parser has not reduced yet is blamed.
    let position = seen.iter().position(|t| t.0 == l);
    if let Some(prev) = position.and_then(|p| p.checked_sub(1)).map(|p| seen[p]) {
        if prev.1.is_keyword() && !reduced_at_once(prev.1) && !tok.is_keyword() {
            let mut d = keyword_error(prev.1, prev.0, prev.2, file);
            if let Some(help) = help {
                d = d.with_help(help);
            }
            return Some(d);
        }
    }
    let mut d = unexpected(tok, l, r, text, file);
    if d.help.is_none() {
        if let Some(help) = help {
            d = d.with_help(help);
        }
    }
    Some(d)
}

/// Keywords that complete a construct on their own, so that Inmanta's parser has already reduced
/// them when it sees the next token.
fn reduced_at_once(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::True | Tok::False | Tok::Null | Tok::End | Tok::Defined | Tok::Undef | Tok::Parents
    )
}

fn unexpected(tok: Tok<'_>, l: usize, r: usize, text: &str, file: FileId) -> Diagnostic {
    if tok.is_keyword() {
        return keyword_error(tok, l, r, file);
    }
    let shown = token_value(tok, &text[l..r]);
    Diagnostic::error(
        codes::UNEXPECTED_TOKEN,
        format!("Syntax error at token {shown}"),
    )
    .with_label(Label::primary(Span::new(file, l, r), "unexpected here"))
}

fn keyword_error(tok: Tok<'_>, l: usize, r: usize, file: FileId) -> Diagnostic {
    let word = tok.keyword_text().unwrap_or("?");
    Diagnostic::error(
        codes::RESERVED_KEYWORD,
        format!("Syntax error: invalid identifier, {word} is a reserved keyword"),
    )
    .with_label(Label::primary(
        Span::new(file, l, r),
        format!("`{word}` is a keyword and can not be used here"),
    ))
    .with_help(format!(
        "if this is a name, rename it (e.g. `{word}_`); if a definition starts here, check that \
         the one before it is complete (a missing `end`?)"
    ))
}

/// The token as Inmanta's message shows it: the value of literals, the text of the rest.
fn token_value(tok: Tok<'_>, written: &str) -> String {
    match tok {
        Tok::Str(s) => s[1..s.len() - 1].to_string(),
        Tok::Mls(s) => s[3..s.len() - 3].to_string(),
        Tok::RStr(s) | Tok::FStr(s) => s[2..s.len() - 1].to_string(),
        _ => written.to_string(),
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

/// Moves bare multi-line strings that follow a definition into its docstring, as Inmanta's
/// grammar does; a leading one is the file's docstring.
fn attach_docstrings(items: Vec<Item>, text: &str, file: FileId) -> Module {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut doc = None;
    for item in items {
        if let Item::Statement(stmt) = &item {
            if let Some(d) = as_docstring(stmt, text) {
                match out.last_mut() {
                    None if doc.is_none() => {
                        doc = Some(d);
                        continue;
                    }
                    Some(Item::Relation(r)) if r.doc.is_none() => {
                        r.doc = Some(d);
                        continue;
                    }
                    Some(Item::Typedef(t)) if t.doc.is_none() => {
                        t.doc = Some(d);
                        continue;
                    }
                    Some(Item::Implement(i)) if i.doc.is_none() => {
                        i.doc = Some(d);
                        continue;
                    }
                    _ => {}
                }
            }
            if matches!(stmt.kind, StmtKind::Error) {
                out.push(Item::Error(stmt.span));
                continue;
            }
        }
        out.push(item);
    }
    Module {
        file,
        doc,
        items: out,
        broken_definitions: Vec::new(),
    }
}

/// Parses one expression, for tests and tools.
pub fn parse_expression(text: &str, file: FileId) -> (Option<crate::ast::Expr>, Vec<Diagnostic>) {
    let lexed = lexer::lex(text, file);
    let mut diagnostics = lexed.diagnostics;
    let mut builder = Builder::new(file, text);
    let mut recovered = Vec::new();
    let result = grammar::ExprParser::new().parse(
        &mut builder,
        &mut recovered,
        lexed.tokens.iter().map(|&(l, t, r)| Ok::<_, ()>((l, t, r))),
    );
    diagnostics.extend(builder.diagnostics);
    let first = recovered.into_iter().map(|r| r.error).next();
    match (result, first) {
        (Ok(expr), None) => (Some(expr), diagnostics),
        (Ok(_), Some(error)) | (Err(error), _) => {
            diagnostics.extend(syntax_error(error, &lexed.tokens, None, text, file));
            (None, diagnostics)
        }
    }
}
