//! The lexer of Go's `text/template`: text and actions, with `{{-`/`-}}` trim markers, comments,
//! and the tokens inside actions. Positions are 1-based lines and columns of the source.

use super::{Pos, SyntaxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Literal text between actions (untrimmed: trimming is recorded on the actions).
    Text(String),
    /// `{{` (with `trim` when written `{{- `).
    Open {
        trim: bool,
    },
    /// `}}` (with `trim` when written ` -}}`).
    Close {
        trim: bool,
    },
    /// A whole comment action `{{/* ... */}}` with its trim markers.
    Comment {
        text: String,
        trim_left: bool,
        trim_right: bool,
    },
    Ident(String),
    /// `.Name` (one field of a chain).
    Field(String),
    /// A lone `.`.
    Dot,
    /// `$` or `$name`.
    Variable(String),
    Str(String),
    Char(i64),
    Number(String),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    /// Whitespace inside an action (significant between a paren and a field: `(x) .y` vs `(x).y`).
    Space,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

struct Lexer<'a> {
    src: &'a str,
    at: usize,
    line: usize,
    col: usize,
    out: Vec<Token>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

pub fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer {
        src,
        at: 0,
        line: 1,
        col: 1,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

impl<'a> Lexer<'a> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn advance(&mut self, n: usize) {
        for c in self.src[self.at..self.at + n].chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.at += n;
    }

    fn rest(&self) -> &'a str {
        &self.src[self.at..]
    }

    fn err(&self, pos: Pos, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            pos,
            message: message.into(),
        }
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while self.at < self.src.len() {
            let pos = self.pos();
            match self.rest().find("{{") {
                Some(0) => self.action()?,
                Some(n) => {
                    let text = self.rest()[..n].to_string();
                    self.advance(n);
                    self.out.push(Token {
                        tok: Tok::Text(text),
                        pos,
                    });
                }
                None => {
                    let text = self.rest().to_string();
                    self.advance(text.len());
                    self.out.push(Token {
                        tok: Tok::Text(text),
                        pos,
                    });
                }
            }
        }
        Ok(())
    }

    /// At `{{`: a comment or an action up to its `}}`.
    fn action(&mut self) -> Result<(), SyntaxError> {
        let open_pos = self.pos();
        let bytes = self.rest().as_bytes();
        let trim_left = bytes.len() > 3 && bytes[2] == b'-' && is_space(bytes[3]);
        let skip = if trim_left { 4 } else { 2 };
        // A comment: `/*` right after the delimiter (and trim marker).
        let after = &self.rest()[skip..];
        let after_trimmed = if trim_left {
            after.trim_start_matches([' ', '\t', '\r', '\n'])
        } else {
            after
        };
        if after_trimmed.starts_with("/*") {
            let lead = skip + (after.len() - after_trimmed.len());
            let Some(end) = after_trimmed.find("*/") else {
                return Err(self.err(open_pos, "unclosed comment"));
            };
            let text = after_trimmed[2..end].to_string();
            let tail = &after_trimmed[end + 2..];
            let (trim_right, close_len) = if tail.starts_with("}}") {
                (false, 2)
            } else if let Some(t) = tail.strip_prefix([' ', '\t', '\r', '\n'])
                && t.starts_with("-}}")
            {
                (true, 4)
            } else {
                return Err(self.err(open_pos, "comment ends before closing delimiter"));
            };
            self.advance(lead + end + 2 + close_len);
            self.out.push(Token {
                tok: Tok::Comment {
                    text,
                    trim_left,
                    trim_right,
                },
                pos: open_pos,
            });
            return Ok(());
        }
        self.advance(skip);
        self.out.push(Token {
            tok: Tok::Open { trim: trim_left },
            pos: open_pos,
        });
        self.inside(open_pos)
    }

    fn push(&mut self, tok: Tok, pos: Pos, len: usize) {
        self.advance(len);
        self.out.push(Token { tok, pos });
    }

    /// Tokens of one action, up to and including its `}}`.
    fn inside(&mut self, open_pos: Pos) -> Result<(), SyntaxError> {
        let mut depth = 0usize;
        loop {
            let rest = self.rest();
            let pos = self.pos();
            let Some(&c) = rest.as_bytes().first() else {
                return Err(self.err(open_pos, "unclosed action"));
            };
            if rest.starts_with("}}") {
                if depth > 0 {
                    return Err(self.err(pos, "unclosed left paren"));
                }
                self.push(Tok::Close { trim: false }, pos, 2);
                return Ok(());
            }
            if is_space(c) {
                let n = rest.bytes().take_while(|b| is_space(*b)).count();
                if rest[n..].starts_with("-}}") {
                    if depth > 0 {
                        return Err(self.err(pos, "unclosed left paren"));
                    }
                    self.advance(n);
                    let pos = self.pos();
                    self.push(Tok::Close { trim: true }, pos, 3);
                    return Ok(());
                }
                self.push(Tok::Space, pos, n);
                continue;
            }
            match c {
                b'|' => self.push(Tok::Pipe, pos, 1),
                b'(' => {
                    depth += 1;
                    self.push(Tok::LParen, pos, 1)
                }
                b')' => {
                    if depth == 0 {
                        return Err(self.err(pos, "unexpected right paren"));
                    }
                    depth -= 1;
                    self.push(Tok::RParen, pos, 1)
                }
                b',' => self.push(Tok::Comma, pos, 1),
                b':' => {
                    if rest.starts_with(":=") {
                        self.push(Tok::Declare, pos, 2)
                    } else {
                        return Err(self.err(pos, "expected :="));
                    }
                }
                b'=' => self.push(Tok::Assign, pos, 1),
                b'"' => {
                    let (value, len) = self.quoted(rest, pos)?;
                    self.push(Tok::Str(value), pos, len)
                }
                b'`' => {
                    let Some(end) = rest[1..].find('`') else {
                        return Err(self.err(pos, "unterminated raw quoted string"));
                    };
                    let value = rest[1..1 + end].to_string();
                    self.push(Tok::Str(value), pos, end + 2)
                }
                b'\'' => {
                    let (value, len) = self.char_constant(rest, pos)?;
                    self.push(Tok::Char(value), pos, len)
                }
                b'$' => {
                    let n = 1 + ident_len(&rest[1..]);
                    self.push(Tok::Variable(rest[1..n].to_string()), pos, n)
                }
                b'.' => {
                    let next = rest.as_bytes().get(1).copied();
                    if next.is_some_and(|b| b.is_ascii_digit()) {
                        let n = number_len(rest);
                        self.push(Tok::Number(rest[..n].to_string()), pos, n)
                    } else {
                        let n = ident_len(&rest[1..]);
                        if n == 0 {
                            self.push(Tok::Dot, pos, 1)
                        } else {
                            self.push(Tok::Field(rest[1..1 + n].to_string()), pos, 1 + n)
                        }
                    }
                }
                b'0'..=b'9' | b'+' | b'-' => {
                    let n = number_len(rest);
                    if n == 0 || (n == 1 && matches!(c, b'+' | b'-')) {
                        return Err(self.err(pos, format!("bad character {:?}", c as char)));
                    }
                    self.push(Tok::Number(rest[..n].to_string()), pos, n)
                }
                _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let n = ident_len(rest);
                    if n == 0 {
                        return Err(self.err(pos, "bad character in action"));
                    }
                    self.push(Tok::Ident(rest[..n].to_string()), pos, n)
                }
                _ => {
                    let ch = rest.chars().next().unwrap_or('?');
                    return Err(self.err(pos, format!("bad character {ch:?} in action")));
                }
            }
        }
    }

    fn quoted(&self, rest: &str, pos: Pos) -> Result<(String, usize), SyntaxError> {
        let mut out = String::new();
        let mut chars = rest.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, i + 1)),
                '\n' => break,
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'a' => out.push('\u{7}'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'v' => out.push('\u{b}'),
                        '\\' => out.push('\\'),
                        '"' => out.push('"'),
                        '\'' => out.push('\''),
                        'x' | 'u' | 'U' => {
                            let n = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let hex: String =
                                (0..n).filter_map(|_| chars.next().map(|x| x.1)).collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .map_err(|_| self.err(pos, "bad escape in string"))?;
                            out.push(
                                char::from_u32(code)
                                    .ok_or_else(|| self.err(pos, "bad escape in string"))?,
                            );
                        }
                        '0'..='7' => {
                            let mut digits = String::from(e);
                            for _ in 0..2 {
                                if let Some((_, d)) = chars.next() {
                                    digits.push(d);
                                }
                            }
                            let code = u32::from_str_radix(&digits, 8)
                                .map_err(|_| self.err(pos, "bad escape in string"))?;
                            out.push(char::from_u32(code).unwrap_or('?'));
                        }
                        _ => return Err(self.err(pos, format!("unknown escape sequence \\{e}"))),
                    }
                }
                c => out.push(c),
            }
        }
        Err(self.err(pos, "unterminated quoted string"))
    }

    fn char_constant(&self, rest: &str, pos: Pos) -> Result<(i64, usize), SyntaxError> {
        let body = &rest[1..];
        let end = body
            .char_indices()
            .find(|&(i, c)| {
                c == '\'' && (i == 0 || !body[..i].ends_with('\\') || body[..i].ends_with("\\\\"))
            })
            .map(|(i, _)| i)
            .ok_or_else(|| self.err(pos, "unterminated character constant"))?;
        let inner = &body[..end];
        let value = if let Some(esc) = inner.strip_prefix('\\') {
            match esc {
                "n" => 10,
                "t" => 9,
                "r" => 13,
                "\\" => 92,
                "'" => 39,
                "0" => 0,
                _ => return Err(self.err(pos, "unsupported character escape")),
            }
        } else {
            let mut chars = inner.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => c as i64,
                _ => return Err(self.err(pos, "bad character constant")),
            }
        };
        Ok((value, end + 2))
    }
}

