//! The `--set` family of command-line expressions (Helm's `pkg/strvals`).
//!
//! Grammar, shared by `--set`, `--set-string`, `--set-json` and `--set-file`:
//!
//! * `a.b=c,d=e` sets several keys; a dot descends into a map (created when missing).
//! * `list[0].x=1`, `a[0]=x`, `m[1][0]=y` index lists; gaps are filled with `null`. An index is at
//!   most 65536 and a name nests at most 30 levels (dots and nested indices count alike).
//! * `\` makes the next character literal anywhere, so `a\.b=c` sets the key `a.b` and `\,`
//!   `\=` keep a comma or an equals sign in a value.
//! * `a={x,y}` is a list literal; `a={}` is an empty list.
//! * `a=` sets the empty string (`null` for `--set-json`).
//!
//! Values are typed by `--set` only: `true`/`false` (any case) become booleans, `null` (any case)
//! becomes null, a decimal integer without a leading zero becomes an integer. Everything else,
//! floats included (`1.5`, `1e3`), stays a string, so a version like `1.10` is never turned into
//! `1.1`. `--set-string` keeps every value a string, `--set-json` reads each value as JSON,
//! `--set-file` reads the file a value names, and `--set-literal` takes everything after the
//! first `=` verbatim, without commas, escapes or lists.
//!
//! Expressions are applied *into* an existing map, because Helm lets `--set list[1]=x` change one
//! item of a list that came from a `-f` file.
//!
//! Where Helm is silent or panics we report an error or pick the obvious result, and say so:
//! `a[0` and `a[0]` without a value, `a.` and `=x` (an empty key) are errors (Helm ignores them);
//! `{}` is an empty list (Helm gives a list holding one empty string); a path through a value of
//! another type replaces it (`--set a.b=1` over `a: text`), where Helm fails with an interface
//! conversion panic.

use std::io;

use super::error::Error;
use super::merge::merge;
use super::{Map, SourceReader, Value};

/// Highest list index an expression may use (Helm's `MaxIndex`).
pub const MAX_INDEX: usize = 65536;

/// Deepest nesting of names an expression may use (Helm's `MaxNestedNameLevel`).
pub const MAX_NESTING: usize = 30;

/// Applies a `--set` expression: values are typed (bool, null, integer, else string).
pub fn parse_set(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::Typed, "--set")
}

/// Applies a `--set-string` expression: every value is a string.
pub fn parse_set_string(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::String, "--set-string")
}

/// Applies a `--set-json` expression: `key=<json>[,key=<json>...]`, or (Helm v4) a whole JSON
/// object, which is merged into `dest` like a values file.
pub fn parse_set_json(expression: &str, dest: &mut Map) -> Result<(), Error> {
    let trimmed = expression.trim();
    if trimmed.starts_with('{') {
        let object: Map = serde_json::from_str(trimmed).map_err(|error| Error::SetSyntax {
            flag: "--set-json",
            expression: expression.to_owned(),
            reason: format!("not a valid JSON object: {error}"),
        })?;
        let mut merged = Value::Object(std::mem::take(dest));
        merge(&mut merged, Value::Object(object));
        if let Value::Object(map) = merged {
            *dest = map;
        }
        return Ok(());
    }
    run(expression, dest, Mode::Json, "--set-json")
}

/// Applies a `--set-file` expression: `key=path`; the key gets the file's content as a string.
/// `-` as the path reads standard input (through `reader`).
pub fn parse_set_file(
    expression: &str,
    dest: &mut Map,
    reader: &dyn SourceReader,
) -> Result<(), Error> {
    run(expression, dest, Mode::File(reader), "--set-file")
}

/// Applies a `--set-literal` expression: everything after the first `=` is the value, verbatim.
pub fn parse_set_literal(expression: &str, dest: &mut Map) -> Result<(), Error> {
    run(expression, dest, Mode::Literal, "--set-literal")
}

