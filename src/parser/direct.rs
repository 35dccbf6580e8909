//! The fast path of [`parse_module`](super::parse_module): a recursive-descent reading of the
//! grammar in `grammar/inmanta.lalrpop`, for files without syntax errors.
//!
//! Why it is sound. The grammar is LR(1), so it is unambiguous: a token sequence has at most one
//! derivation. Every step here follows one production of the grammar and builds its node with the
//! same [`Builder`] call and the same `@L`/`@R` positions as the grammar's action, so when this
//! parser reads a whole file it has found that one derivation and built the same tree, with the
//! same diagnostics. It decides between productions by looking ahead, never by trying one and
//! undoing it, so no abandoned branch leaves a diagnostic behind.
//!
//! Where the grammar would report a syntax error, and at the grammar's error productions (a
//! lower-case entity name, `a.b.C`, ...), it gives up: [`parse`] returns `None` and the grammar's
//! parser, with its recovery and Inmanta's messages, reads the file instead. The `fast_path_*`
//! and `parts_*` tests of `tests/corpus.rs` and the fuzz target `parse_paths` check that both
//! paths agree on every input they are given.

use crate::ast::*;
use crate::lexer::{Spanned, Tok};
use crate::parser::build::Builder;

/// This parser does not take the input; the grammar's parser will.
struct GiveUp;

type Parsed<T> = Result<T, GiveUp>;

/// The items of a file, or `None` when it is not plain valid input.
pub fn parse<'t>(tokens: &[Spanned<'t>], builder: &mut Builder<'t>) -> Option<Vec<Item>> {
    let mut parser = Direct {
        tokens,
        pos: 0,
        b: builder,
    };
    let mut items = Vec::new();
    while parser.pos < tokens.len() {
        items.push(parser.item().ok()?);
    }
    Some(items)
}

struct Direct<'p, 't, 'b> {
    tokens: &'p [Spanned<'t>],
    pos: usize,
    b: &'b mut Builder<'t>,
}

/// What a reference written with names (`a`, `a::b`, `a.b.c`) turned out to be.
enum Reference {
    /// `a` or `a::b`: a `Var`, and whether it is a single name.
    Path(Expr, bool),
    /// `a.b`, `a::b.c.d`
    Attribute(Expr),
    /// `a::B`
    Class(ClassRef),
}

impl<'t> Direct<'_, 't, '_> {
    // ------------------------------------------------------------------------------------------
    // Tokens