fn ident_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map(|(i, _)| i)
        .unwrap_or(s.len())
}

fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && matches!(b[i], b'+' | b'-') {
        i += 1;
    }
    let hex = b.len() > i + 1 && b[i] == b'0' && matches!(b[i + 1], b'x' | b'X');
    while i < b.len() {
        let c = b[i];
        let ok = c.is_ascii_alphanumeric()
            || c == b'.'
            || c == b'_'
            || (matches!(c, b'+' | b'-')
                && i > 0
                && (matches!(b[i - 1], b'e' | b'E') && !hex || matches!(b[i - 1], b'p' | b'P')));
        if !ok {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn text_and_trimmed_actions() {
        assert_eq!(
            toks("a {{- .X -}} b"),
            vec![
                Tok::Text("a ".into()),
                Tok::Open { trim: true },
                Tok::Field("X".into()),
                Tok::Close { trim: true },
                Tok::Text(" b".into()),
            ]
        );
    }

    #[test]
    fn minus_number_is_not_a_trim() {
        assert_eq!(
            toks("{{-3}}"),
            vec![
                Tok::Open { trim: false },
                Tok::Number("-3".into()),
                Tok::Close { trim: false }
            ]
        );
    }

    #[test]
    fn comments_strings_chars_and_variables() {
        assert_eq!(
            toks("{{- /* hi */ -}}"),
            vec![Tok::Comment {
                text: " hi ".into(),
                trim_left: true,
                trim_right: true
            }]
        );
        assert_eq!(
            toks("{{ $x := \"a\\n\" `r\\n` 'a' $ }}"),
            vec![
                Tok::Open { trim: false },
                Tok::Space,
                Tok::Variable("x".into()),
                Tok::Space,
                Tok::Declare,
                Tok::Space,
                Tok::Str("a\n".into()),
                Tok::Space,
                Tok::Str("r\\n".into()),
                Tok::Space,
                Tok::Char(97),
                Tok::Space,
                Tok::Variable(String::new()),
                Tok::Space,
                Tok::Close { trim: false },
            ]
        );
    }

    #[test]
    fn fields_chain_and_numbers() {
        assert_eq!(
            toks("{{.a.b 1e6 0x1F}}"),
            vec![
                Tok::Open { trim: false },
                Tok::Field("a".into()),
                Tok::Field("b".into()),
                Tok::Space,
                Tok::Number("1e6".into()),
                Tok::Space,
                Tok::Number("0x1F".into()),
                Tok::Close { trim: false },
            ]
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = lex("ab\n  {{ \"x }}").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 6));
        assert!(lex("{{ .a").is_err());
        assert!(lex("{{/* x ").is_err());
    }
}
