//! Go `text/template` as Helm runs it: a lexer ([`lex`]), a parser ([`parse`]) and the syntax
//! tree, with the line and column of every node so that the converter can name where a
//! construct it cannot translate stands.

pub mod lex;
pub mod parse;

pub use parse::parse;

/// A 1-based line and column in a template's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// A template that does not parse: where, and why (Go's wording where it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Whether the delimiters of an action were written `{{-` and `-}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trim {
    pub left: bool,
    pub right: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Comment {
        text: String,
        trim: Trim,
    },
    /// `{{ pipeline }}`: prints its value, or declares/assigns variables (prints nothing).
    Action {
        pipe: Pipeline,
        trim: Trim,
        pos: Pos,
    },
    If(Branch),
    With(Branch),
    Range(Branch),
    Break {
        trim: Trim,
        pos: Pos,
    },
    Continue {
        trim: Trim,
        pos: Pos,
    },
    Template {
        name: String,
        arg: Option<Pipeline>,
        trim: Trim,
        pos: Pos,
    },
    Define {
        name: String,
        body: Vec<Node>,
        /// Trim of the `{{ define }}` and of its `{{ end }}`.
        trim: Trim,
        end_trim: Trim,
        pos: Pos,
    },
}

/// `if`, `with` or `range`: `{{ kw pipe }} body {{ else }} else_body {{ end }}`. An `else if`
/// (`else with`) chain is a single nested node in `else_body` with `chained` set.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub pipe: Pipeline,
    pub body: Vec<Node>,
    pub else_body: Option<Vec<Node>>,
    /// Trim of the opening action, of the `{{ else }}` (if any) and of the `{{ end }}`.
    pub trim: Trim,
    pub else_trim: Trim,
    pub end_trim: Trim,
    /// This node is the `if` of an `{{ else if }}`: it shares the outer node's `end`.
    pub chained: bool,
    pub pos: Pos,
}

/// `$a := ...`, `$a, $b := ...` (range) or `$a = ...`, then commands joined by `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub decl: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Command>,
    pub pos: Pos,
}

/// One command of a pipeline: `fn arg...` or a single operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub args: Vec<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A function name (identifier); called with the command's other arguments.
    Ident(String, Pos),
    /// `.` (with no fields).
    Dot(Pos),
    /// `.a.b` on the dot.
    Field(Vec<String>, Pos),
    /// `$x.a.b` (`$` has an empty name).
    Variable(String, Vec<String>, Pos),
    /// `(pipeline).a.b`, or a parenthesised pipeline with no fields.
    Chain(Box<Pipeline>, Vec<String>, Pos),
    Str(String, Pos),
    Int(i64, Pos),
    Float(f64, Pos),
    Bool(bool, Pos),
    Nil(Pos),
}

impl Expr {
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Ident(_, p)
            | Expr::Dot(p)
            | Expr::Field(_, p)
            | Expr::Variable(_, _, p)
            | Expr::Chain(_, _, p)
            | Expr::Str(_, p)
            | Expr::Int(_, p)
            | Expr::Float(_, p)
            | Expr::Bool(_, p)
            | Expr::Nil(p) => *p,
        }
    }
}