fn run(expression: &str, dest: &mut Map, mode: Mode<'_>, flag: &'static str) -> Result<(), Error> {
    let mut parser = Parser {
        input: expression,
        position: 0,
        mode,
    };
    // Work on a copy so a failed expression leaves `dest` as it was.
    let mut scratch = dest.clone();
    loop {
        match parser.key(&mut scratch, 0) {
            Ok(Step::Continue) => {}
            Ok(Step::End) => break,
            Err(Failure::Syntax(reason)) => {
                return Err(Error::SetSyntax {
                    flag,
                    expression: expression.to_owned(),
                    reason,
                });
            }
            Err(Failure::File { path, source }) => {
                return Err(Error::ReadSetFile {
                    expression: expression.to_owned(),
                    path,
                    source,
                });
            }
        }
    }
    *dest = scratch;
    Ok(())
}

#[derive(Clone, Copy)]
enum Mode<'a> {
    Typed,
    String,
    Json,
    File(&'a dyn SourceReader),
    Literal,
}

/// Whether more input follows the part just parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Continue,
    End,
}

enum Failure {
    Syntax(String),
    File { path: String, source: io::Error },
}

fn syntax(reason: impl Into<String>) -> Failure {
    Failure::Syntax(reason.into())
}

struct Parser<'a> {
    input: &'a str,
    /// Byte offset of the next unread character.
    position: usize,
    mode: Mode<'a>,
}

