//! The parser: tokens to [`Node`]s, with Go's rules (`define` only at the top level, `else if`
//! chains, `range $i, $v :=`, fields after a parenthesised pipeline).

use super::lex::{Tok, Token, lex};
use super::{Branch, Command, Expr, Node, Pipeline, Pos, SyntaxError, Trim};

/// Parses a whole template file.
pub fn parse(src: &str) -> Result<Vec<Node>, SyntaxError> {
    let tokens = lex(src)?;
    let mut parser = Parser {
        toks: tokens,
        at: 0,
    };
    let (nodes, end) = parser.list(true)?;
    match end {
        Terminator::Eof => Ok(nodes),
        Terminator::End(_, pos) => Err(SyntaxError {
            pos,
            message: "unexpected {{end}}".into(),
        }),
        Terminator::Else(_, pos) => Err(SyntaxError {
            pos,
            message: "unexpected {{else}}".into(),
        }),
    }
}

enum Terminator {
    Eof,
    /// `{{ end }}` with its trim.
    End(Trim, Pos),
    /// `{{ else }}`; the parser stands after `else` (an `if`/`with` may follow in the action).
    Else(bool, Pos),
}

struct Parser {
    toks: Vec<Token>,
    at: usize,
}

fn err<T>(pos: Pos, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        pos,
        message: message.into(),
    })
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.at)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn last_pos(&self) -> Pos {
        self.toks
            .get(self.at.saturating_sub(1))
            .map(|t| t.pos)
            .unwrap_or_default()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek_tok(), Some(Tok::Space)) {
            self.at += 1;
        }
    }

    /// Expects `}}` (after optional space) and returns its trim.
    fn close(&mut self, what: &str) -> Result<bool, SyntaxError> {
        self.skip_space();
        match self.next() {
            Some(Token {
                tok: Tok::Close { trim },
                ..
            }) => Ok(trim),
            Some(t) => err(t.pos, format!("unexpected {} in {what}", describe(&t.tok))),
            None => err(self.last_pos(), format!("unclosed {what}")),
        }
    }

    /// Nodes up to `{{ end }}`, `{{ else }}` or the end of the file.
    fn list(&mut self, top: bool) -> Result<(Vec<Node>, Terminator), SyntaxError> {
        let mut nodes = Vec::new();
        loop {
            let Some(token) = self.next() else {
                return Ok((nodes, Terminator::Eof));
            };
            match token.tok {
                Tok::Text(text) => nodes.push(Node::Text(text)),
                Tok::Comment {
                    text,
                    trim_left,
                    trim_right,
                } => nodes.push(Node::Comment {
                    text,
                    trim: Trim {
                        left: trim_left,
                        right: trim_right,
                    },
                }),
                Tok::Open { trim: left } => {
                    let pos = token.pos;
                    self.skip_space();
                    let keyword = match self.peek_tok() {
                        Some(Tok::Ident(name)) => name.clone(),
                        _ => String::new(),
                    };
                    match keyword.as_str() {
                        "end" => {
                            self.at += 1;
                            let right = self.close("end")?;
                            return Ok((nodes, Terminator::End(Trim { left, right }, pos)));
                        }
                        "else" => {
                            self.at += 1;
                            return Ok((nodes, Terminator::Else(left, pos)));
                        }
                        "if" | "with" | "range" => {
                            self.at += 1;
                            let node = self.branch(&keyword, left, pos, false)?;
                            nodes.push(node);
                        }
                        "define" | "block" => {
                            if keyword == "define" && !top {
                                return err(
                                    pos,
                                    "unexpected define: defines are only allowed at the top level",
                                );
                            }
                            self.at += 1;
                            self.skip_space();
                            let name = self.template_name()?;
                            let arg = if keyword == "block" {
                                self.skip_space();
                                Some(self.pipeline(false, "block")?)
                            } else {
                                None
                            };
                            let right = self.close(&keyword)?;
                            let (body, end) = self.list(false)?;
                            let Terminator::End(end_trim, _) = end else {
                                return err(
                                    pos,
                                    format!("unexpected EOF or else in {keyword} \"{name}\""),
                                );
                            };
                            let define = Node::Define {
                                name: name.clone(),
                                body,
                                trim: Trim { left, right },
                                end_trim,
                                pos,
                            };
                            if keyword == "block" {
                                nodes.push(Node::Template {
                                    name,
                                    arg,
                                    trim: Trim {
                                        left,
                                        right: end_trim.right,
                                    },
                                    pos,
                                });
                                nodes.push(define);
                            } else {
                                nodes.push(define);
                            }
                        }
                        "template" => {
                            self.at += 1;
                            self.skip_space();
                            let name = self.template_name()?;
                            self.skip_space();
                            let arg = match self.peek_tok() {
                                Some(Tok::Close { .. }) => None,
                                _ => Some(self.pipeline(false, "template")?),
                            };
                            let right = self.close("template")?;
                            nodes.push(Node::Template {
                                name,
                                arg,
                                trim: Trim { left, right },
                                pos,
                            });
                        }
                        "break" | "continue" => {
                            self.at += 1;
                            let right = self.close(&keyword)?;
                            let trim = Trim { left, right };
                            nodes.push(if keyword == "break" {
                                Node::Break { trim, pos }
                            } else {
                                Node::Continue { trim, pos }
                            });
                        }
                        _ => {
                            let pipe = self.pipeline(false, "command")?;
                            let right = self.close("command")?;
                            nodes.push(Node::Action {
                                pipe,
                                trim: Trim { left, right },
                                pos,
                            });
                        }
                    }
                }
                other => return err(token.pos, format!("unexpected {}", describe(&other))),
            }
        }
    }

    fn template_name(&mut self) -> Result<String, SyntaxError> {
        match self.next() {
            Some(Token {
                tok: Tok::Str(name),
                ..
            }) => Ok(name),
            Some(t) => err(
                t.pos,
                format!(
                    "unexpected {} in template clause: the name must be a string constant",
                    describe(&t.tok)
                ),
            ),
            None => err(self.last_pos(), "unexpected EOF in template clause"),
        }
    }

    /// After `{{ if` (or `with`/`range`): the pipeline, the body and the else/end.
    fn branch(
        &mut self,
        keyword: &str,
        left: bool,
        pos: Pos,
        chained: bool,
    ) -> Result<Node, SyntaxError> {
        self.skip_space();
        let pipe = self.pipeline(keyword == "range", keyword)?;
        let right = self.close(keyword)?;
        let (body, end) = self.list(false)?;
        let mut else_body = None;
        let mut else_trim = Trim::default();
        let end_trim = match end {
            Terminator::Eof => {
                return err(
                    pos,
                    format!("unexpected EOF: {{{{{keyword}}}}} without {{{{end}}}}"),
                );
            }
            Terminator::End(trim, _) => trim,
            Terminator::Else(else_left, else_pos) => {
                self.skip_space();
                let chain = match self.peek_tok() {
                    Some(Tok::Ident(k)) if (k == "if" || k == "with") && keyword != "range" => {
                        Some(k.clone())
                    }
                    _ => None,
                };
                if let Some(inner_kw) = chain {
                    self.at += 1;
                    let inner = self.branch(&inner_kw, else_left, else_pos, true)?;
                    let end_trim = match &inner {
                        Node::If(b) | Node::With(b) => b.end_trim,
                        _ => Trim::default(),
                    };
                    else_trim = Trim {
                        left: else_left,
                        right: false,
                    };
                    else_body = Some(vec![inner]);
                    end_trim
                } else {
                    let else_right = self.close("else")?;
                    else_trim = Trim {
                        left: else_left,
                        right: else_right,
                    };
                    let (nodes, end) = self.list(false)?;
                    let Terminator::End(trim, _) = end else {
                        return err(
                            else_pos,
                            format!(
                                "expected end; found {}",
                                match end {
                                    Terminator::Eof => "EOF",
                                    _ => "else",
                                }
                            ),
                        );
                    };
                    else_body = Some(nodes);
                    trim
                }
            }
        };
        let branch = Branch {
            pipe,
            body,
            else_body,
            trim: Trim { left, right },
            else_trim,
            end_trim,
            chained,
            pos,
        };
        Ok(match keyword {
            "if" => Node::If(branch),
            "with" => Node::With(branch),
            _ => Node::Range(branch),
        })
    }

    /// A pipeline up to `}}` or `)` (not consumed): declarations, then commands.
    fn pipeline(&mut self, range: bool, context: &str) -> Result<Pipeline, SyntaxError> {
        self.skip_space();
        let pos = self.peek().map(|t| t.pos).unwrap_or_default();
        let mut decl = Vec::new();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
        let save = self.at;
        if let Some(Tok::Variable(first)) = self.peek_tok().cloned() {
            self.at += 1;
            self.skip_space();
            match self.peek_tok() {
                Some(Tok::Declare) | Some(Tok::Assign) => {
                    is_assign = matches!(self.peek_tok(), Some(Tok::Assign));
                    self.at += 1;
                    decl.push(first);
                }
                Some(Tok::Comma) if range => {
                    self.at += 1;
                    self.skip_space();
                    match (self.next().map(|t| t.tok), {
                        self.skip_space();
                        self.next().map(|t| t.tok)
                    }) {
                        (Some(Tok::Variable(second)), Some(Tok::Declare | Tok::Assign)) => {
                            decl.push(first);
                            decl.push(second);
                        }
                        _ => return err(pos, "range can only initialize variables as $i, $v :="),
                    }
                }
                _ => self.at = save,
            }
        }
        let mut cmds = Vec::new();
        loop {
            self.skip_space();
            let cmd = self.command(context)?;
            cmds.push(cmd);
            self.skip_space();
            match self.peek_tok() {
                Some(Tok::Pipe) => {
                    self.at += 1;
                }
                _ => break,
            }
        }
        if cmds.iter().any(|c| c.args.is_empty()) {
            return err(pos, format!("missing value for {context}"));
        }
        Ok(Pipeline {
            decl,
            is_assign,
            cmds,
            pos,
        })
    }

    fn command(&mut self, context: &str) -> Result<Command, SyntaxError> {
        let pos = self.peek().map(|t| t.pos).unwrap_or_default();
        let mut args = Vec::new();
        loop {
            self.skip_space();
            match self.peek_tok() {
                None => return err(pos, format!("unclosed action in {context}")),
                Some(Tok::Close { .. } | Tok::RParen | Tok::Pipe) => break,
                _ => {}
            }
            args.push(self.operand()?);
        }
        Ok(Command { args, pos })
    }

    /// A term and the fields written right after it.
    fn operand(&mut self) -> Result<Expr, SyntaxError> {
        let token = self.next().expect("checked by the caller");
        let pos = token.pos;
        let term = match token.tok {
            Tok::Ident(name) => match name.as_str() {
                "true" => Expr::Bool(true, pos),
                "false" => Expr::Bool(false, pos),
                "nil" => Expr::Nil(pos),
                "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                | "break" | "continue" => {
                    return err(pos, format!("unexpected keyword {name:?} in operand"));
                }
                _ => Expr::Ident(name, pos),
            },
            Tok::Dot => Expr::Dot(pos),
            Tok::Field(first) => {
                let mut fields = vec![first];
                fields.extend(self.fields());
                return Ok(Expr::Field(fields, pos));
            }
            Tok::Variable(name) => {
                let fields = self.fields();
                return Ok(Expr::Variable(name, fields, pos));
            }
            Tok::LParen => {
                let pipe = self.pipeline(false, "parenthesized pipeline")?;
                self.skip_space();
                match self.next() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => {}
                    _ => return err(pos, "unclosed left paren"),
                }
                let fields = self.fields();
                return Ok(Expr::Chain(Box::new(pipe), fields, pos));
            }
            Tok::Str(s) => Expr::Str(s, pos),
            Tok::Char(c) => Expr::Int(c, pos),
            Tok::Number(n) => number(&n, pos)?,
            other => return err(pos, format!("unexpected {} in operand", describe(&other))),
        };
        if matches!(self.peek_tok(), Some(Tok::Field(_))) {
            return err(
                self.peek().map(|t| t.pos).unwrap_or(pos),
                "unexpected field access on a constant or function",
            );
        }
        Ok(term)
    }

    fn fields(&mut self) -> Vec<String> {
        let mut fields = Vec::new();
        while let Some(Tok::Field(f)) = self.peek_tok() {
            fields.push(f.clone());
            self.at += 1;
        }
        fields
    }
}

