//! Statements: assignments, `if`/`else`, `with` and `range` (with the dot they bind), and the
//! mutating calls (`set`, `unset`, `merge`) written back to the place they change.

use super::*;

impl Translator<'_> {
    pub(super) fn assignment(&mut self, pipe: &Pipeline, trim: Trim, pos: Pos) {
        // A mutating call (`set $d "k" v`, `$_ := merge $d ...`) also updates the place it mutates.
        let mutation = self.mutation(pipe);
        let code = self.pipeline(pipe);
        let go = &pipe.decl[0];
        let mut body = String::new();
        if go.is_empty() || go == "_" {
            // `$_ := ...`: only the side effect matters.
        } else if pipe.is_assign {
            match self.lookup_var(go) {
                Some((tera, crossed)) => {
                    let kw = if crossed { "set_global" } else { "set" };
                    body = format!("{kw} {tera} = {}", code.text);
                }
                None => {
                    let f = self.issue(pos, format!("assignment to undeclared variable ${go}"));
                    body = format!("set _ = {f}");
                }
            }
        } else {
            let tera = self.fresh(go);
            self.scopes
                .last_mut()
                .expect("scope")
                .vars
                .push((go.clone(), tera.clone()));
            body = format!("set {tera} = {}", code.text);
        }
        match (mutation, body.is_empty()) {
            (Some(m), true) => self.tag(trim, &m),
            (Some(m), false) => {
                self.tag(
                    Trim {
                        left: trim.left,
                        right: false,
                    },
                    &m,
                );
                self.tag(
                    Trim {
                        left: false,
                        right: trim.right,
                    },
                    &body,
                );
            }
            (None, false) => self.tag(trim, &body),
            (None, true) => self.tag(trim, &format!("set _ = {}", code.text)),
        }
    }

    pub(super) fn if_node(&mut self, b: &Branch) {
        self.scopes.push(Scope {
            dot: self.dot(),
            vars: Vec::new(),
            is_loop: false,
        });
        let cond = self.condition(&b.pipe, b.trim, "");
        let kw = if b.chained { "elif" } else { "if" };
        self.tag(b.trim, &format!("{kw} {cond}"));
        self.nodes(&b.body);
        self.scopes.pop();
        self.else_part(b, |t, n| t.node(n));
        if !b.chained {
            self.tag(b.end_trim, "endif");
        }
    }

    /// The `else` of an if/with: a chained `else if` continues as `elif`.
    pub(super) fn else_part(&mut self, b: &Branch, mut node: impl FnMut(&mut Self, &Node)) {
        let Some(else_body) = &b.else_body else {
            return;
        };
        if let [Node::If(inner)] = else_body.as_slice()
            && inner.chained
        {
            node(self, &else_body[0]);
            return;
        }
        if let [Node::With(inner)] = else_body.as_slice()
            && inner.chained
        {
            self.tag(b.else_trim, "else");
            let end = inner.end_trim;
            self.with_node(&Branch {
                chained: false,
                end_trim: end,
                ..inner.clone()
            });
            return;
        }
        self.tag(b.else_trim, "else");
        self.nodes_in_scope(else_body);
    }

    /// `nodes` in a scope of their own (their variables end with it), the dot unchanged.
    fn nodes_in_scope(&mut self, nodes: &[Node]) {
        self.scopes.push(Scope {
            dot: self.dot(),
            vars: Vec::new(),
            is_loop: false,
        });
        self.nodes(nodes);
        self.scopes.pop();
    }

    /// A condition for `if`: declarations are set first (as their own tag).
    pub(super) fn condition(&mut self, pipe: &Pipeline, trim: Trim, _hint: &str) -> String {
        if let Some(go) = pipe.decl.first() {
            let code = self.pipeline(pipe);
            let tera = self.fresh(go);
            self.scopes
                .last_mut()
                .expect("scope")
                .vars
                .push((go.clone(), tera.clone()));
            self.tag(
                Trim {
                    left: trim.left,
                    right: false,
                },
                &format!("set {tera} = {}", code.text),
            );
            return tera;
        }
        self.pipeline(pipe).text
    }

    pub(super) fn with_node(&mut self, b: &Branch) {
        let code = self.pipeline(&Pipeline {
            decl: Vec::new(),
            ..b.pipe.clone()
        });
        let base = with_name(&b.pipe);
        let simple = code.path
            && code
                .text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && code.text != "__tera_context";
        let (var, open_trim) = if simple {
            // `with $x`: the dot is that variable.
            (code.text.clone(), b.trim)
        } else {
            let var = self.fresh(&base);
            self.tag(
                Trim {
                    left: b.trim.left,
                    right: false,
                },
                &format!("set {var} = {}", code.text),
            );
            (
                var,
                Trim {
                    left: false,
                    right: b.trim.right,
                },
            )
        };
        self.tag(open_trim, &format!("if {var}"));
        let mut scope = Scope {
            dot: Dot::Var(var.clone()),
            vars: Vec::new(),
            is_loop: false,
        };
        if let Some(go) = b.pipe.decl.first() {
            scope.vars.push((go.clone(), var.clone()));
        }
        self.scopes.push(scope);
        self.nodes(&b.body);
        self.scopes.pop();
        self.else_part(b, |t, n| t.node(n));
        self.tag(b.end_trim, "endif");
    }

    pub(super) fn range_node(&mut self, b: &Branch) {
        let code = self.pipeline(&Pipeline {
            decl: Vec::new(),
            ..b.pipe.clone()
        });
        let (key, value) = match b.pipe.decl.as_slice() {
            [k, v] => (Some(k.clone()), v.clone()),
            [v] => (None, v.clone()),
            _ => (None, String::new()),
        };
        let value_var = if value.is_empty() {
            self.fresh(&item_name(&b.pipe))
        } else {
            self.fresh(&value)
        };
        let mut scope = Scope {
            dot: Dot::Var(value_var.clone()),
            vars: Vec::new(),
            is_loop: true,
        };
        let head = match &key {
            Some(k) => {
                let key_var = self.fresh(k);
                scope.vars.push((k.clone(), key_var.clone()));
                format!(
                    "for {key_var}, {value_var} in {} | rangeOrder(indexed=true)",
                    code.operand()
                )
            }
            None => format!("for {value_var} in {} | rangeOrder", code.operand()),
        };
        if !value.is_empty() {
            scope.vars.push((value.clone(), value_var.clone()));
        }
        self.tag(b.trim, &head);
        self.scopes.push(scope);
        self.nodes(&b.body);
        self.scopes.pop();
        if let Some(else_body) = &b.else_body {
            self.tag(b.else_trim, "else");
            self.nodes_in_scope(else_body);
        }
        self.tag(b.end_trim, "endfor");
    }

    /// A statement that applies the mutation a `set`/`unset`/`merge`/`mergeOverwrite`
    /// pipeline makes to a variable or to `.Values` (Tera values are immutable).
    pub(super) fn mutation(&mut self, pipe: &Pipeline) -> Option<String> {
        if pipe.cmds.len() != 1 {
            return None;
        }
        let args = &pipe.cmds[0].args;
        let Some(Expr::Ident(name, _)) = args.first() else {
            return None;
        };
        if !matches!(
            name.as_str(),
            "set" | "unset" | "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite"
        ) {
            return None;
        }
        let target = args.get(1)?;
        let (root, fields) = self.place(target)?;
        let call = self.pipeline(pipe);
        // Inside a loop, a plain `set` would only change a loop-local copy; the map Helm
        // mutates lives outside it (unless it is declared in this very loop).
        let in_loop = self.scopes.iter().any(|s| s.is_loop);
        let local_to_loop = self
            .scopes
            .iter()
            .rev()
            .take_while(|s| !s.is_loop)
            .chain(self.scopes.iter().rev().skip_while(|s| !s.is_loop).take(1))
            .any(|s| s.vars.iter().any(|(_, t)| *t == root) || s.dot == Dot::Var(root.clone()));
        let kw = if in_loop && !local_to_loop {
            "set_global"
        } else {
            "set"
        };
        if fields.is_empty() {
            Some(format!("{kw} {root} = {}", call.text))
        } else {
            let path = fields
                .iter()
                .map(|f| string_literal(f))
                .collect::<Vec<_>>()
                .join(", ");
            Some(format!(
                "{kw} {root} = {root} | setIn(path=[{path}], value={})",
                call.text
            ))
        }
    }

    /// A Tera variable and the fields under it that an expression names, when it is a place a
    /// mutation can be written back to.
    pub(super) fn place(&self, e: &Expr) -> Option<(String, Vec<String>)> {
        match e {
            Expr::Variable(name, fields, _) if !name.is_empty() => {
                let (tera, _) = self.lookup_var(name)?;
                Some((tera, fields.clone()))
            }
            Expr::Field(fields, _) => match self.dot() {
                Dot::Root => Some((fields[0].clone(), fields[1..].to_vec())),
                Dot::Var(v) => Some((v, fields.clone())),
            },
            Expr::Variable(name, fields, _) if name.is_empty() && !fields.is_empty() => {
                match &self.dollar {
                    Dot::Root => Some((fields[0].clone(), fields[1..].to_vec())),
                    Dot::Var(v) => Some((v.clone(), fields.clone())),
                }
            }
            Expr::Dot(_) => match self.dot() {
                Dot::Var(v) => Some((v, Vec::new())),
                Dot::Root => None,
            },
            _ => None,
        }
    }
}
