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
pub mod depth;
pub mod error;

use lalrpop_util::{lalrpop_mod, ErrorRecovery, ParseError};

use crate::ast::{Item, Module, StmtKind};
use crate::diagnostics::Diagnostic;
use crate::lexer::{self, Spanned, Tok};
use crate::source::{FileId, Span};
use build::{as_docstring, Builder};
use error::{DanglingNot, SyntaxError};

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
        if let Some(error) = nesting_too_deep(chunk, file) {
            // Left out unparsed: no tree deeper than the limit is ever built.
            diagnostics.push(error);
            broken.extend(defined_name(chunk));
            rejected = true;
            previous_ended_early = false;
            continue;
        }
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
            broken.extend(defined_name(chunk));
        }
        let suppressed = previous_ended_early;
        previous_ended_early = false;
        if let Some(first) = errors.into_iter().next() {
            rejected = true;
            previous_ended_early = matches!(first, ParseError::UnrecognizedEof { .. });
            let next_chunk_start = chunks.get(i + 1).map(|&(s, _)| tokens[s]);
            if !suppressed {
                diagnostics.extend(
                    syntax_error(first, &tokens[..end], next_chunk_start, text, file)
                        .map(Diagnostic::from),
                );
            }
        }
    }
    // A rejection is never silent: a chunk's error is reported by itself, by the lexer (an
    // illegal character where the grammar stopped) or by the chunk before it, which it follows from.
    debug_assert!(
        !rejected || diagnostics.iter().any(Diagnostic::is_error),
        "the grammar rejected the text and no error was reported"
    );
    diagnostics.extend(builder.into_diagnostics());
    let mut module = attach_docstrings(items, text, file);
    module.broken_definitions = broken;
    crate::diagnostics::sort(&mut diagnostics);
    (module, diagnostics)
}

/// Records a recovered error when it is the chunk's first: only the first is reported, and each
/// carries the list of expected tokens, so a chunk of a million broken statements (`x = ` lines)
/// kept a million lists.
pub(crate) fn keep_first<'input>(
    recovered: &mut Vec<ErrorRecovery<usize, Tok<'input>, ()>>,
    error: ErrorRecovery<usize, Tok<'input>, ()>,
) {
    if recovered.is_empty() {
        recovered.push(error);
    }
}

