//! Go template syntax tree to Tera text. The Go dot is tracked statically: at the top of a file
//! it is the root context (`.Values.x` → `Values.x`), inside a `define` it is the component's
//! `dot` parameter, inside `with`/`range` it is the variable the block binds. Helm's rendering
//! rules that Tera does not share are made explicit with the filters of `render::sprig`
//! (`show` prints missing values as nothing, `rangeOrder` sorts map keys, `defaultEmpty` has
//! Sprig's emptiness rule...). What has no translation becomes a `fail("cannot convert: ...")`
//! at its place, and an [`Issue`].

mod calls;
mod refused;
mod statements;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use super::gotmpl::{Branch, Expr, Node, Pipeline, Pos, Trim};

/// A place that could not be converted: where and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Go `define` names of the whole chart tree, and their Tera component names.
pub type Defines = BTreeMap<String, String>;

/// The Tera component name for a Go define name: dotted segments of `[A-Za-z0-9_]`, each not
/// starting with a digit.
pub fn component_name(go: &str) -> String {
    go.split('.')
        .map(|segment| identifier(segment, '_'))
        .collect::<Vec<_>>()
        .join(".")
}

/// `text` as a Tera identifier: each character outside `[A-Za-z0-9_]` becomes `_`, and `prefix`
/// goes in front of an empty name or one starting with a digit.
fn identifier(text: &str, prefix: char) -> String {
    let mut name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, prefix);
    }
    name
}

/// What `.` stands for.
#[derive(Debug, Clone, PartialEq)]
enum Dot {
    /// The file's root context: `.Values` is `Values`.
    Root,
    /// A Tera variable holding the Go dot.
    Var(String),
}

struct Scope {
    dot: Dot,
    /// Go variable name → Tera name, declared in this scope.
    vars: Vec<(String, String)>,
    /// A `range` body (Tera `set` there is loop-local).
    is_loop: bool,
}

/// A translated expression and how it may be combined.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub text: String,
    /// `a.b.c` or a variable: fields can be appended.
    pub path: bool,
    /// Needs parentheses before a filter or an operator.
    pub compound: bool,
    /// Known to be a string (or a number/bool printed as Go does): prints without `show`.
    pub printable: bool,
    /// The Go root context itself (`.` at the top of a file, or `$` there).
    pub root: bool,
}

impl Code {
    fn atom(text: impl Into<String>) -> Code {
        Code {
            text: text.into(),
            path: false,
            compound: false,
            printable: false,
            root: false,
        }
    }
    fn printable(text: impl Into<String>) -> Code {
        Code {
            printable: true,
            ..Code::atom(text)
        }
    }
    fn path(text: impl Into<String>) -> Code {
        Code {
            path: true,
            ..Code::atom(text)
        }
    }
    fn compound(text: impl Into<String>) -> Code {
        Code {
            compound: true,
            ..Code::atom(text)
        }
    }
    /// The text, parenthesised when it is compound.
    fn operand(&self) -> String {
        if self.compound {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }
}

const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "loop",
    "set",
    "for",
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Template",
    "dot",
    "self",
    "super",
    "__tera_context",
];

/// Translates one file (or a `tpl` string).
pub struct Translator<'a> {
    defines: &'a Defines,
    file: String,
    out: String,
    pub issues: Vec<Issue>,
    scopes: Vec<Scope>,
    dollar: Dot,
    used_names: HashSet<String>,
    in_define: bool,
    /// A `tpl` text: names of defines not in `defines` are taken as they will be converted.
    pub lenient_defines: bool,
    /// Where the expression being translated starts (for issues found deep inside it).
    pos: Pos,
}