impl Parser<'_> {
    fn is_literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn next_char(&mut self) -> Option<char> {
        let next = self.input[self.position..].chars().next()?;
        self.position += next.len_utf8();
        Some(next)
    }

    fn peek_char(&self) -> Option<char> {
        self.input[self.position..].chars().next()
    }

    /// Reads up to (and consumes) the first unescaped stop character; `None` means the input
    /// ended first. Backslash escapes apply except in literal mode.
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut text = String::new();
        while let Some(next) = self.next_char() {
            if stops.contains(&next) {
                return (text, Some(next));
            }
            if next == '\\' && !self.is_literal() {
                match self.next_char() {
                    Some(escaped) => text.push(escaped),
                    None => return (text, None),
                }
            } else {
                text.push(next);
            }
        }
        (text, None)
    }

    fn key(&mut self, data: &mut Map, nesting: usize) -> Result<Step, Failure> {
        let stops: &[char] = if self.is_literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.until(stops);
        match last {
            None if key.is_empty() => Ok(Step::End),
            None => Err(syntax(format!("key `{key}` has no value"))),
            Some(',') => Err(syntax(format!(
                "key `{key}` has no value (cannot end with `,`)"
            ))),
            Some(_) if key.is_empty() => Err(syntax("a key is empty")),
            Some('=') => {
                let (value, step) = self.value()?;
                data.insert(key, value);
                Ok(step)
            }
            Some('[') => {
                let index = self.index()?;
                let list = match data.get_mut(&key) {
                    // Taken out in place (not removed) so the key keeps its position.
                    Some(Value::Array(list)) => std::mem::take(list),
                    _ => Vec::new(),
                };
                let (list, step) = self.list_item(list, index, &key, nesting)?;
                data.insert(key, Value::Array(list));
                Ok(step)
            }
            Some('.') => {
                let nesting = nested(nesting)?;
                let mut inner = match data.get_mut(&key) {
                    Some(Value::Object(inner)) => std::mem::take(inner),
                    _ => Map::new(),
                };
                let step = self.key(&mut inner, nesting)?;
                if inner.is_empty() {
                    return Err(syntax(format!("key map `{key}` has no value")));
                }
                data.insert(key, Value::Object(inner));
                Ok(step)
            }
            Some(other) => unreachable!("`{other}` is not a stop character"),
        }
    }

    /// Reads `N]` after a `[`.
    fn index(&mut self) -> Result<usize, Failure> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(syntax(format!("missing `]` after list index `{text}`")));
        }
        let index: i64 = text
            .parse()
            .map_err(|_| syntax(format!("list index `{text}` is not a number")))?;
        if index < 0 {
            return Err(syntax(format!(
                "negative list index {index} is not allowed"
            )));
        }
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if index > MAX_INDEX {
            return Err(syntax(format!(
                "list index {index} is greater than the maximum of {MAX_INDEX}"
            )));
        }
        Ok(index)
    }

    /// Parses what follows `name[index]` and stores it in `list` at `index`.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        index: usize,
        name: &str,
        nesting: usize,
    ) -> Result<(Vec<Value>, Step), Failure> {
        let (unexpected, last) = self.until(&['[', '.', '=']);
        if !unexpected.is_empty() {
            return Err(syntax(format!(
                "unexpected `{unexpected}` after list index {index} of `{name}`"
            )));
        }
        let step = match last {
            None => {
                return Err(syntax(format!(
                    "list index {index} of `{name}` has no value"
                )));
            }
            Some('=') => {
                let (value, step) = self.value()?;
                set_index(&mut list, index, value);
                step
            }
            Some('[') => {
                let nesting = nested(nesting)?;
                let inner_index = self.index()?;
                let inner = match list.get_mut(index) {
                    Some(Value::Array(inner)) => std::mem::take(inner),
                    _ => Vec::new(),
                };
                let (inner, step) = self.list_item(inner, inner_index, name, nesting)?;
                set_index(&mut list, index, Value::Array(inner));
                step
            }
            Some('.') => {
                let mut inner = match list.get_mut(index) {
                    Some(Value::Object(inner)) => std::mem::take(inner),
                    _ => Map::new(),
                };
                let step = self.key(&mut inner, nesting)?;
                if inner.is_empty() {
                    return Err(syntax(format!(
                        "list index {index} of `{name}` has no value"
                    )));
                }
                set_index(&mut list, index, Value::Object(inner));
                step
            }
            Some(other) => unreachable!("`{other}` is not a stop character"),
        };
        Ok((list, step))
    }

    /// Parses the value after `=` according to the mode.
    fn value(&mut self) -> Result<(Value, Step), Failure> {
        match self.mode {
            Mode::Literal => {
                let rest = self.input[self.position..].to_owned();
                self.position = self.input.len();
                Ok((Value::String(rest), Step::End))
            }
            Mode::Json => self.json_value(),
            Mode::Typed | Mode::String | Mode::File(_) => match self.peek_char() {
                None => Ok((Value::String(String::new()), Step::End)),
                Some('{') => {
                    self.next_char();
                    Ok((Value::Array(self.list_literal()?), Step::Continue))
                }
                Some(_) => {
                    let (text, last) = self.until(&[',']);
                    let step = if last.is_some() {
                        Step::Continue
                    } else {
                        Step::End
                    };
                    Ok((self.scalar(text)?, step))
                }
            },
        }
    }

    /// Reads `a,b,c}` after a `{`.
    fn list_literal(&mut self) -> Result<Vec<Value>, Failure> {
        let mut items = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err(syntax("list must end with `}`")),
                Some('}') => {
                    if self.peek_char() == Some(',') {
                        self.next_char();
                    }
                    // `{}` is an empty list, not a list holding one empty string.
                    if !(items.is_empty() && text.is_empty()) {
                        items.push(self.scalar(text)?);
                    }
                    return Ok(items);
                }
                Some(_) => items.push(self.scalar(text)?),
            }
        }
    }

    fn scalar(&self, text: String) -> Result<Value, Failure> {
        match self.mode {
            Mode::Typed => Ok(typed_value(text)),
            Mode::File(reader) => match reader.read_to_string(&text) {
                Ok(content) => Ok(Value::String(content)),
                Err(source) => Err(Failure::File { path: text, source }),
            },
            Mode::String | Mode::Json | Mode::Literal => Ok(Value::String(text)),
        }
    }

    fn json_value(&mut self) -> Result<(Value, Step), Failure> {
        if let Some(step) = self.skip_empty_value() {
            return Ok((Value::Null, step));
        }
        let rest = &self.input[self.position..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(error)) => return Err(syntax(format!("invalid JSON value: {error}"))),
            None => return Ok((Value::Null, Step::End)),
        };
        self.position += stream.byte_offset();
        let step = self.skip_empty_value().unwrap_or(Step::Continue);
        Ok((value, step))
    }

    /// Skips blanks; when they run up to a comma (consumed) or the end, the value is empty and
    /// the step after it is returned. Otherwise nothing but the blanks is consumed.
    fn skip_empty_value(&mut self) -> Option<Step> {
        loop {
            match self.peek_char() {
                None => return Some(Step::End),
                Some(',') => {
                    self.next_char();
                    return Some(Step::Continue);
                }
                Some(blank) if blank.is_whitespace() => {
                    self.next_char();
                }
                Some(_) => return None,
            }
        }
    }
}

