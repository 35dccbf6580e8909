//! The nesting limit: a text nested deeper than [`MAX_NESTING`] is refused before it is parsed,
//! so that no recursive stage after the parser (building and dropping the tree, resolve, check,
//! eval, export) meets a deeper tree, whatever the size of the file.
//!
//! The depth is measured over the tokens, before any tree exists: each open bracket or block
//! (`for`, `if`, `entity`, `implementation`) adds a level, and within a level each operator, `.`,
//! `?`, `not` and index (`a[k]`) adds one more, as a chain `a + b + c` or `a.b.c` nests its tree
//! as deep as it is long. What starts a sibling (`,`, `=`, `+=`, `elif`, `else`, or an operand right
//! after an operand: the next statement) ends the chain. The measure is never below the depth of
//! the tree that the grammar builds from the tokens, and close to it in written models.

use crate::lexer::{Spanned, Tok};

/// The deepest nesting lsmc reads: far beyond what models write, and far below what the stages
/// after the parser need in stack (about 2 KiB a level in a debug build: 1 MiB at the limit).
pub const MAX_NESTING: usize = 500;

struct Level {
    bracket: bool,
    chain: usize,
}

/// The index of the first token at which the nesting passes [`MAX_NESTING`], if any.
pub fn too_deep(tokens: &[Spanned<'_>]) -> Option<usize> {
    let mut levels = vec![Level {
        bracket: false,
        chain: 0,
    }];
    // `levels.len()` plus every level's chain.
    let mut depth = 1;
    let mut previous: Option<Tok<'_>> = None;
    for (i, &(_, tok, _)) in tokens.iter().enumerate() {
        let top = levels.len() - 1;
        if previous.is_some_and(ends_operand) && starts_operand(tok) {
            depth -= std::mem::take(&mut levels[top].chain);
        }
        match tok {
            Tok::Comma | Tok::Assign | Tok::PlusAssign | Tok::Elif | Tok::Else => {
                depth -= std::mem::take(&mut levels[top].chain);
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace if levels[top].bracket => {
                depth -= 1 + levels.pop().map_or(0, |l| l.chain);
            }
            Tok::End if top > 0 && !levels[top].bracket => {
                depth -= 1 + levels.pop().map_or(0, |l| l.chain);
            }
            Tok::LParen | Tok::CallParen | Tok::ListBracket | Tok::LBrace | Tok::IndexBracket => {
                if tok == Tok::IndexBracket {
                    levels[top].chain += 1;
                    depth += 1;
                }
                levels.push(Level {
                    bracket: true,
                    chain: 0,
                });
                depth += 1;
            }
            // The `for` of `implementation name for Entity:` opens no block of its own.
            Tok::For if i >= 2 && tokens[i - 2].1 == Tok::Implementation => {}
            Tok::For | Tok::If | Tok::Entity | Tok::Implementation if !levels[top].bracket => {
                levels.push(Level {
                    bracket: false,
                    chain: 0,
                });
                depth += 1;
            }
            _ if chains(tok) => {
                levels[top].chain += 1;
                depth += 1;
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some(i);
        }
        previous = Some(tok);
    }
    None
}

/// Tokens that nest the expression they continue one level deeper.
fn chains(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Plus
            | Tok::Minus
            | Tok::Star
            | Tok::Slash
            | Tok::Percent
            | Tok::DoubleStar
            | Tok::CmpOp(_)
            | Tok::And
            | Tok::Or
            | Tok::Not
            | Tok::NotIn
            | Tok::DanglingNot
            | Tok::In
            | Tok::Dot
            | Tok::Question
    )
}

/// A token that is an operand by itself.
fn lone_operand(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Id(_)
            | Tok::Cid(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::Mls(_)
            | Tok::RStr(_)
            | Tok::FStr(_)
            | Tok::True
            | Tok::False
            | Tok::Null
    )
}

fn ends_operand(tok: Tok<'_>) -> bool {
    lone_operand(tok)
        || matches!(
            tok,
            Tok::Regex(_)
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace
                | Tok::Undef
                | Tok::Defined
                | Tok::Parents
                | Tok::End
        )
}

fn starts_operand(tok: Tok<'_>) -> bool {
    lone_operand(tok) || matches!(tok, Tok::ListBracket | Tok::LParen | Tok::LBrace | Tok::Not)
}