impl<'a> Translator<'a> {
    /// `dot_var`: `None` for a file (dot = root), `Some("dot")` for text rendered with the Go dot
    /// in the variable `dot` (a `tpl` with a non-root context).
    pub fn new(defines: &'a Defines, file: &str, dot_var: Option<&str>) -> Translator<'a> {
        let dot = match dot_var {
            Some(v) => Dot::Var(v.to_string()),
            None => Dot::Root,
        };
        Translator {
            defines,
            file: file.to_string(),
            out: String::new(),
            issues: Vec::new(),
            scopes: vec![Scope {
                dot: dot.clone(),
                vars: Vec::new(),
                is_loop: false,
            }],
            dollar: dot,
            used_names: HashSet::new(),
            in_define: false,
            lenient_defines: false,
            pos: Pos::default(),
        }
    }

    pub fn translate(mut self, nodes: &[Node]) -> (String, Vec<Issue>) {
        self.nodes(nodes);
        (self.out, self.issues)
    }

    fn issue(&mut self, pos: Pos, message: String) -> String {
        self.issues.push(Issue {
            line: pos.line,
            col: pos.col,
            message: message.clone(),
        });
        let text = format!(
            "cannot convert: {message} (at {}:{}:{})",
            self.file, pos.line, pos.col
        );
        format!("fail(message={})", string_literal(&text))
    }

    /// The component a Go define name is converted to.
    pub(crate) fn component(&self, name: &str) -> Option<String> {
        match self.defines.get(name) {
            Some(c) => Some(c.clone()),
            None if self.lenient_defines => Some(component_name(name)),
            None => None,
        }
    }

    fn dot(&self) -> Dot {
        self.scopes
            .last()
            .map(|s| s.dot.clone())
            .unwrap_or(Dot::Root)
    }

    /// A fresh Tera variable name based on `base`.
    fn fresh(&mut self, base: &str) -> String {
        let mut base = identifier(base, 'v');
        if RESERVED.contains(&base.as_str()) {
            base.push('_');
        }
        let in_scope = |t: &Translator, name: &str| {
            t.scopes.iter().any(|s| {
                s.vars.iter().any(|(_, tera)| tera == name) || s.dot == Dot::Var(name.to_string())
            }) || t.used_names.contains(name)
        };
        let mut name = base.clone();
        let mut n = 2;
        while in_scope(self, &name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.used_names.insert(name.clone());
        name
    }

    fn lookup_var(&self, go: &str) -> Option<(String, bool)> {
        // (tera name, declared outside the innermost loop)
        let mut crossed_loop = false;
        for scope in self.scopes.iter().rev() {
            if let Some((_, tera)) = scope.vars.iter().rev().find(|(g, _)| g == go) {
                return Some((tera.clone(), crossed_loop));
            }
            if scope.is_loop {
                crossed_loop = true;
            }
        }
        None
    }

    fn tag(&mut self, trim: Trim, body: &str) {
        self.out.push_str(if trim.left { "{%- " } else { "{% " });
        self.out.push_str(body);
        self.out.push_str(if trim.right { " -%}" } else { " %}" });
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text(text) => self.text(text),
            Node::Comment { text, trim } => {
                let text = text.replace("#}", "# }");
                self.out.push_str(if trim.left { "{#-" } else { "{#" });
                self.out.push_str(&text);
                self.out.push_str(if trim.right { "-#}" } else { "#}" });
            }
            Node::Action { pipe, trim, pos } => self.action(pipe, *trim, *pos),
            Node::If(b) => self.if_node(b),
            Node::With(b) => self.with_node(b),
            Node::Range(b) => self.range_node(b),
            Node::Break { trim, .. } => self.tag(*trim, "break"),
            Node::Continue { trim, .. } => self.tag(*trim, "continue"),
            Node::Template {
                name,
                arg,
                trim,
                pos,
            } => {
                let call = self.include_call(name, arg.as_ref(), *pos);
                self.out.push_str(if trim.left { "{{- " } else { "{{ " });
                self.out.push_str(&call.text);
                self.out.push_str(if trim.right { " -}}" } else { " }}" });
            }
            Node::Define {
                name,
                body,
                trim,
                end_trim,
                pos,
            } => self.define(name, body, *trim, *end_trim, *pos),
        }
    }

    fn text(&mut self, text: &str) {
        if text.contains("{{") || text.contains("{%") || text.contains("{#") {
            // Keep surrounding whitespace outside the raw block so trim markers still reach it.
            let start = text.len() - text.trim_start().len();
            let end = text.trim_end().len();
            self.out.push_str(&text[..start]);
            self.out.push_str("{% raw %}");
            self.out.push_str(&text[start..end]);
            self.out.push_str("{% endraw %}");
            self.out.push_str(&text[end..]);
        } else {
            self.out.push_str(text);
        }
    }

    fn define(&mut self, name: &str, body: &[Node], trim: Trim, end_trim: Trim, _pos: Pos) {
        let component = self
            .defines
            .get(name)
            .cloned()
            .unwrap_or_else(|| component_name(name));
        let saved_scopes = std::mem::replace(
            &mut self.scopes,
            vec![Scope {
                dot: Dot::Var("dot".into()),
                vars: Vec::new(),
                is_loop: false,
            }],
        );
        let saved_dollar = std::mem::replace(&mut self.dollar, Dot::Var("dot".into()));
        let saved_names = std::mem::take(&mut self.used_names);
        let was = std::mem::replace(&mut self.in_define, true);
        if component != name {
            self.out
                .push_str(&format!("{{# define {} #}}", string_literal(name)));
        }
        self.tag(trim, &format!("component {component}(dot=none)"));
        self.nodes(body);
        self.tag(end_trim, &format!("endcomponent {component}"));
        self.in_define = was;
        self.used_names = saved_names;
        self.dollar = saved_dollar;
        self.scopes = saved_scopes;
    }

    fn action(&mut self, pipe: &Pipeline, trim: Trim, pos: Pos) {
        if !pipe.decl.is_empty() {
            self.assignment(pipe, trim, pos);
            return;
        }
        // `set`/`unset`/`merge*` on a variable or `.Values` whose result is printed: Helm
        // prints the map; charts only do this by mistake. Translate as an expression.
        let code = self.pipeline(pipe);
        let text = if code.printable {
            code.text
        } else {
            format!("{} | show", code.operand())
        };
        self.out.push_str(if trim.left { "{{- " } else { "{{ " });
        self.out.push_str(&text);
        self.out.push_str(if trim.right { " -}}" } else { " }}" });
    }

    /// A pipeline as one expression: each command gets the previous value as its last argument.
    fn pipeline(&mut self, pipe: &Pipeline) -> Code {
        let mut value: Option<Code> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(&cmd.args, value, cmd.pos));
        }
        value.unwrap_or_else(|| Code::atom("none"))
    }

    fn command(&mut self, args: &[Expr], piped: Option<Code>, pos: Pos) -> Code {
        match &args[0] {
            Expr::Ident(name, p) => {
                let rest = &args[1..];
                calls::call(self, name, rest, piped, *p)
            }
            // A method call: `.Capabilities.APIVersions.Has "x"`, `.Files.Get "x"`.
            Expr::Variable(_, fields, p) if is_method(fields) => {
                let mut call_args: Vec<Code> = args[1..].iter().map(|a| self.expr(a)).collect();
                call_args.extend(piped);
                self.method(fields, call_args, *p)
            }
            Expr::Field(fields, p) if args.len() > 1 || piped.is_some() || is_method(fields) => {
                let mut call_args: Vec<Code> = args[1..].iter().map(|a| self.expr(a)).collect();
                call_args.extend(piped);
                self.method(fields, call_args, *p)
            }
            first => {
                if args.len() > 1 || piped.is_some() {
                    let f = self.issue(pos, "can't give an argument to a non-function".into());
                    return Code::atom(f);
                }
                self.expr(first)
            }
        }
    }

    fn method(&mut self, fields: &[String], args: Vec<Code>, pos: Pos) -> Code {
        let n = fields.len();
        let name = fields[n - 1].as_str();
        let owner = &fields[..n - 1];
        let arg = |i: usize| {
            args.get(i)
                .map(|c| c.text.clone())
                .unwrap_or_else(|| "\"\"".into())
        };
        if owner.last().map(String::as_str) == Some("APIVersions") && name == "Has" {
            let base = self.field_path(&fields[..n - 1]);
            return Code::compound(format!("{} in {}", arg(0), base.text));
        }
        if owner.last().map(String::as_str) == Some("Files") {
            return match name {
                "Get" => Code::printable(format!("filesGet(path={})", arg(0))),
                "GetBytes" => Code::printable(format!("filesGet(path={})", arg(0))),
                "Glob" => Code::atom(format!("filesGlob(pattern={})", arg(0))),
                "Lines" => Code::atom(format!("filesLines(path={})", arg(0))),
                "AsConfig" | "AsSecrets" => {
                    Code::printable(format!("filesGlob(pattern=\"**\") | {}", lower_first(name)))
                }
                _ => Code::atom(self.issue(pos, format!("unknown method .Files.{name}"))),
            };
        }
        let f = self.issue(
            pos,
            format!("method call .{} with arguments", fields.join(".")),
        );
        Code::atom(f)
    }

    /// `.a.b` on the current dot.
    fn field_path(&mut self, fields: &[String]) -> Code {
        let dot = self.dot();
        self.fields_on(&dot, fields)
    }

    fn fields_on(&mut self, dot: &Dot, fields: &[String]) -> Code {
        let fields: Vec<String> = fields.iter().map(|f| rename_field(f)).collect();
        // `.Chart.APIVersion` is `Chart.ApiVersion` here.
        let mut fields = fields;
        if fields.len() >= 2
            && fields[0] == "Chart"
            && fields[1] == "APIVersion"
            && *dot == Dot::Root
        {
            fields[1] = "ApiVersion".into();
        }
        let base = match dot {
            Dot::Root => String::new(),
            Dot::Var(v) => v.clone(),
        };
        if fields.is_empty() {
            return match dot {
                Dot::Root => Code {
                    root: true,
                    ..Code::path("__tera_context")
                },
                Dot::Var(v) => Code::path(v.clone()),
            };
        }
        if fields[0] == "Subcharts" && (*dot == Dot::Root || self.dollar == *dot) {
            return Code::atom(self.issue(self.pos, "`.Subcharts` (a subchart's context) has no equivalent; read the subchart's values through `.Values.<subchart>`".into()));
        }
        if *dot == Dot::Root && fields[0] == "Files" && fields.len() == 1 {
            return Code::atom("filesGlob(pattern=\"**\")");
        }
        let mut text = base;
        for f in &fields {
            if text.is_empty() {
                text.push_str(f);
            } else if is_tera_ident(f) {
                text.push('.');
                text.push_str(f);
            } else {
                text.push_str(&format!("[{}]", string_literal(f)));
            }
        }
        Code::path(text)
    }

    fn expr(&mut self, e: &Expr) -> Code {
        self.pos = e.pos();
        match e {
            Expr::Ident(name, pos) => calls::call(self, name, &[], None, *pos),
            Expr::Dot(_) => self.field_path(&[]),
            Expr::Field(fields, pos) => {
                if is_method(fields) {
                    return self.method(fields, Vec::new(), *pos);
                }
                self.field_path(fields)
            }
            Expr::Variable(name, fields, pos) => {
                if name.is_empty() {
                    let dollar = self.dollar.clone();
                    return self.fields_on(&dollar, fields);
                }
                match self.lookup_var(name) {
                    Some((tera, _)) => self.fields_on(&Dot::Var(tera), fields),
                    None => Code::atom(self.issue(*pos, format!("undefined variable ${name}"))),
                }
            }
            Expr::Chain(pipe, fields, _) => {
                let inner = self.pipeline(pipe);
                if fields.is_empty() {
                    return inner;
                }
                if let [method] = fields.as_slice()
                    && (method == "AsConfig" || method == "AsSecrets")
                {
                    return Code::printable(format!(
                        "{} | {}",
                        inner.operand(),
                        lower_first(method)
                    ));
                }
                // Go gives nothing (not an error) for a field of a nil parenthesised value:
                // `(.Values.resources.limits).cpu` is the idiom for optional maps.
                if inner.path && fields.iter().all(|f| is_tera_ident(f)) {
                    let mut text = inner.text;
                    for f in fields {
                        text.push_str("?.");
                        text.push_str(f);
                    }
                    return Code::path(text);
                }
                let keys = fields
                    .iter()
                    .map(|f| string_literal(f))
                    .collect::<Vec<_>>()
                    .join(", ");
                Code::atom(format!(
                    "{} | index(keys=[{keys}], nil=\"empty\")",
                    inner.operand()
                ))
            }
            Expr::Str(s, _) => Code::printable(string_literal(s)),
            Expr::Int(i, _) => Code::printable(i.to_string()),
            Expr::Float(f, _) => Code::atom(float_literal(*f)),
            Expr::Bool(b, _) => Code::printable(b.to_string()),
            Expr::Nil(_) => Code::atom("none"),
        }
    }

    /// `include NAME ARG` / `template NAME ARG` as a component call (or the whole-file
    /// `include(template=...)` for `include (print $.Template.BasePath "/x.yaml") .`).
    fn include_call(&mut self, name: &str, arg: Option<&Pipeline>, pos: Pos) -> Code {
        let Some(component) = self.component(name) else {
            let f = self.issue(
                pos,
                format!("no define {name:?} in this chart or its subcharts"),
            );
            return Code::atom(f);
        };
        let dot = match arg {
            Some(p) => self.pipeline(p).text,
            None => "none".into(),
        };
        Code::printable(component_call(&component, &dot))
    }
}