fn nested(nesting: usize) -> Result<usize, Failure> {
    let nesting = nesting + 1;
    if nesting > MAX_NESTING {
        return Err(syntax(format!(
            "names nest deeper than the maximum of {MAX_NESTING} levels"
        )));
    }
    Ok(nesting)
}

fn set_index(list: &mut Vec<Value>, index: usize, value: Value) {
    if list.len() <= index {
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
}

/// Helm's `typedVal`: booleans and null in any case, integers without a leading zero; never
/// floats, so `1.10` and `007` survive as written.
fn typed_value(text: String) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Ok(integer) = text.parse::<i64>()
    {
        return Value::from(integer);
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::MapReader;
    use super::*;

    fn set(expression: &str) -> Value {
        let mut map = Map::new();
        parse_set(expression, &mut map).unwrap();
        Value::Object(map)
    }

    fn set_into(base: Value, expression: &str) -> Value {
        let Value::Object(mut map) = base else {
            panic!("base must be a map")
        };
        parse_set(expression, &mut map).unwrap();
        Value::Object(map)
    }

    fn set_error(expression: &str) -> String {
        let mut map = Map::new();
        parse_set(expression, &mut map).unwrap_err().to_string()
    }

    #[test]
    fn simple_pairs() {
        assert_eq!(set("name=value"), json!({"name": "value"}));
        assert_eq!(set("a=1,b=two"), json!({"a": 1, "b": "two"}));
        assert_eq!(set("a=1,b=2,"), json!({"a": 1, "b": 2}));
        assert_eq!(set("a=one two three"), json!({"a": "one two three"}));
        assert_eq!(set(""), json!({}));
    }

    #[test]
    fn empty_value_is_empty_string() {
        assert_eq!(set("a="), json!({"a": ""}));
        assert_eq!(set("a=,b=x"), json!({"a": "", "b": "x"}));
        assert_eq!(set("a.b="), json!({"a": {"b": ""}}));
    }

    #[test]
    fn typed_values() {
        assert_eq!(
            set("t=true,f=FALSE,m=True,n=null,N=NULL,zero=0,int=1234567890,neg=-42,plus=+5"),
            json!({
                "t": true, "f": false, "m": true, "n": null, "N": null,
                "zero": 0, "int": 1234567890, "neg": -42, "plus": 5,
            })
        );
    }

    #[test]
    fn floats_and_leading_zeros_stay_strings() {
        let value = set("f=1.5,v=1.10,e=1e3,z=007,zz=00,big=99999999999999999999,s= 5");
        assert_eq!(
            value,
            json!({
                "f": "1.5", "v": "1.10", "e": "1e3", "z": "007", "zz": "00",
                "big": "99999999999999999999", "s": " 5",
            })
        );
        assert!(value["f"].is_string());
    }

    #[test]
    fn integers_are_i64() {
        assert!(set("a=9223372036854775807")["a"].is_i64());
        assert_eq!(
            set("a=9223372036854775808")["a"],
            json!("9223372036854775808")
        );
    }

    #[test]
    fn dots_nest_maps() {
        assert_eq!(
            set("outer.middle.inner=value,outer.other=1"),
            json!({"outer": {"middle": {"inner": "value"}, "other": 1}})
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(set(r"a\.b=c"), json!({"a.b": "c"}));
        assert_eq!(
            set(r"a=one\,two,b=three\=four"),
            json!({"a": "one,two", "b": "three=four"})
        );
        assert_eq!(
            set(r"annotations.kubernetes\.io/ingress\.class=nginx"),
            json!({"annotations": {"kubernetes.io/ingress.class": "nginx"}})
        );
        assert_eq!(set(r"a=back\\slash"), json!({"a": r"back\slash"}));
        assert_eq!(set(r"a=\{x}"), json!({"a": "{x}"}));
    }

    #[test]
    fn list_literals() {
        assert_eq!(set("a={x,y}"), json!({"a": ["x", "y"]}));
        assert_eq!(set("a={1,true,1.5}"), json!({"a": [1, true, "1.5"]}));
        assert_eq!(
            set("a={x,y},b={z},c=1"),
            json!({"a": ["x", "y"], "b": ["z"], "c": 1})
        );
        assert_eq!(set("a.b={x}"), json!({"a": {"b": ["x"]}}));
        assert_eq!(set("a={}"), json!({"a": []}));
        assert_eq!(set("a={x,}"), json!({"a": ["x", ""]}));
        assert_eq!(set(r"a={x\,y,z}"), json!({"a": ["x,y", "z"]}));
    }

    #[test]
    fn unterminated_list_literal_is_an_error() {
        assert_eq!(
            set_error("a={1021,902"),
            "invalid --set expression `a={1021,902`: list must end with `}`"
        );
    }

    #[test]
    fn list_indices() {
        assert_eq!(set("list[0]=foo"), json!({"list": ["foo"]}));
        assert_eq!(
            set("list[0]=foo,list[1]=bar"),
            json!({"list": ["foo", "bar"]})
        );
        assert_eq!(set("list[0].foo=bar"), json!({"list": [{"foo": "bar"}]}));
        assert_eq!(
            set("list[0].foo=bar,list[0].hello=world"),
            json!({"list": [{"foo": "bar", "hello": "world"}]})
        );
        assert_eq!(set("noval[0]="), json!({"noval": [""]}));
        assert_eq!(set("a.b[1].c=x"), json!({"a": {"b": [null, {"c": "x"}]}}));
        assert_eq!(set("a[0]={x,y}"), json!({"a": [["x", "y"]]}));
    }

    #[test]
    fn sparse_lists_fill_with_null() {
        assert_eq!(
            set("list[0]=foo,list[3]=bar"),
            json!({"list": ["foo", null, null, "bar"]})
        );
        assert_eq!(set("nested[1][1]=1"), json!({"nested": [null, [null, 1]]}));
    }

    #[test]
    fn nested_lists() {
        assert_eq!(set("nested[0][0]=1"), json!({"nested": [[1]]}));
        let base = json!({});
        let once = set_into(base, "listOuter[0][0].type=listValue");
        let twice = set_into(once, "listOuter[0][0].status=alive");
        assert_eq!(
            twice,
            json!({"listOuter": [[{"type": "listValue", "status": "alive"}]]})
        );
    }

    #[test]
    fn applies_into_existing_values() {
        let base = json!({"outer": {"inner1": "overwrite", "inner2": "value2"}, "list": [1, 2, 3]});
        assert_eq!(
            set_into(base, "outer.inner1=value1,outer.inner3=3,list[1]=x"),
            json!({
                "outer": {"inner1": "value1", "inner2": "value2", "inner3": 3},
                "list": [1, "x", 3],
            })
        );
    }

    #[test]
    fn existing_keys_keep_their_position() {
        let base = json!({"list": [1], "map": {"a": 1}, "last": true});
        let value = set_into(base, "list[1]=2,map.b=2");
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["list", "map", "last"]);
        assert_eq!(
            value,
            json!({"list": [1, 2], "map": {"a": 1, "b": 2}, "last": true})
        );
    }

    #[test]
    fn paths_through_other_types_replace_them() {
        assert_eq!(
            set_into(json!({"a": "text"}), "a.b=1"),
            json!({"a": {"b": 1}})
        );
        assert_eq!(
            set_into(json!({"a": {"x": 1}}), "a[0]=1"),
            json!({"a": [1]})
        );
        assert_eq!(
            set_into(json!({"a": [5, 6]}), "a[1].b=1"),
            json!({"a": [5, {"b": 1}]})
        );
        assert_eq!(
            set_into(json!({"a": ["x"]}), "a[0][1]=1"),
            json!({"a": [[null, 1]]})
        );
    }

    #[test]
    fn null_is_kept_for_later_deletion() {
        assert_eq!(set_into(json!({"a": 1}), "a=null"), json!({"a": null}));
    }

    #[test]
    fn index_errors() {
        assert_eq!(
            set_error("a[=1"),
            "invalid --set expression `a[=1`: missing `]` after list index `=1`"
        );
        assert_eq!(
            set_error("list[65537]=x"),
            "invalid --set expression `list[65537]=x`: list index 65537 is greater than the maximum of 65536"
        );
        assert_eq!(
            set_error("list[99999999999999999999]=x"),
            "invalid --set expression `list[99999999999999999999]=x`: list index `99999999999999999999` is not a number"
        );
        assert_eq!(
            set_error("list[0]=foo,list[-20]=bar"),
            "invalid --set expression `list[0]=foo,list[-20]=bar`: negative list index -20 is not allowed"
        );
        assert_eq!(
            set_error("list[x]=1"),
            "invalid --set expression `list[x]=1`: list index `x` is not a number"
        );
        assert_eq!(
            set_error("illegal[0]name.foo=bar"),
            "invalid --set expression `illegal[0]name.foo=bar`: unexpected `name` after list index 0 of `illegal`"
        );
        assert_eq!(
            set_error("noval[0]"),
            "invalid --set expression `noval[0]`: list index 0 of `noval` has no value"
        );
    }

    #[test]
    fn max_index_is_allowed() {
        let value = set("list[65536]=x");
        assert_eq!(value["list"].as_array().unwrap().len(), 65537);
        assert_eq!(value["list"][65536], json!("x"));
    }

    #[test]
    fn nesting_limit() {
        let names: Vec<String> = (0..=MAX_NESTING).map(|i| format!("n{i}")).collect();
        let deepest_allowed = format!("{}=v", names.join("."));
        assert!(lookup_ok(&set(&deepest_allowed), &names));
        let too_deep = format!("{}.extra=v", names.join("."));
        let mut map = Map::new();
        let error = parse_set(&too_deep, &mut map).unwrap_err().to_string();
        assert!(
            error.ends_with(": names nest deeper than the maximum of 30 levels"),
            "{error}"
        );
    }

    fn lookup_ok(value: &Value, names: &[String]) -> bool {
        super::super::lookup_path(value, &names.join(".")) == Some(&json!("v"))
    }

    #[test]
    fn key_errors() {
        assert_eq!(
            set_error("name1"),
            "invalid --set expression `name1`: key `name1` has no value"
        );
        assert_eq!(
            set_error("name1,name2=value2"),
            "invalid --set expression `name1,name2=value2`: key `name1` has no value (cannot end with `,`)"
        );
        assert_eq!(
            set_error("a=1,,b=2"),
            "invalid --set expression `a=1,,b=2`: key `` has no value (cannot end with `,`)"
        );
        assert_eq!(
            set_error("name1.name2"),
            "invalid --set expression `name1.name2`: key `name2` has no value"
        );
        assert_eq!(
            set_error("name1.=name2"),
            "invalid --set expression `name1.=name2`: a key is empty"
        );
        assert_eq!(
            set_error("=value"),
            "invalid --set expression `=value`: a key is empty"
        );
        assert_eq!(
            set_error("a."),
            "invalid --set expression `a.`: key map `a` has no value"
        );
        assert_eq!(
            set_error("]={}]."),
            "invalid --set expression `]={}].`: key map `]` has no value"
        );
    }

    #[test]
    fn failed_expression_leaves_destination_unchanged() {
        let mut map = Map::new();
        map.insert("keep".into(), json!(1));
        assert!(parse_set("a=1,b[x]=2", &mut map).is_err());
        assert_eq!(Value::Object(map), json!({"keep": 1}));
    }

    #[test]
    fn set_string_keeps_strings() {
        let mut map = Map::new();
        parse_set_string("a=1,b=true,c=null,d=0,e={1,2},f=", &mut map).unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"a": "1", "b": "true", "c": "null", "d": "0", "e": ["1", "2"], "f": ""})
        );
    }

    #[test]
    fn set_json_values() {
        let mut map = Map::new();
        map.insert(
            "outer".into(),
            json!({"inner1": {"x": "overwrite"}, "inner2": "value2"}),
        );
        parse_set_json(
            r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["v1","v2"],outer.inner4=true,outer.inner5="true",f=1.5"#,
            &mut map,
        )
        .unwrap();
        assert_eq!(
            Value::Object(map),
            json!({
                "outer": {
                    "inner1": {"a": "1", "b": 2, "c": [1, 2, 3]},
                    "inner2": "value2",
                    "inner3": ["v1", "v2"],
                    "inner4": true,
                    "inner5": "true",
                },
                "f": 1.5,
            })
        );
    }

    #[test]
    fn set_json_empty_is_null_and_indices_work() {
        let mut map = Map::new();
        parse_set_json(r#"a=,b={"cc":[1,2,3]},b.cc[1]=null,c= ,d=[1]"#, &mut map).unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"a": null, "b": {"cc": [1, null, 3]}, "c": null, "d": [1]})
        );
    }

    #[test]
    fn set_json_whole_object_merges() {
        let mut map = Map::new();
        map.insert("image".into(), json!({"repository": "nginx", "tag": "1"}));
        parse_set_json(r#" {"image": {"tag": "2"}, "gone": null} "#, &mut map).unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"image": {"repository": "nginx", "tag": "2"}, "gone": null})
        );
    }

    #[test]
    fn set_json_errors() {
        let mut map = Map::new();
        let error = parse_set_json("a={bad", &mut map).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid --set-json expression `a={bad`: invalid JSON value: "),
            "{error}"
        );
        let error = parse_set_json("{bad", &mut map).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid --set-json expression `{bad`: not a valid JSON object: "),
            "{error}"
        );
        let error = parse_set_json(r#"a=[1,2]]"#, &mut map)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("invalid --set-json expression"),
            "{error}"
        );
    }

    #[test]
    fn set_file_reads_through_the_reader() {
        let reader = MapReader::new()
            .with_file("certs/tls.crt", "-----BEGIN-----\n")
            .with_file("a.txt", "1")
            .with_stdin("from stdin");
        let mut map = Map::new();
        parse_set_file("tls.crt=certs/tls.crt,n=a.txt,in=-", &mut map, &reader).unwrap();
        assert_eq!(
            Value::Object(map),
            // File content is always a string, even when it looks like a number.
            json!({"tls": {"crt": "-----BEGIN-----\n"}, "n": "1", "in": "from stdin"})
        );
    }

    #[test]
    fn set_file_missing_file_names_path_and_expression() {
        let reader = MapReader::new();
        let mut map = Map::new();
        let error = parse_set_file("key=missing.txt", &mut map, &reader).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot read file `missing.txt` for --set-file expression `key=missing.txt`"
        );
        let source = std::error::Error::source(&error).unwrap();
        assert_eq!(
            source.downcast_ref::<io::Error>().unwrap().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn set_literal_takes_value_verbatim() {
        let mut map = Map::new();
        parse_set_literal(r"a.b=x,y=z\,{1,2}=", &mut map).unwrap();
        parse_set_literal("n=1", &mut map).unwrap();
        parse_set_literal("l[1]=true", &mut map).unwrap();
        parse_set_literal("e=", &mut map).unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"a": {"b": r"x,y=z\,{1,2}="}, "n": "1", "l": [null, "true"], "e": ""})
        );
    }

    #[test]
    fn set_literal_errors() {
        let mut map = Map::new();
        let error = parse_set_literal("novalue", &mut map).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid --set-literal expression `novalue`: key `novalue` has no value"
        );
    }
}
