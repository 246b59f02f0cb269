//! Go template functions (builtins, Sprig, Helm) as Tera expressions: operators where Tera's
//! mean the same, filters where the Go function has one obvious input (the value piped in, its
//! last argument), functions otherwise. Unknown or untranslatable ones become a located
//! `fail("cannot convert: ...")`.

use super::refused::REFUSED;
use super::{Code, Translator, component_call, string_literal};
use crate::convert::gotmpl::{Expr, Pos};

pub(super) fn call(
    t: &mut Translator,
    name: &str,
    args: &[Expr],
    piped: Option<Code>,
    pos: Pos,
) -> Code {
    // Special forms first: their arguments are not all plain values.
    match name {
        "include" => return include(t, args, piped, pos),
        "and" | "or" => {
            let mut codes: Vec<Code> = args.iter().map(|a| t.expr(a)).collect();
            codes.extend(piped);
            if codes.is_empty() {
                return Code::atom(t.issue(pos, format!("{name} needs arguments")));
            }
            let text = codes
                .iter()
                .map(Code::operand)
                .collect::<Vec<_>>()
                .join(&format!(" {name} "));
            return if codes.len() == 1 {
                codes.remove(0)
            } else {
                Code::compound(text)
            };
        }
        _ => {}
    }
    if let Some((_, why)) = REFUSED.iter().find(|(n, _)| *n == name) {
        let f = t.issue(pos, format!("`{name}`: {why}"));
        return Code::atom(f);
    }
    let mut a: Vec<Code> = args.iter().map(|e| t.expr(e)).collect();
    a.extend(piped);
    let n = a.len();
    // Helpers over the translated arguments.
    let op = |i: usize| a[i].operand();
    let txt = |i: usize| a[i].text.clone();
    let list = |from: usize| {
        format!(
            "[{}]",
            a[from..]
                .iter()
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let filter = |input: usize, f: &str, kw: &[(&str, usize)]| -> String {
        if kw.is_empty() {
            format!("{} | {f}", a[input].operand())
        } else {
            let k = kw
                .iter()
                .map(|(k, i)| format!("{k}={}", a[*i].text))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{} | {f}({k})", a[input].operand())
        }
    };
    let arity = |min: usize, max: usize| n >= min && n <= max;
    let bad = |t: &mut Translator, expected: &str| {
        Code::atom(t.issue(
            pos,
            format!("wrong number of args for {name}: want {expected} got {n}"),
        ))
    };
    macro_rules! need {
        ($min:expr, $max:expr, $want:expr) => {
            if !arity($min, $max) {
                return bad(t, $want);
            }
        };
    }
    let s = |text: String| Code::printable(text);
    let v = |text: String| Code::atom(text);
    match name {
        // Comparisons and logic.
        "eq" if n == 2
            && (matches!(args.get(1), Some(Expr::Nil(_)))
                || matches!(args.first(), Some(Expr::Nil(_)))) =>
        {
            let other = if matches!(args.first(), Some(Expr::Nil(_))) {
                1
            } else {
                0
            };
            Code::compound(format!("{} | kindOf == \"invalid\"", a[other].operand()))
        }
        "ne" if n == 2
            && (matches!(args.get(1), Some(Expr::Nil(_)))
                || matches!(args.first(), Some(Expr::Nil(_)))) =>
        {
            let other = if matches!(args.first(), Some(Expr::Nil(_))) {
                1
            } else {
                0
            };
            Code::compound(format!("{} | kindOf != \"invalid\"", a[other].operand()))
        }
        "eq" => {
            need!(2, usize::MAX, "at least 2");
            let parts: Vec<String> = (1..n).map(|i| format!("{} == {}", op(0), op(i))).collect();
            Code::compound(parts.join(" or "))
        }
        "ne" => {
            need!(2, 2, "2");
            Code::compound(format!("{} != {}", op(0), op(1)))
        }
        "lt" => {
            need!(2, 2, "2");
            Code::compound(format!("{} < {}", op(0), op(1)))
        }
        "le" => {
            need!(2, 2, "2");
            Code::compound(format!("{} <= {}", op(0), op(1)))
        }
        "gt" => {
            need!(2, 2, "2");
            Code::compound(format!("{} > {}", op(0), op(1)))
        }
        "ge" => {
            need!(2, 2, "2");
            Code::compound(format!("{} >= {}", op(0), op(1)))
        }
        "not" => {
            need!(1, 1, "1");
            Code::compound(format!("not {}", op(0)))
        }
        "ternary" => {
            need!(3, 3, "3");
            Code::compound(format!("{} if {} else {}", op(0), op(2), op(1)))
        }
        "default" => {
            need!(1, 2, "2");
            if n == 1 {
                a[0].clone()
            } else if a[0].text.contains("fail(") {
                // Only evaluate the default (a refused function) when it is used.
                Code::compound(format!("{} if {} else {}", op(1), op(1), op(0)))
            } else {
                v(filter(1, "defaultEmpty", &[("value", 0)]))
            }
        }
        "empty" => {
            need!(1, 1, "1");
            v(filter(0, "empty", &[]))
        }
        "coalesce" => v(format!("coalesce(values={})", list(0))),
        "required" => {
            need!(2, 2, "2");
            v(filter(1, "required", &[("message", 0)]))
        }
        "fail" => {
            need!(1, 1, "1");
            s(format!("fail(message={})", txt(0)))
        }
        // Output.
        "print" => s(format!("print(values={})", list(0))),
        "println" => s(format!("print(values={}) ~ \"\\n\"", list(0))),
        "printf" => {
            need!(1, usize::MAX, "at least 1");
            s(format!("printf(format={}, values={})", txt(0), list(1)))
        }
        "cat" => s(format!("cat(values={})", list(0))),
        "quote" => {
            need!(1, usize::MAX, "1");
            if n == 1 {
                s(filter(0, "quote", &[]))
            } else {
                s(format!("{} | join(sep=\" \")", format_list(&a, "quote")))
            }
        }
        "squote" => {
            need!(1, usize::MAX, "1");
            if n == 1 {
                s(filter(0, "squote", &[]))
            } else {
                s(format!("{} | join(sep=\" \")", format_list(&a, "squote")))
            }
        }
        // Templates.
        "tpl" => {
            need!(2, 2, "2");
            if a[1].root {
                s(format!("helmTpl(template={})", txt(0)))
            } else {
                s(format!("helmTpl(template={}, dot={})", txt(0), txt(1)))
            }
        }
        // YAML/JSON.
        "toYaml" | "mustToYaml" => {
            need!(1, 1, "1");
            s(filter(0, "toYaml", &[]))
        }
        "toJson" | "mustToJson" | "toRawJson" | "mustToRawJson" => {
            need!(1, 1, "1");
            s(filter(0, "toJson", &[]))
        }
        "toPrettyJson" | "mustToPrettyJson" => {
            need!(1, 1, "1");
            s(filter(0, "toPrettyJson", &[]))
        }
        "fromYaml" | "fromJson" | "mustFromJson" => {
            need!(1, 1, "1");
            v(filter(0, "fromYamlMap", &[]))
        }
        "fromYamlArray" | "fromJsonArray" => {
            need!(1, 1, "1");
            v(filter(0, "fromYamlArray", &[]))
        }
        // Strings.
        "indent" => {
            need!(2, 2, "2");
            s(filter(1, "indent", &[("width", 0)]))
        }
        "nindent" => {
            need!(2, 2, "2");
            s(filter(1, "nindent", &[("width", 0)]))
        }
        "trim" => {
            need!(1, 1, "1");
            s(filter(0, "trim", &[]))
        }
        "trimAll" => {
            need!(2, 2, "2");
            s(filter(1, "trimAll", &[("chars", 0)]))
        }
        "trimSuffix" => {
            need!(2, 2, "2");
            s(filter(1, "trimSuffix", &[("suffix", 0)]))
        }
        "trimPrefix" => {
            need!(2, 2, "2");
            s(filter(1, "trimPrefix", &[("prefix", 0)]))
        }
        "trunc" => {
            need!(2, 2, "2");
            s(filter(1, "trunc", &[("length", 0)]))
        }
        "substr" => {
            need!(3, 3, "3");
            s(filter(2, "substr", &[("start", 0), ("end", 1)]))
        }
        "replace" => {
            need!(3, 3, "3");
            s(filter(2, "replace", &[("from", 0), ("to", 1)]))
        }
        "lower" => {
            need!(1, 1, "1");
            s(filter(0, "lower", &[]))
        }
        "upper" => {
            need!(1, 1, "1");
            s(filter(0, "upper", &[]))
        }
        "title" => {
            need!(1, 1, "1");
            s(filter(0, "titleWords", &[]))
        }
        "repeat" => {
            need!(2, 2, "2");
            s(filter(1, "repeat", &[("count", 0)]))
        }
        "nospace" => {
            need!(1, 1, "1");
            s(filter(0, "nospace", &[]))
        }
        "contains" => {
            need!(2, 2, "2");
            v(filter(1, "contains", &[("substring", 0)]))
        }
        "hasPrefix" => {
            need!(2, 2, "2");
            v(filter(1, "hasPrefix", &[("prefix", 0)]))
        }
        "hasSuffix" => {
            need!(2, 2, "2");
            v(filter(1, "hasSuffix", &[("suffix", 0)]))
        }
        "split" => {
            need!(2, 2, "2");
            v(filter(1, "splitMap", &[("sep", 0)]))
        }
        "splitn" => {
            need!(3, 3, "3");
            v(filter(2, "splitMap", &[("sep", 0), ("limit", 1)]))
        }
        "splitList" => {
            need!(2, 2, "2");
            v(filter(1, "splitList", &[("sep", 0)]))
        }
        "join" => {
            need!(2, 2, "2");
            s(filter(1, "joinList", &[("sep", 0)]))
        }
        "b64enc" => {
            need!(1, 1, "1");
            s(filter(0, "b64enc", &[]))
        }
        "b64dec" => {
            need!(1, 1, "1");
            s(filter(0, "b64dec", &[]))
        }
        "sha256sum" => {
            need!(1, 1, "1");
            s(filter(0, "sha256sum", &[]))
        }
        "sha1sum" => {
            need!(1, 1, "1");
            s(filter(0, "sha1sum", &[]))
        }
        "regexMatch" | "mustRegexMatch" => {
            need!(2, 2, "2");
            v(filter(1, "regexMatch", &[("regex", 0)]))
        }
        "regexFind" | "mustRegexFind" => {
            need!(2, 2, "2");
            s(filter(1, "regexFind", &[("regex", 0)]))
        }
        "regexFindAll" | "mustRegexFindAll" => {
            need!(3, 3, "3");
            v(filter(1, "regexFindAll", &[("regex", 0), ("limit", 2)]))
        }
        "regexReplaceAll" | "mustRegexReplaceAll" => {
            need!(3, 3, "3");
            s(filter(
                1,
                "regexReplaceAll",
                &[("regex", 0), ("replacement", 2)],
            ))
        }
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            need!(3, 3, "3");
            s(filter(
                1,
                "regexReplaceAllLiteral",
                &[("regex", 0), ("replacement", 2)],
            ))
        }
        "regexSplit" | "mustRegexSplit" => {
            need!(3, 3, "3");
            v(filter(1, "regexSplit", &[("regex", 0), ("limit", 2)]))
        }
        "regexQuoteMeta" => {
            need!(1, 1, "1");
            s(filter(0, "regexQuoteMeta", &[]))
        }
        "base" => {
            need!(1, 1, "1");
            s(filter(0, "pathBase", &[]))
        }
        "dir" => {
            need!(1, 1, "1");
            s(filter(0, "pathDir", &[]))
        }
        "ext" => {
            need!(1, 1, "1");
            s(filter(0, "pathExt", &[]))
        }
        // Conversions and types.
        "toString" => {
            need!(1, 1, "1");
            s(filter(0, "toString", &[]))
        }
        "toStrings" => {
            need!(1, 1, "1");
            v(filter(0, "toStrings", &[]))
        }
        "int" | "int64" | "toDecimal" => {
            need!(1, 1, "1");
            s(filter(0, "int64", &[]))
        }
        "float64" => {
            need!(1, 1, "1");
            s(filter(0, "float64", &[]))
        }
        "atoi" => {
            need!(1, 1, "1");
            s(filter(0, "atoi", &[]))
        }
        "kindOf" => {
            need!(1, 1, "1");
            s(filter(0, "kindOf", &[]))
        }
        "typeOf" => {
            need!(1, 1, "1");
            // Go's static type of a Sprig result that Tera's values do not keep.
            let typed = |f: &str| match f {
                "until" | "untilStep" => Some("[]int"),
                "splitList" | "toStrings" | "regexFindAll" | "regexSplit" | "sortAlpha" => {
                    Some("[]string")
                }
                _ => None,
            };
            let from = match args.first() {
                Some(Expr::Chain(p, f, _)) if f.is_empty() => {
                    p.cmds.last().and_then(|c| match c.args.first() {
                        Some(Expr::Ident(f, _)) => typed(f),
                        _ => None,
                    })
                }
                _ => None,
            };
            match from {
                Some(t) => s(string_literal(t)),
                None => s(filter(0, "typeOf", &[])),
            }
        }
        "kindIs" => {
            need!(2, 2, "2");
            v(filter(1, "kindIs", &[("kind", 0)]))
        }
        "typeIs" => {
            need!(2, 2, "2");
            v(filter(1, "typeIs", &[("type", 0)]))
        }
        "deepEqual" => {
            need!(2, 2, "2");
            Code::compound(format!("{} == {}", op(0), op(1)))
        }
        "len" => {
            need!(1, 1, "1");
            s(filter(0, "len", &[]))
        }
        "semver" => {
            need!(1, 1, "1");
            v(filter(0, "semver", &[]))
        }
        "seq" => v(format!("seq(values={})", list(0))),
        "camelcase" | "snakecase" | "kebabcase" | "swapcase" => {
            need!(1, 1, "1");
            s(filter(0, name, &[]))
        }
        "untitle" => {
            need!(1, 1, "1");
            s(filter(0, "untitle", &[]))
        }
        "plural" => {
            need!(3, 3, "3");
            s(filter(2, "plural", &[("one", 0), ("many", 1)]))
        }
        "abbrev" => {
            need!(2, 2, "2");
            s(filter(1, "abbrev", &[("width", 0)]))
        }
        "adler32sum" => {
            need!(1, 1, "1");
            s(filter(0, "adler32sum", &[]))
        }
        "chunk" => {
            need!(2, 2, "2");
            v(filter(1, "chunk", &[("size", 0)]))
        }
        "semverCompare" => {
            need!(2, 2, "2");
            v(format!(
                "semverCompare(constraint={}, version={})",
                txt(0),
                txt(1)
            ))
        }
        // Numbers.
        "add" | "mul" | "max" | "min" | "addf" | "mulf" | "maxf" | "minf" => {
            v(format!("{name}(values={})", list(0)))
        }
        "sub" | "div" | "mod" | "subf" | "divf" => {
            need!(2, 2, "2");
            v(format!("{name}(a={}, b={})", txt(0), txt(1)))
        }
        "add1" | "add1f" => {
            need!(1, 1, "1");
            v(format!("add(values=[{}, 1])", txt(0)))
        }
        "floor" | "ceil" => {
            need!(1, 1, "1");
            v(filter(0, name, &[]))
        }
        "round" => {
            need!(2, 3, "2");
            v(filter(0, "roundTo", &[("precision", 1)]))
        }
        "until" => {
            need!(1, 1, "1");
            v(format!("until(count={})", txt(0)))
        }
        "untilStep" => {
            need!(3, 3, "3");
            v(format!(
                "untilStep(start={}, stop={}, step={})",
                txt(0),
                txt(1),
                txt(2)
            ))
        }
        // Lists.
        "list" | "tuple" => v(list(0)),
        "first" | "mustFirst" => {
            need!(1, 1, "1");
            v(filter(0, "firstItem", &[]))
        }
        "last" | "mustLast" => {
            need!(1, 1, "1");
            v(filter(0, "lastItem", &[]))
        }
        "rest" | "mustRest" => {
            need!(1, 1, "1");
            v(filter(0, "rest", &[]))
        }
        "initial" | "mustInitial" => {
            need!(1, 1, "1");
            v(filter(0, "initial", &[]))
        }
        "append" | "push" | "mustAppend" | "mustPush" => {
            need!(2, 2, "2");
            v(filter(0, "append", &[("value", 1)]))
        }
        "prepend" | "mustPrepend" => {
            need!(2, 2, "2");
            v(filter(0, "prepend", &[("value", 1)]))
        }
        "concat" => v(format!("concat(lists={})", list(0))),
        "uniq" | "mustUniq" => {
            need!(1, 1, "1");
            v(filter(0, "uniq", &[]))
        }
        "compact" | "mustCompact" => {
            need!(1, 1, "1");
            v(filter(0, "compact", &[]))
        }
        "reverse" | "mustReverse" => {
            need!(1, 1, "1");
            v(filter(0, "reverse", &[]))
        }
        "sortAlpha" => {
            need!(1, 1, "1");
            v(filter(0, "sortAlpha", &[]))
        }
        "without" | "mustWithout" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("{} | without(values={})", op(0), list(1)))
        }
        "has" | "mustHas" => {
            need!(2, 2, "2");
            v(filter(1, "has", &[("value", 0)]))
        }
        "index" => {
            need!(1, usize::MAX, "at least 1");
            if n == 1 {
                return a[0].clone();
            }
            v(format!("{} | index(keys={})", op(0), list(1)))
        }
        "slice" | "mustSlice" => {
            need!(1, 3, "1 to 3");
            let mut kw = vec![];
            if n > 1 {
                kw.push(("start", 1));
            }
            if n > 2 {
                kw.push(("end", 2));
            }
            v(filter(0, "sliceList", &kw))
        }
        // Dicts.
        "dict" => dict(t, &a, pos),
        "get" => {
            need!(2, 2, "2");
            v(format!("{} | getKey(key={})", op(0), txt(1)))
        }
        "set" => {
            need!(3, 3, "3");
            v(filter(0, "setKey", &[("key", 1), ("value", 2)]))
        }
        "unset" => {
            need!(2, 2, "2");
            v(filter(0, "unsetKey", &[("key", 1)]))
        }
        "hasKey" => {
            need!(2, 2, "2");
            v(filter(0, "hasKey", &[("key", 1)]))
        }
        "keys" => {
            need!(1, usize::MAX, "at least 1");
            if n == 1 {
                v(filter(0, "keysList", &[]))
            } else {
                v(format!(
                    "concat(lists=[{}])",
                    a.iter()
                        .map(|c| format!("{} | keysList", c.operand()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        "values" => {
            need!(1, 1, "1");
            v(filter(0, "valuesList", &[]))
        }
        "pick" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("{} | pick(keys={})", op(0), list(1)))
        }
        "omit" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("{} | omit(keys={})", op(0), list(1)))
        }
        "pluck" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("pluck(key={}, dicts={})", txt(0), list(1)))
        }
        "dig" => {
            need!(3, usize::MAX, "at least 3");
            v(format!(
                "{} | dig(keys=[{}], default={})",
                op(n - 1),
                a[..n - 2]
                    .iter()
                    .map(|c| c.text.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                txt(n - 2)
            ))
        }
        "merge" | "mustMerge" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("merge(values={})", list(0)))
        }
        "mergeOverwrite" | "mustMergeOverwrite" => {
            need!(1, usize::MAX, "at least 1");
            v(format!("mergeOverwrite(values={})", list(0)))
        }
        "deepCopy" | "mustDeepCopy" => {
            need!(1, 1, "1");
            a[0].clone()
        }
        _ => Code::atom(t.issue(pos, format!("function {name:?} is not supported"))),
    }
}