    #[inline]
    fn peek(&self) -> Option<Tok<'t>> {
        self.tokens.get(self.pos).map(|t| t.1)
    }

    #[inline]
    fn peek_at(&self, ahead: usize) -> Option<Tok<'t>> {
        self.tokens.get(self.pos + ahead).map(|t| t.1)
    }

    /// `@L` of what starts at the next token.
    #[inline]
    fn left(&self) -> usize {
        self.tokens.get(self.pos).map_or(0, |t| t.0)
    }

    /// `@R` of what ends at the last token taken.
    #[inline]
    fn right(&self) -> usize {
        self.tokens[self.pos - 1].2
    }

    #[inline]
    fn next(&mut self) -> Parsed<Spanned<'t>> {
        let token = *self.tokens.get(self.pos).ok_or(GiveUp)?;
        self.pos += 1;
        Ok(token)
    }

    #[inline]
    fn expect(&mut self, expected: Tok<'_>) -> Parsed<()> {
        match self.tokens.get(self.pos) {
            Some(t) if t.1 == expected => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(GiveUp),
        }
    }

    #[inline]
    fn eat(&mut self, token: Tok<'_>) -> bool {
        let found = self.peek() == Some(token);
        self.pos += usize::from(found);
        found
    }

    // ------------------------------------------------------------------------------------------
    // Names

    fn name(&mut self) -> Parsed<Name> {
        match self.next()? {
            (l, Tok::Id(text), r) => Ok(self.b.name(text, l, r)),
            _ => Err(GiveUp),
        }
    }

    fn class_name(&mut self) -> Parsed<Name> {
        match self.next()? {
            (l, Tok::Cid(text), r) => Ok(self.b.name(text, l, r)),
            _ => Err(GiveUp),
        }
    }

    /// `Path`: `a::b::c`, stopping before a `::` that leads to a class name.
    fn path(&mut self) -> Parsed<Path> {
        let mut segments = vec![self.name()?];
        while self.peek() == Some(Tok::Sep) && matches!(self.peek_at(1), Some(Tok::Id(_))) {
            self.pos += 1;
            segments.push(self.name()?);
        }
        Ok(self.b.path(segments))
    }

    /// `ClassRef` without its error production: `A` or `a::b::A`.
    fn class_ref(&mut self) -> Parsed<ClassRef> {
        if matches!(self.peek(), Some(Tok::Cid(_))) {
            let name = self.class_name()?;
            return Ok(self.b.class_ref(Vec::new(), name));
        }
        let path = self.path()?;
        self.expect(Tok::Sep)?;
        let name = self.class_name()?;
        Ok(self.b.class_ref(path.segments, name))
    }

    /// The number of tokens of the `ClassRef` that starts `ahead` tokens on, if one does.
    fn class_ref_length(&self, ahead: usize) -> Option<usize> {
        let mut i = ahead;
        loop {
            match self.peek_at(i)? {
                Tok::Cid(_) => return Some(i + 1 - ahead),
                Tok::Id(_) if self.peek_at(i + 1) == Some(Tok::Sep) => i += 2,
                _ => return None,
            }
        }
    }

    /// What a run of names is: a path, an attribute reference or a class reference.
    fn reference(&mut self) -> Parsed<Reference> {
        let l = self.left();
        let mut segments = vec![self.name()?];
        while self.peek() == Some(Tok::Sep) {
            self.pos += 1;
            match self.peek() {
                Some(Tok::Id(_)) => segments.push(self.name()?),
                Some(Tok::Cid(_)) => {
                    let name = self.class_name()?;
                    return Ok(Reference::Class(self.b.class_ref(segments, name)));
                }
                _ => return Err(GiveUp),
            }
        }
        let single = segments.len() == 1;
        let path = self.b.path(segments);
        let mut expr = Expr::new(ExprKind::Var { path }, self.b.span(l, self.right()));
        if self.peek() != Some(Tok::Dot) {
            return Ok(Reference::Path(expr, single));
        }
        while self.eat(Tok::Dot) {
            // `a.B` is the grammar's error production for namespaces written with dots.
            let name = self.name()?;
            expr = self.b.attribute_ref(expr, name, l);
        }
        Ok(Reference::Attribute(expr))
    }

    // ------------------------------------------------------------------------------------------
    // Definitions

    fn item(&mut self) -> Parsed<Item> {
        Ok(match self.peek() {
            Some(Tok::Entity) => Item::Entity(Box::new(self.entity()?)),
            Some(Tok::Implementation) => Item::Implementation(Box::new(self.implementation()?)),
            Some(Tok::Implement) => Item::Implement(Box::new(self.implement()?)),
            Some(Tok::Typedef) => Item::Typedef(Box::new(self.typedef()?)),
            Some(Tok::Index) => Item::Index(Box::new(self.index()?)),
            Some(Tok::Import) => Item::Import(Box::new(self.import()?)),
            // A class reference followed by `.` can only start a relation.
            _ if self
                .class_ref_length(0)
                .is_some_and(|n| self.peek_at(n) == Some(Tok::Dot)) =>
            {
                Item::Relation(Box::new(self.relation()?))
            }
            _ => Item::Statement(Box::new(self.statement()?)),
        })
    }

    fn import(&mut self) -> Parsed<Import> {
        let l = self.left();
        self.expect(Tok::Import)?;
        let module = self.path()?;
        let alias = if self.eat(Tok::As) {
            Some(self.name()?)
        } else {
            None
        };
        let r = self.right();
        Ok(self.b.import(module, alias, l, r))
    }

    fn entity(&mut self) -> Parsed<Entity> {
        let l = self.left();
        self.expect(Tok::Entity)?;
        let name = self.class_name()?;
        let mut parents = Vec::new();
        if self.eat(Tok::Extends) {
            parents = self.comma1(Self::class_ref)?;
        }
        self.expect(Tok::Colon)?;
        let doc = match self.peek() {
            Some(Tok::Mls(text)) => {
                let (dl, _, dr) = self.next()?;
                Some(self.b.doc(text, dl, dr))
            }
            _ => None,
        };
        let mut attributes = Vec::new();
        while !self.eat(Tok::End) {
            attributes.push(self.attribute()?);
        }
        let r = self.right();
        Ok(self.b.entity(name, parents, doc, attributes, l, r))
    }

    fn attribute(&mut self) -> Parsed<Attribute> {
        let l = self.left();
        if self.eat(Tok::Dict) {
            let nullable = self.eat(Tok::Question);
            let ty = self.b.dict_type(nullable, l, self.right());
            let name = self.name()?;
            if !self.eat(Tok::Assign) {
                let r = self.right();
                return Ok(self.b.attribute(ty, name, AttributeDefault::None, l, r));
            }
            return match self.peek() {
                Some(Tok::LBrace) => {
                    let value = self.map_def()?;
                    let r = self.right();
                    Ok(self
                        .b
                        .attribute(ty, name, AttributeDefault::Value(value), l, r))
                }
                Some(Tok::Null) => {
                    let (nl, _, nr) = self.next()?;
                    Ok(self.b.dict_null_default(ty, name, nl, nr, l, nr))
                }
                _ => Err(GiveUp),
            };
        }
        let base = self.path()?;
        let list = self.peek() == Some(Tok::IndexBracket);
        if list {
            self.pos += 1;
            self.expect(Tok::RBracket)?;
        }
        let nullable = self.eat(Tok::Question);
        let ty = self.b.attribute_type(base, list, nullable, l, self.right());
        let name = self.name()?;
        let default = if self.eat(Tok::Assign) {
            match self.peek() {
                Some(Tok::Undef) => {
                    self.pos += 1;
                    AttributeDefault::Undef
                }
                Some(Tok::ListBracket) => {
                    let ll = self.left();
                    self.pos += 1;
                    let items = self.comma(Tok::RBracket, Self::constant)?;
                    let r = self.right();
                    AttributeDefault::Value(Expr::new(ExprKind::List { items }, self.b.span(ll, r)))
                }
                _ => AttributeDefault::Value(self.constant()?),
            }
        } else {
            AttributeDefault::None
        };
        let r = self.right();
        Ok(self.b.attribute(ty, name, default, l, r))
    }

    fn implementation(&mut self) -> Parsed<Implementation> {
        let l = self.left();
        self.expect(Tok::Implementation)?;
        let name = self.name()?;
        self.expect(Tok::For)?;
        let entity = self.class_ref()?;
        self.expect(Tok::Colon)?;
        let body = self.block()?;
        self.expect(Tok::End)?;
        let r = self.right();
        Ok(self.b.implementation(name, entity, body, l, r))
    }

    fn implement(&mut self) -> Parsed<Implement> {
        let l = self.left();
        self.expect(Tok::Implement)?;
        let entity = self.class_ref()?;
        self.expect(Tok::Using)?;
        let using = self.comma1(Self::implementation_ref)?;
        let when = if self.eat(Tok::When) {
            Some(self.expr()?)
        } else {
            None
        };
        let r = self.right();
        Ok(self.b.implement(entity, using, when, l, r))
    }

    fn implementation_ref(&mut self) -> Parsed<ImplementationRef> {
        if self.peek() == Some(Tok::Parents) {
            let (l, _, r) = self.next()?;
            return Ok(ImplementationRef::Parents(self.b.span(l, r)));
        }
        Ok(ImplementationRef::Named(self.path()?))
    }

    fn relation(&mut self) -> Parsed<Relation> {
        let l = self.left();
        let left = self.relation_end(true)?;
        let mut annotations = Vec::new();
        if matches!(self.peek(), Some(Tok::Rel(_))) {
            self.pos += 1;
        } else if !self.at_relation_end() {
            annotations = self.comma1(Self::expr)?;
        }
        let right = self.relation_end(false)?;
        let r = self.right();
        Ok(self.b.relation(left, annotations, right, l, r))
    }

    /// Whether the next tokens are a relation's end rather than an annotation: a class reference
    /// that no call or index lookup follows.
    fn at_relation_end(&self) -> bool {
        self.class_ref_length(0)
            .is_some_and(|n| !matches!(self.peek_at(n), Some(Tok::CallParen | Tok::IndexBracket)))
    }

    fn relation_end(&mut self, named: bool) -> Parsed<RelationEnd> {
        let l = self.left();
        let entity = self.class_ref()?;
        if !named && self.peek() != Some(Tok::Dot) {
            let r = self.right();
            return Ok(self.b.relation_end(entity, None, None, l, r));
        }
        self.expect(Tok::Dot)?;
        let name = self.name()?;
        let multiplicity = self.multiplicity()?;
        let r = self.right();
        Ok(self
            .b
            .relation_end(entity, Some(name), Some(multiplicity), l, r))
    }

    fn multiplicity(&mut self) -> Parsed<Multiplicity> {
        let l = self.left();
        self.expect(Tok::IndexBracket)?;
        let (lower, upper) = if self.eat(Tok::Colon) {
            (0, Some(self.integer()?))
        } else {
            let lower = self.integer()?;
            if self.eat(Tok::Colon) {
                if self.peek() == Some(Tok::RBracket) {
                    (lower, None)
                } else {
                    (lower, Some(self.integer()?))
                }
            } else {
                (lower, Some(lower))
            }
        };
        self.expect(Tok::RBracket)?;
        let r = self.right();
        Ok(self.b.multiplicity(lower, upper, l, r))
    }

    fn integer(&mut self) -> Parsed<i64> {
        match self.next()? {
            (l, Tok::Int(text), r) => Ok(self.b.integer(text, l, r)),
            _ => Err(GiveUp),
        }
    }

    fn typedef(&mut self) -> Parsed<Typedef> {
        let l = self.left();
        self.expect(Tok::Typedef)?;
        // `typedef Name as Entity(...)` is an error production.
        let name = self.name()?;
        self.expect(Tok::As)?;
        let base = self.path()?;
        let constraint = match self.next()? {
            (_, Tok::Matching, _) => self.expr()?,
            (el, Tok::Regex(text), er) => self.b.regex(text, el, er),
            _ => return Err(GiveUp),
        };
        let r = self.right();
        Ok(self.b.typedef(name, base, constraint, l, r))
    }

    fn index(&mut self) -> Parsed<Index> {
        let l = self.left();
        self.expect(Tok::Index)?;
        let entity = self.class_ref()?;
        self.expect(Tok::CallParen)?;
        let attributes = self.comma1(Self::name)?;
        self.expect(Tok::RParen)?;
        let r = self.right();
        Ok(Index {
            entity,
            attributes,
            span: self.b.span(l, r),
        })
    }

    // ------------------------------------------------------------------------------------------
    // Statements

    /// `Stmt*`, up to a token that ends a block.
    fn block(&mut self) -> Parsed<Vec<Stmt>> {
        let mut body = Vec::new();
        while !matches!(self.peek(), Some(Tok::End | Tok::Else | Tok::Elif) | None) {
            body.push(self.statement()?);
        }
        Ok(body)
    }

    fn statement(&mut self) -> Parsed<Stmt> {
        let l = self.left();
        match self.peek() {
            Some(Tok::For) => {
                self.pos += 1;
                let variable = self.name()?;
                self.expect(Tok::In)?;
                let iterable = Box::new(self.expr()?);
                self.expect(Tok::Colon)?;
                let body = self.block()?;
                self.expect(Tok::End)?;
                let kind = StmtKind::For {
                    variable,
                    iterable,
                    body,
                };
                Ok(Stmt {
                    kind,
                    span: self.b.span(l, self.right()),
                })
            }
            Some(Tok::If) => {
                self.pos += 1;
                let mut branches = Vec::new();
                let otherwise = loop {
                    let condition = self.expr()?;
                    self.expect(Tok::Colon)?;
                    branches.push((condition, self.block()?));
                    if self.eat(Tok::Elif) {
                        continue;
                    }
                    if self.eat(Tok::Else) {
                        self.expect(Tok::Colon)?;
                        break Some(self.block()?);
                    }
                    break None;
                };
                self.expect(Tok::End)?;
                Ok(Stmt {
                    kind: StmtKind::If {
                        branches,
                        otherwise,
                    },
                    span: self.b.span(l, self.right()),
                })
            }
            Some(Tok::Id(_)) => {
                let reference = self.reference()?;
                let target = match reference {
                    Reference::Path(expr, _) | Reference::Attribute(expr)
                        if matches!(self.peek(), Some(Tok::Assign | Tok::PlusAssign)) =>
                    {
                        expr
                    }
                    _ => {
                        let expr = self.expr_after(l, reference)?;
                        return Ok(self.expression_statement(expr, l));
                    }
                };
                let (ol, op, or) = self.next()?;
                let value = self.expr()?;
                let r = self.right();
                Ok(if op == Tok::Assign {
                    self.b.assign(target, value, l, r)
                } else {
                    self.b.extend(target, value, ol, or, l, r)
                })
            }
            _ => {
                let expr = self.expr()?;
                Ok(self.expression_statement(expr, l))
            }
        }
    }

    fn expression_statement(&self, expr: Expr, l: usize) -> Stmt {
        Stmt {
            kind: StmtKind::Expr {
                expr: Box::new(expr),
            },
            span: self.b.span(l, self.right()),
        }
    }

    // ------------------------------------------------------------------------------------------
    // Expressions, lowest precedence first, as the grammar's levels

    fn expr(&mut self) -> Parsed<Expr> {
        let l = self.left();
        let first = self.membership_operand()?;
        self.expr_after_atom(l, first)
    }

    /// The rest of an expression whose first reference (`l` on) is already read.
    fn expr_after(&mut self, l: usize, reference: Reference) -> Parsed<Expr> {
        let atom = self.reference_atom(l, reference)?;
        let operand = self.membership(l, atom)?;
        self.expr_after_atom(l, operand)
    }

    /// The rest of an expression whose first atom (or leading negation) is already read.
    fn expr_after_atom(&mut self, l: usize, first: Expr) -> Parsed<Expr> {
        let condition = self.binary(l, first, Precedence::Or)?;
        if !self.eat(Tok::Question) {
            return Ok(condition);
        }
        let then = self.expr()?;
        self.expect(Tok::Colon)?;
        let otherwise = self.expr()?;
        let r = self.right();
        Ok(self.b.conditional(condition, then, otherwise, l, r))
    }

    /// The grammar's binary levels (`Or` to `Power`, all left associative) by precedence
    /// climbing: the operators of precedence `lowest` and above that follow `first` (whose first
    /// token is at `l`). An operand ends at an operator that binds no tighter than its own.
    fn binary(&mut self, l: usize, first: Expr, lowest: Precedence) -> Parsed<Expr> {
        let mut left = first;
        while let Some((op, precedence)) = self.operator().filter(|(_, p)| *p >= lowest) {
            let (ol, _, or) = self.next()?;
            let rl = self.left();
            let mut right = self.membership_operand()?;
            while let Some((_, tighter)) = self.operator().filter(|(_, p)| *p > precedence) {
                right = self.binary(rl, right, tighter)?;
            }
            let r = self.right();
            left = self.b.binary(op, left, right, ol, or, l, r);
        }
        Ok(left)
    }

    /// The binary operator that comes next, if one does, with its precedence.
    #[inline]
    fn operator(&self) -> Option<(BinaryOp, Precedence)> {
        Some(match self.peek()? {
            Tok::Or => (BinaryOp::Or, Precedence::Or),
            Tok::And => (BinaryOp::And, Precedence::And),
            Tok::CmpOp(op) => (BinaryOp::from_comparison(op), Precedence::Comparison),
            Tok::Plus => (BinaryOp::Add, Precedence::Sum),
            Tok::Minus => (BinaryOp::Sub, Precedence::Sum),
            Tok::Star => (BinaryOp::Mul, Precedence::Product),
            Tok::Slash => (BinaryOp::Div, Precedence::Product),
            Tok::Percent => (BinaryOp::Mod, Precedence::Product),
            Tok::DoubleStar => (BinaryOp::Pow, Precedence::Power),
            _ => return None,
        })
    }

    /// `Negation`: `not` binds looser than `in` and tighter than `**`.
    fn membership_operand(&mut self) -> Parsed<Expr> {
        let l = self.left();
        if self.eat(Tok::Not) {
            let operand = self.membership_operand()?;
            let r = self.right();
            return Ok(Expr::new(
                ExprKind::Not {
                    operand: Box::new(operand),
                },
                self.b.span(l, r),
            ));
        }
        let atom = self.atom()?;
        self.membership(l, atom)
    }

    /// `Membership`: `a in b`, `a not in b`, whose right operands are atoms.
    fn membership(&mut self, l: usize, first: Expr) -> Parsed<Expr> {
        let mut left = first;
        loop {
            let negated = match self.peek() {
                Some(Tok::In) => false,
                Some(Tok::NotIn) => true,
                _ => return Ok(left),
            };
            let (ol, _, or) = self.next()?;
            let right = self.atom()?;
            let r = self.right();
            left = self.b.binary(BinaryOp::In, left, right, ol, or, l, r);
            if negated {
                left = Expr::new(
                    ExprKind::Not {
                        operand: Box::new(left),
                    },
                    self.b.span(l, r),
                );
            }
        }
    }

    fn atom(&mut self) -> Parsed<Expr> {
        let l = self.left();
        match self.peek().ok_or(GiveUp)? {
            Tok::Id(_) => {
                let reference = self.reference()?;
                self.reference_atom(l, reference)
            }
            Tok::Cid(_) => {
                let class = self.class_ref()?;
                self.class_atom(l, class)
            }
            Tok::ListBracket => self.list(),
            Tok::LBrace => self.map_def(),
            Tok::LParen => {
                self.pos += 1;
                let inner = self.expr()?;
                self.expect(Tok::RParen)?;
                Ok(inner)
            }
            _ => self.constant(),
        }
    }

    /// An atom that starts with names; `l` is where they start. When the atom ends at the
    /// reference itself, it may still be followed by the operators of the levels above.
    fn reference_atom(&mut self, l: usize, reference: Reference) -> Parsed<Expr> {
        let atom = match reference {
            Reference::Class(class) => self.class_atom(l, class)?,
            Reference::Path(var, single) => match self.peek() {
                Some(Tok::CallParen) => {
                    self.pos += 1;
                    let arguments = self.comma(Tok::RParen, Self::call_argument)?;
                    let r = self.right();
                    let ExprKind::Var { path } = var.kind else {
                        unreachable!("a path reference is a variable")
                    };
                    self.b.call(path, arguments, l, r)
                }
                Some(Tok::IndexBracket) => self.map_lookups(l, var)?,
                Some(Tok::Is) if single => {
                    self.expect_is_defined()?;
                    let r = self.right();
                    let span = self.b.span(l, r);
                    Expr::new(
                        ExprKind::IsDefined {
                            target: Box::new(Expr::new(var.kind, span)),
                        },
                        span,
                    )
                }
                _ => var,
            },
            Reference::Attribute(reference) => match self.peek() {
                // `a.b.f()` is an error production.
                Some(Tok::CallParen) => return Err(GiveUp),
                Some(Tok::IndexBracket) => {
                    let keyword = match self.peek_at(1) {
                        Some(Tok::RBracket | Tok::DoubleStar) => true,
                        Some(Tok::Id(_)) => self.peek_at(2) == Some(Tok::Assign),
                        _ => false,
                    };
                    if keyword {
                        self.pos += 1;
                        let arguments = self.comma(Tok::RBracket, Self::keyword_argument)?;
                        let r = self.right();
                        self.b.short_index_lookup(reference, arguments, l, r)
                    } else {
                        self.map_lookups(l, reference)?
                    }
                }
                Some(Tok::Is) => {
                    self.expect_is_defined()?;
                    let r = self.right();
                    Expr::new(
                        ExprKind::IsDefined {
                            target: Box::new(reference),
                        },
                        self.b.span(l, r),
                    )
                }
                _ => reference,
            },
        };
        Ok(atom)
    }

    fn expect_is_defined(&mut self) -> Parsed<()> {
        self.expect(Tok::Is)?;
        self.expect(Tok::Defined)
    }

    /// `m[k]`, `m[k][j]`, and `m[k] is defined`.
    fn map_lookups(&mut self, l: usize, map: Expr) -> Parsed<Expr> {
        let mut map = map;
        while self.eat(Tok::IndexBracket) {
            let key = self.expr()?;
            self.expect(Tok::RBracket)?;
            let r = self.right();
            map = self.b.map_lookup(map, key, l, r);
        }
        if self.peek() == Some(Tok::Is) {
            self.expect_is_defined()?;
            let r = self.right();
            return Ok(Expr::new(
                ExprKind::IsDefined {
                    target: Box::new(map),
                },
                self.b.span(l, r),
            ));
        }
        Ok(map)
    }

    /// `A(...)` and `A[...]`: a class reference is an atom only with one of those.
    fn class_atom(&mut self, l: usize, class: ClassRef) -> Parsed<Expr> {
        let close = match self.peek() {
            Some(Tok::CallParen) => Tok::RParen,
            Some(Tok::IndexBracket) => Tok::RBracket,
            _ => return Err(GiveUp),
        };
        self.pos += 1;
        let arguments = self.comma(close, Self::keyword_argument)?;
        let r = self.right();
        let class = Box::new(class);
        let kind = if close == Tok::RParen {
            ExprKind::Construct { class, arguments }
        } else {
            ExprKind::IndexLookup { class, arguments }
        };
        Ok(Expr::new(kind, self.b.span(l, r)))
    }

    fn call_argument(&mut self) -> Parsed<Argument> {
        let keyword = self.peek() == Some(Tok::DoubleStar)
            || (matches!(self.peek(), Some(Tok::Id(_))) && self.peek_at(1) == Some(Tok::Assign));
        if keyword {
            return self.keyword_argument();
        }
        Ok(Argument::Positional {
            value: self.expr()?,
        })
    }

    fn keyword_argument(&mut self) -> Parsed<Argument> {
        if self.eat(Tok::DoubleStar) {
            return Ok(Argument::Kwargs {
                value: self.expr()?,
            });
        }
        let name = self.name()?;
        self.expect(Tok::Assign)?;
        Ok(Argument::Keyword {
            name,
            value: self.expr()?,
        })
    }

    /// `Comma<T>` and its closing token: items separated by commas, a trailing comma allowed.
    fn comma<T>(
        &mut self,
        close: Tok<'_>,
        mut item: impl FnMut(&mut Self) -> Parsed<T>,
    ) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        while self.peek() != Some(close) {
            items.push(item(self)?);
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Ok(items)
    }

    /// `Comma1<T>`: one or more items separated by commas, without a trailing comma.
    fn comma1<T>(&mut self, mut item: impl FnMut(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = vec![item(self)?];
        while self.eat(Tok::Comma) {
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// `[a, b]` and `[v for x in xs if c]`.
    fn list(&mut self) -> Parsed<Expr> {
        let l = self.left();
        self.expect(Tok::ListBracket)?;
        if self.eat(Tok::RBracket) {
            return Ok(Expr::new(
                ExprKind::List { items: Vec::new() },
                self.b.span(l, self.right()),
            ));
        }
        let first = self.expr()?;
        if self.peek() != Some(Tok::For) {
            let mut items = vec![first];
            while self.eat(Tok::Comma) {
                if self.peek() == Some(Tok::RBracket) {
                    break;
                }
                items.push(self.expr()?);
            }
            self.expect(Tok::RBracket)?;
            return Ok(Expr::new(
                ExprKind::List { items },
                self.b.span(l, self.right()),
            ));
        }
        let mut loops = Vec::new();
        while self.eat(Tok::For) {
            let variable = self.name()?;
            self.expect(Tok::In)?;
            loops.push((variable, self.expr()?));
        }
        let mut guards = Vec::new();
        while self.eat(Tok::If) {
            guards.push(self.expr()?);
        }
        self.expect(Tok::RBracket)?;
        Ok(Expr::new(
            ExprKind::Comprehension {
                value: Box::new(first),
                loops,
                guards,
            },
            self.b.span(l, self.right()),
        ))
    }

    /// `{"key": value, ...}`
    fn map_def(&mut self) -> Parsed<Expr> {
        let l = self.left();
        self.expect(Tok::LBrace)?;
        let entries = self.comma(Tok::RBrace, |p| {
            let key = match p.next()? {
                (kl, Tok::Str(text), kr) => p.b.dict_key(text, false, kl, kr),
                (kl, Tok::RStr(text), kr) => p.b.dict_key(text, true, kl, kr),
                _ => return Err(GiveUp),
            };
            p.expect(Tok::Colon)?;
            Ok((key, p.expr()?))
        })?;
        let r = self.right();
        Ok(self.b.dict(entries, l, r))
    }

    /// `Constant`: a literal.
    fn constant(&mut self) -> Parsed<Expr> {
        let (l, token, r) = self.next()?;
        let span = self.b.span(l, r);
        Ok(match token {
            Tok::Int(text) => Expr::new(
                ExprKind::Int {
                    value: self.b.integer(text, l, r),
                },
                span,
            ),
            Tok::Float(text) => self.b.float(text, l, r),
            Tok::Null => Expr::new(ExprKind::Null, span),
            Tok::True => Expr::new(ExprKind::Bool { value: true }, span),
            Tok::False => Expr::new(ExprKind::Bool { value: false }, span),
            Tok::Regex(text) => self.b.regex(text, l, r),
            Tok::Str(text) => self.b.string(text, l, r),
            Tok::Mls(text) => self.b.multiline_string(text, l, r),
            Tok::RStr(text) => self.b.raw_string(text, l, r),
            Tok::FStr(text) => self.b.format_string(text, l, r),
            _ => return Err(GiveUp),
        })
    }
}

/// The grammar's binary levels, lowest first; `Negation` and `Membership` come above `Power`
/// and are read with the operands.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Comparison,
    Sum,
    Product,
    Power,
}
