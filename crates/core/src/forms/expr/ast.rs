//! `Expr`: a parsed expression, and what it names (references, choice columns, functions).

/// A parsed expression. Operators of one precedence level are one `Binary` node applied left
/// to right (`${a} + ${b} + ...` stays one level deep however long the sum).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Str(String),
    /// `${name}`
    Ref(String),
    /// `.`: the question being evaluated (in a choice filter: the choice's name).
    Current,
    /// `..`: only meaningful as `position(..)`; elsewhere an empty node-set.
    Parent,
    /// A bare name: a column of the choices sheet, read in a choice filter
    /// (`region = ${region}`).
    Column(String),
    /// Unary minus.
    Neg(Box<Expr>),
    Binary {
        first: Box<Expr>,
        rest: Vec<(BinOp, Expr)>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Expr {
    /// The names referenced by `${name}`, in order of first appearance.
    pub fn references(&self) -> Vec<String> {
        self.names(&|e| match e {
            Expr::Ref(name) => Some(name),
            _ => None,
        })
    }

    /// The bare names (choice columns), in order of first appearance.
    pub fn columns(&self) -> Vec<String> {
        self.names(&|e| match e {
            Expr::Column(name) => Some(name),
            _ => None,
        })
    }

    /// The functions called, in order of first appearance.
    pub fn functions(&self) -> Vec<String> {
        self.names(&|e| match e {
            Expr::Call { name, .. } => Some(name),
            _ => None,
        })
    }

    fn names(&self, pick: &dyn Fn(&Expr) -> Option<&String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.visit(&mut |e| {
            if let Some(name) = pick(e) {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        });
        out
    }

    /// Calls `f` on this node then on each node below it, in source order.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Neg(inner) => inner.visit(f),
            Expr::Binary { first, rest } => {
                first.visit(f);
                for (_, e) in rest {
                    e.visit(f);
                }
            }
            Expr::Call { args, .. } => {
                for a in args {
                    a.visit(f);
                }
            }
            Expr::Num(_)
            | Expr::Str(_)
            | Expr::Ref(_)
            | Expr::Current
            | Expr::Parent
            | Expr::Column(_) => {}
        }
    }
}
