//! Source → `Expr`: XPath 1.0's grammar as XLSForm uses it, by recursive descent.
//!
//! Precedence, loosest first: `or`, `and`, `= !=`, `< <= > >=`, `+ -`, `* div mod`, unary
//! `-`. Node-set unions (`|`), paths (`/data/x`, `../x`), predicates and axes are refused
//! (Syntax). Hostile definitions from another laptop cannot exhaust the stack: an expression
//! longer than 10,000 characters or nested deeper than 64 levels (parentheses, function
//! arguments, unary minus) is refused.

use super::ast::{BinOp, Expr};
use super::catalog;
use super::error::{ExprError, ExprErrorKind};
use super::lexer::{lex, Tok};

const MAX_CHARS: usize = 10_000;
const MAX_DEPTH: usize = 64;

/// Parses one expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    if src.chars().nth(MAX_CHARS).is_some() {
        return Err(ExprError::syntax(
            MAX_CHARS,
            "expression too long (over 10000 characters)",
        ));
    }
    let toks = lex(src)?;
    let end = src.chars().count();
    if toks.is_empty() {
        return Err(ExprError::syntax(0, "an empty expression"));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        end,
    };
    let expr = p.or()?;
    if p.pos < p.toks.len() {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    Ok(expr)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    /// The source's length in characters: the offset of "the end".
    end: usize,
}

/// The operators of each binary level, loosest first.
fn level_op(level: usize, tok: &Tok) -> Option<BinOp> {
    match (level, tok) {
        (0, Tok::Name(n)) if n == "or" => Some(BinOp::Or),
        (1, Tok::Name(n)) if n == "and" => Some(BinOp::And),
        (2, Tok::Eq) => Some(BinOp::Eq),
        (2, Tok::Ne) => Some(BinOp::Ne),
        (3, Tok::Lt) => Some(BinOp::Lt),
        (3, Tok::Le) => Some(BinOp::Le),
        (3, Tok::Gt) => Some(BinOp::Gt),
        (3, Tok::Ge) => Some(BinOp::Ge),
        (4, Tok::Plus) => Some(BinOp::Add),
        (4, Tok::Minus) => Some(BinOp::Sub),
        (5, Tok::Star) => Some(BinOp::Mul),
        (5, Tok::Name(n)) if n == "div" => Some(BinOp::Div),
        (5, Tok::Name(n)) if n == "mod" => Some(BinOp::Mod),
        _ => None,
    }
}

const LEVELS: usize = 6;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, o)| *o)
    }

    fn unexpected(&self, what: &str) -> ExprError {
        let what = match self.peek() {
            Some(Tok::Pipe) => "'|' (node-set union) is not supported",
            Some(Tok::Slash) | Some(Tok::Other(_)) => "paths are not supported: write ${name}",
            _ => what,
        };
        ExprError::syntax(self.offset(), what)
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::syntax(
                self.offset(),
                "expression nested too deeply (over 64 levels)",
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.binary(0)
    }

    /// One precedence level: `operand (op operand)*`, kept flat.
    fn binary(&mut self, level: usize) -> Result<Expr, ExprError> {
        let first = self.operand(level)?;
        let mut rest = Vec::new();
        while let Some(op) = self.peek().and_then(|t| level_op(level, t)) {
            self.pos += 1;
            rest.push((op, self.operand(level)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        Ok(Expr::Binary {
            first: Box::new(first),
            rest,
        })
    }

    fn operand(&mut self, level: usize) -> Result<Expr, ExprError> {
        if level + 1 < LEVELS {
            self.binary(level + 1)
        } else {
            self.unary()
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let mut minuses = 0;
        let saved = self.depth;
        while self.peek() == Some(&Tok::Minus) {
            self.enter()?;
            self.pos += 1;
            minuses += 1;
        }
        let mut expr = self.primary()?;
        self.depth = saved;
        for _ in 0..minuses {
            expr = Expr::Neg(Box::new(expr));
        }
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some((tok, at)) = self.toks.get(self.pos).cloned() else {
            return Err(self.unexpected("a value, a ${name} or a function call"));
        };
        let expr = match tok {
            Tok::Num(n) => Expr::Num(n),
            Tok::Str(s) => Expr::Str(s),
            Tok::Ref(name) => Expr::Ref(name),
            Tok::Dot => Expr::Current,
            Tok::DotDot => Expr::Parent,
            Tok::LParen => {
                self.enter()?;
                self.pos += 1;
                let inner = self.or()?;
                self.depth -= 1;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(self.unexpected("a closing parenthesis"));
                }
                inner
            }
            Tok::Name(name) => {
                if self.toks.get(self.pos + 1).map(|(t, _)| t) == Some(&Tok::LParen) {
                    return self.call(name, at);
                }
                Expr::Column(name)
            }
            _ => return Err(self.unexpected("a value, a ${name} or a function call")),
        };
        self.pos += 1;
        Ok(expr)
    }

    /// `name(args)`, the parser at `name`.
    fn call(&mut self, name: String, at: usize) -> Result<Expr, ExprError> {
        let Some(arity) = catalog::arity(&name) else {
            let kind = if catalog::is_unsupported(&name) {
                ExprErrorKind::UnsupportedFunction(name)
            } else {
                ExprErrorKind::UnknownFunction(name)
            };
            return Err(ExprError { kind, offset: at });
        };
        self.enter()?;
        self.pos += 2;
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                args.push(self.or()?);
                match self.peek() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("a comma or a closing parenthesis")),
                }
            }
        }
        self.depth -= 1;
        if !arity.accepts(args.len()) {
            return Err(ExprError {
                kind: ExprErrorKind::WrongArity {
                    function: name,
                    expected: arity.expected(),
                    given: args.len(),
                },
                offset: at,
            });
        }
        if name == "indexed-repeat"
            && args
                .iter()
                .enumerate()
                .any(|(i, a)| (i == 0 || i % 2 == 1) && !matches!(a, Expr::Ref(_)))
        {
            return Err(ExprError::syntax(
                at,
                "indexed-repeat takes ${name} references",
            ));
        }
        Ok(Expr::Call { name, args })
    }
}