/// The error for tokens nested deeper than the limit, at the token that passes it.
fn nesting_too_deep(tokens: &[Spanned<'_>], file: FileId) -> Option<Diagnostic> {
    let (l, _, r) = tokens[depth::too_deep(tokens)?];
    Some(Diagnostic::from(SyntaxError::NestingTooDeep {
        limit: depth::MAX_NESTING,
        span: Span::new(file, l, r),
    }))
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

/// The error for a parse error, as Inmanta reports it; `None` when the lexer already reported the
/// cause (an illegal character).
fn syntax_error(
    error: ParseError<usize, Tok<'_>, ()>,
    seen: &[Spanned<'_>],
    next_chunk_start: Option<Spanned<'_>>,
    text: &str,
    file: FileId,
) -> Option<SyntaxError> {
    let (token, expected) = match error {
        ParseError::UnrecognizedToken { token, expected } => (Some(token), expected),
        ParseError::ExtraToken { token } => (Some(token), Vec::new()),
        // The end of a chunk is the start of the next definition, where Inmanta's parser stops.
        ParseError::UnrecognizedEof { expected, .. } => (next_chunk_start, expected),
        ParseError::InvalidToken { .. } | ParseError::User { .. } => (None, Vec::new()),
    };
    let Some((l, tok, r)) = token else {
        if let Some(&(_, Tok::Assign, eq_end)) = seen.last() {
            return Some(SyntaxError::MissingValue {
                span: Span::new(file, eq_end, eq_end),
                found: None,
            });
        }
        let end = text.trim_end().len();
        return Some(SyntaxError::UnexpectedEof {
            span: Span::new(file, end, end),
            expected,
            dangling_not: None,
        });
    };
    if tok == Tok::Error {
        return None;
    }
    // Nothing that can be a value after an `=`: blamed on the `=`, not on what follows (often
    // the next line).
    let before = match seen.iter().position(|t| t.0 == l) {
        Some(p) => p.checked_sub(1).map(|p| seen[p]),
        None => seen.last().copied(),
    };
    if let Some((_, Tok::Assign, eq_end)) = before {
        return Some(SyntaxError::MissingValue {
            span: Span::new(file, eq_end, eq_end),
            found: Some(text[l..r].to_string()).filter(|_| r > l),
        });
    }
    if tok == Tok::DanglingNot {
        // Inmanta reads a `not` after an expression as the start of `not in`, and fails on the
        // token after it: a keyword there is blamed itself, any other token blames the `not`.
        let position = seen.iter().position(|t| t.0 == l);
        let after = position.and_then(|p| seen.get(p + 1)).copied();
        let not = Span::new(file, l, r);
        return match after {
            // An illegal character: the lexer reported it.
            Some((_, Tok::Error, _)) => None,
            Some((al, at, ar)) if at.is_keyword() => Some(keyword_error(
                at,
                al,
                ar,
                file,
                Vec::new(),
                Some(DanglingNot::At(not)),
            )),
            Some(_) => Some(keyword_error(
                tok,
                l,
                r,
                file,
                Vec::new(),
                Some(DanglingNot::Itself),
            )),
            None => Some(SyntaxError::UnexpectedEof {
                span: Span::new(file, r, r),
                expected: Vec::new(),
                dangling_not: Some(not),
            }),
        };
    }
    // A keyword just before the error that Inmanta's parser has not reduced yet is blamed.
    let position = seen.iter().position(|t| t.0 == l);
    if let Some(prev) = position.and_then(|p| p.checked_sub(1)).map(|p| seen[p]) {
        if prev.1.is_keyword() && !reduced_at_once(prev.1) && !tok.is_keyword() {
            return Some(keyword_error(prev.1, prev.0, prev.2, file, expected, None));
        }
    }
    if tok.is_keyword() {
        return Some(keyword_error(tok, l, r, file, Vec::new(), None));
    }
    Some(SyntaxError::UnexpectedToken {
        shown: token_value(tok, &text[l..r]),
        span: Span::new(file, l, r),
        expected,
    })
}

/// Keywords that complete a construct on their own, so that Inmanta's parser has already reduced
/// them when it sees the next token.
fn reduced_at_once(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::True | Tok::False | Tok::Null | Tok::End | Tok::Defined | Tok::Undef | Tok::Parents
    )
}

fn keyword_error(
    tok: Tok<'_>,
    l: usize,
    r: usize,
    file: FileId,
    expected: Vec<String>,
    dangling_not: Option<DanglingNot>,
) -> SyntaxError {
    SyntaxError::ReservedKeyword {
        word: tok.keyword_text().unwrap_or("?").to_string(),
        span: Span::new(file, l, r),
        expected,
        dangling_not,
    }
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
    if let Some(error) = nesting_too_deep(&lexed.tokens, file) {
        diagnostics.push(error);
        return (None, diagnostics);
    }
    let mut builder = Builder::new(file, text);
    let mut recovered = Vec::new();
    let result = grammar::ExprParser::new().parse(
        &mut builder,
        &mut recovered,
        lexed.tokens.iter().map(|&(l, t, r)| Ok::<_, ()>((l, t, r))),
    );
    diagnostics.extend(builder.into_diagnostics());
    let first = recovered.into_iter().map(|r| r.error).next();
    match (result, first) {
        (Ok(expr), None) => (Some(expr), diagnostics),
        (Ok(_), Some(error)) | (Err(error), _) => {
            diagnostics
                .extend(syntax_error(error, &lexed.tokens, None, text, file).map(Diagnostic::from));
            (None, diagnostics)
        }
    }
}

/// The name a chunk defines, when it is a definition whose uses elsewhere would only repeat its
/// syntax error (an entity, an implementation, a typedef); `implement`, `index` and statements
/// define no name.
fn defined_name(chunk: &[(usize, Tok<'_>, usize)]) -> Option<String> {
    match chunk {
        [(_, Tok::Entity | Tok::Implementation | Tok::Typedef, _), (_, Tok::Id(name) | Tok::Cid(name), _), ..] => {
            Some(name.to_string())
        }
        _ => None,
    }
}