/// A Go number literal: int (decimal, `0x`, `0o`/leading `0`, `0b`, `_`) or float.
fn number(text: &str, pos: Pos) -> Result<Expr, SyntaxError> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let lower = digits.to_ascii_lowercase();
    let int = if let Some(hex) = lower.strip_prefix("0x") {
        if hex.contains('p') || hex.contains('.') {
            None
        } else {
            i64::from_str_radix(hex, 16).ok()
        }
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else if lower.bytes().all(|b| b.is_ascii_digit()) {
        lower.parse().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Ok(Expr::Int(if negative { -i } else { i }, pos));
    }
    let float = if let Some(hex) = lower.strip_prefix("0x") {
        hex_float(hex)
    } else {
        lower.parse::<f64>().ok()
    };
    match float {
        Some(f) => Ok(Expr::Float(if negative { -f } else { f }, pos)),
        None => err(pos, format!("bad number syntax: {text:?}")),
    }
}

fn hex_float(hex: &str) -> Option<f64> {
    let (mantissa, exp) = hex.split_once('p')?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = 0f64;
    for c in int.chars() {
        value = value * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        value += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(value * 2f64.powi(exp.parse().ok()?))
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Text(_) => "text".into(),
        Tok::Open { .. } => "{{".into(),
        Tok::Close { .. } => "}}".into(),
        Tok::Comment { .. } => "comment".into(),
        Tok::Ident(i) => format!("<{i}>"),
        Tok::Field(f) => format!("<.{f}>"),
        Tok::Dot => "<.>".into(),
        Tok::Variable(v) => format!("<${v}>"),
        Tok::Str(s) => format!("{s:?}"),
        Tok::Char(c) => format!("char {c}"),
        Tok::Number(n) => format!("<{n}>"),
        Tok::Pipe => "<|>".into(),
        Tok::LParen => "<(>".into(),
        Tok::RParen => "<)>".into(),
        Tok::Declare => "<:=>".into(),
        Tok::Assign => "<=>".into(),
        Tok::Comma => "<,>".into(),
        Tok::Space => "space".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Node {
        let mut nodes = parse(src).unwrap();
        assert_eq!(nodes.len(), 1, "{nodes:?}");
        nodes.remove(0)
    }

    #[test]
    fn pipelines_with_parens_and_fields() {
        let Node::Action { pipe, .. } = one("{{ (index .x 0).y | quote }}") else {
            panic!()
        };
        assert_eq!(pipe.cmds.len(), 2);
        let Expr::Chain(inner, fields, _) = &pipe.cmds[0].args[0] else {
            panic!()
        };
        assert_eq!(fields, &vec!["y".to_string()]);
        assert_eq!(inner.cmds[0].args.len(), 3);
    }

    #[test]
    fn declarations_and_assignments() {
        let Node::Action { pipe, .. } = one("{{ $x := .Values.a }}") else {
            panic!()
        };
        assert_eq!(
            (pipe.decl.clone(), pipe.is_assign),
            (vec!["x".to_string()], false)
        );
        let Node::Action { pipe, .. } = one("{{- $x = 2 -}}") else {
            panic!()
        };
        assert!(pipe.is_assign);
        let Node::Range(b) = one("{{ range $i, $v := .l }}{{ $v }}{{ end }}") else {
            panic!()
        };
        assert_eq!(b.pipe.decl, vec!["i".to_string(), "v".to_string()]);
    }

    #[test]
    fn else_if_chains_share_one_end() {
        let Node::If(b) = one("{{ if .a }}A{{ else if .b }}B{{ else }}C{{- end }}") else {
            panic!()
        };
        let else_body = b.else_body.unwrap();
        let Node::If(inner) = &else_body[0] else {
            panic!()
        };
        assert!(inner.chained);
        assert!(b.end_trim.left);
        assert_eq!(
            inner.else_body.as_ref().unwrap(),
            &vec![Node::Text("C".into())]
        );
    }

    #[test]
    fn defines_templates_blocks_and_loops_control() {
        let nodes = parse("{{- define \"x\" -}}a{{ end }}{{ template \"x\" . }}{{ range .l }}{{ break }}{{ continue }}{{ end }}").unwrap();
        assert!(matches!(&nodes[0], Node::Define { name, .. } if name == "x"));
        assert!(matches!(&nodes[1], Node::Template { arg: Some(_), .. }));
        let Node::Range(b) = &nodes[2] else { panic!() };
        assert!(matches!(b.body[0], Node::Break { .. }));
        let nodes = parse("{{ block \"b\" . }}default{{ end }}").unwrap();
        assert_eq!(nodes.len(), 2);
    }

    #[test]
    fn numbers_and_literals() {
        let Node::Action { pipe, .. } = one("{{ list 1 1.0 1e6 0x10 0x1p20 'a' nil true -3 }}")
        else {
            panic!()
        };
        let args = &pipe.cmds[0].args;
        assert!(matches!(args[1], Expr::Int(1, _)));
        assert!(matches!(args[2], Expr::Float(f, _) if f == 1.0));
        assert!(matches!(args[3], Expr::Float(f, _) if f == 1e6));
        assert!(matches!(args[4], Expr::Int(16, _)));
        assert!(matches!(args[5], Expr::Float(f, _) if f == 1048576.0));
        assert!(matches!(args[6], Expr::Int(97, _)));
        assert!(matches!(args[7], Expr::Nil(_)));
        assert!(matches!(args[9], Expr::Int(-3, _)));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("a\n{{ if .x }}\nb").unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("EOF"), "{}", e.message);
        let e = parse("{{ if .x }}{{ define \"a\" }}{{ end }}{{ end }}").unwrap_err();
        assert!(e.message.contains("define"));
        let e = parse("x {{ end }}").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 3));
        assert!(parse("{{ .a | }}").is_err());
        assert!(parse("{{ \"a\".b }}").is_err());
    }
}