/// `<name dot={...} />`: a component call with the Go dot as its argument.
pub(crate) fn component_call(component: &str, dot: &str) -> String {
    if dot.starts_with('{') || dot.ends_with('}') {
        format!("<{component} dot={{ {dot} }} />")
    } else {
        format!("<{component} dot={{{dot}}} />")
    }
}

fn is_method(fields: &[String]) -> bool {
    let n = fields.len();
    n >= 2
        && ((fields[n - 2] == "APIVersions" && fields[n - 1] == "Has")
            || (fields[n - 2] == "Files"
                && matches!(
                    fields[n - 1].as_str(),
                    "Get" | "GetBytes" | "Glob" | "Lines" | "AsConfig" | "AsSecrets"
                )))
}

fn rename_field(f: &str) -> String {
    f.to_string()
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn is_tera_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && !matches!(
            s,
            "and" | "or" | "not" | "in" | "is" | "if" | "else" | "true" | "false" | "none"
        )
}

/// A name for the variable a `with` binds: the last field of its pipeline.
fn with_name(pipe: &Pipeline) -> String {
    match pipe.cmds.last().and_then(|c| c.args.first()) {
        Some(Expr::Field(fields, _)) | Some(Expr::Variable(_, fields, _)) if !fields.is_empty() => {
            fields[fields.len() - 1].clone()
        }
        _ => "it".into(),
    }
}

fn item_name(pipe: &Pipeline) -> String {
    match pipe.cmds.last().and_then(|c| c.args.first()) {
        Some(Expr::Field(fields, _)) | Some(Expr::Variable(_, fields, _)) if !fields.is_empty() => {
            let last = &fields[fields.len() - 1];
            match last.strip_suffix('s') {
                Some(single) if single.len() > 1 => single.to_string(),
                _ => "item".into(),
            }
        }
        _ => "item".into(),
    }
}

/// A Tera string literal (double-quoted, JSON escapes).
pub fn string_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn float_literal(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f:?}")
    }
}
