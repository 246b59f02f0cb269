use std::io;

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

/// Bug: a dot after a list index did not count as a level, so `a[0].a[0]…` nested without
/// limit and overflowed the stack.
#[test]
fn dots_after_list_indices_count_as_levels() {
    let allowed = format!("{}b=1", "a[0].".repeat(MAX_NESTING));
    assert!(parse_set(&allowed, &mut Map::new()).is_ok());
    let too_deep = format!("{}b=1", "a[0].".repeat(50_000));
    let error = parse_set(&too_deep, &mut Map::new())
        .unwrap_err()
        .to_string();
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