fn format_list(a: &[Code], f: &str) -> String {
    format!(
        "[{}]",
        a.iter()
            .map(|c| format!("{} | {f}", c.operand()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn dict(t: &mut Translator, a: &[Code], _pos: Pos) -> Code {
    let literal_keys = a
        .iter()
        .step_by(2)
        .all(|k| k.text.starts_with('"') && k.printable);
    if literal_keys {
        let mut pairs = Vec::new();
        let mut i = 0;
        while i < a.len() {
            let value = a
                .get(i + 1)
                .map(|c| c.text.clone())
                .unwrap_or_else(|| "\"\"".into());
            pairs.push(format!("{}: {value}", a[i].text));
            i += 2;
        }
        let _ = t;
        return Code::atom(format!("{{{}}}", pairs.join(", ")));
    }
    Code::atom(format!(
        "dict(pairs=[{}])",
        a.iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `include NAME ARG`: a component call, or for `include (print $.Template.BasePath "/x") .`
/// the whole-file `include(template="templates/x")`.
fn include(t: &mut Translator, args: &[Expr], piped: Option<Code>, pos: Pos) -> Code {
    let name_expr = args.first();
    match name_expr {
        Some(Expr::Str(name, _)) => {
            let Some(component) = t.component(name) else {
                return Code::atom(t.issue(
                    pos,
                    format!("include: no define {name:?} in this chart or its subcharts"),
                ));
            };
            let dot = match (args.get(1), piped) {
                (Some(e), _) => t.expr(e).text,
                (None, Some(p)) => p.text,
                (None, None) => "none".into(),
            };
            Code::printable(component_call(&component, &dot))
        }
        Some(Expr::Chain(pipe, fields, _)) if fields.is_empty() => {
            // `(print $.Template.BasePath "/configmap.yaml")`
            let cmd = &pipe.cmds[0].args;
            let is_base = |e: &Expr| matches!(e, Expr::Variable(_, f, _) | Expr::Field(f, _) if f.len() == 2 && f[0] == "Template" && f[1] == "BasePath");
            if pipe.cmds.len() == 1
                && matches!(cmd.first(), Some(Expr::Ident(p, _)) if p == "print" || p == "printf")
                && cmd.iter().any(is_base)
                && let Some(Expr::Str(rest, _)) = cmd.last()
            {
                let path = format!(
                    "templates{}",
                    if rest.starts_with('/') {
                        rest.clone()
                    } else {
                        format!("/{rest}")
                    }
                );
                let path = path.replace("%s", "");
                return Code::printable(format!("include(template={})", string_literal(&path)));
            }
            Code::atom(t.issue(pos, "include with a computed template name".into()))
        }
        _ => Code::atom(t.issue(pos, "include with a computed template name".into())),
    }
}
