//! The writer: what it writes reads back to the same value under YAML 1.2 (`serde_yaml` as it
//! is) and YAML 1.1 (both readers), quoted as go-yaml quotes, and where no string needs YAML
//! 1.1's quotes it is `serde_yaml::to_string`'s text, byte for byte.

use serde_json::{Map, Value, json};

use super::super::emit::{self, Style};
use super::super::scalar;
use super::{Random, check_parse, exact, serde_document};

/// Reads `text` as plain `serde_yaml` (YAML 1.2), without the YAML 1.1 scalar rules.
fn read_yaml_1_2(text: &str) -> Value {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("YAML 1.2 cannot read {text:?}: {e}"));
    super::super::to_json(yaml)
}

/// Whether `serde_yaml` writes `value` as the writer does: no string that YAML 1.1 reads
/// differently, none with characters only double quotes hold, no complex keys.
fn same_as_serde_yaml(value: &Value) -> bool {
    let string_ok = |text: &str| {
        !scalar::needs_quotes(text) && !text.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}'])
    };
    match value {
        Value::String(text) => string_ok(text),
        Value::Array(items) => items.iter().all(same_as_serde_yaml),
        Value::Object(map) => map.iter().all(|(key, value)| {
            string_ok(key) && key.len() <= 128 && !key.contains('\n') && same_as_serde_yaml(value)
        }),
        _ => true,
    }
}

/// Numbers as floats, so that Helm's `1` for `1.0` compares equal.
fn loosely(value: &Value) -> Value {
    match value {
        Value::Number(number) => json!(number.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(loosely).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), loosely(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether the keys of every map in `text`'s value come in go-yaml's natural order.
fn naturally_sorted(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(naturally_sorted),
        Value::Object(map) => {
            let keys: Vec<&String> = map.keys().collect();
            keys.windows(2)
                .all(|pair| emit::natural_cmp(pair[0], pair[1]).is_lt())
                && map.values().all(naturally_sorted)
        }
        _ => true,
    }
}

/// Asserts what the writer writes reads back to `value` under YAML 1.2 and 1.1, in both
/// styles, and is `serde_yaml`'s text where that needs no YAML 1.1 quotes. Returns the text.
fn check_emit(value: &Value) -> String {
    let text = emit::to_string(value, Style::Document).expect("JSON values are always written");
    assert_eq!(
        exact(&read_yaml_1_2(&text)),
        exact(value),
        "YAML 1.2 reading {text:?}"
    );
    let yaml_1_1 = super::super::from_str_with_serde_yaml(&text)
        .unwrap_or_else(|e| panic!("YAML 1.1 cannot read {text:?}: {e}"));
    assert_eq!(exact(&yaml_1_1), exact(value), "YAML 1.1 reading {text:?}");
    check_parse(&text);
    if same_as_serde_yaml(value) {
        assert_eq!(text, serde_document(value), "writing {}", exact(value));
    }
    let helm = emit::to_string(value, Style::Helm).expect("JSON values are always written");
    let read = read_yaml_1_2(&helm);
    assert_eq!(loosely(&read), loosely(value), "YAML 1.2 reading {helm:?}");
    let read = super::super::from_str_with_serde_yaml(&helm).unwrap();
    assert_eq!(loosely(&read), loosely(value), "YAML 1.1 reading {helm:?}");
    assert!(naturally_sorted(&read), "keys out of order in {helm:?}");
    check_parse(&helm);
    text
}

const TRICKY_STRINGS: &[&str] = &[
    "",
    " ",
    "plain",
    "two words",
    "true",
    "True",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "null",
    "Null",
    "~",
    "1",
    "-1",
    "+1",
    "007",
    "-007",
    "0",
    "1.0",
    "1.5e3",
    "1e400",
    ".5",
    "5.",
    "0x1F",
    "0x",
    "-0x10",
    "0o17",
    "0b101",
    "1_000",
    ".inf",
    "-.Inf",
    ".nan",
    "nan",
    "inf",
    "99999999999999999999",
    "340282366920938463463374607431768211456",
    "1.2.3",
    "v1.35.0",
    "a: b",
    "a:b",
    "a:",
    ":a",
    ": a",
    "a #b",
    "a#b",
    "#a",
    "- a",
    "-a",
    "-",
    "--",
    "---",
    "--- a",
    "...",
    "? a",
    "?a",
    "@a",
    "`a",
    "%a",
    "&a",
    "*a",
    "!a",
    "|a",
    ">a",
    "'a'",
    "\"a\"",
    "it's",
    "say \"hi\"",
    "back\\slash",
    "a,b",
    "[a]",
    "{a}",
    "a[0]",
    "x{y}",
    " leading",
    "trailing ",
    "tab\there",
    "\ttab first",
    "line\nbreak",
    "line\n",
    "line\n\n",
    "\nfirst",
    "\n",
    "\n\n",
    "a\n b",
    "a \nb",
    "a\nb ",
    "a\n\nb\n",
    "  indented\nlines\n",
    "a\n#not a comment\n- nor an item\n",
    "a\tb\nc",
    "café",
    "日本語",
    "emoji 🎉",
    "nbsp\u{a0}here",
    "\u{7f}",
    "\u{1}",
    "\u{0}",
    "\u{1b}[0m",
    "bom\u{feff}",
    "\u{fffe}",
    "nel\u{85}",
    "ls\u{2028}",
    "cr\r",
    "cr\r\nlf",
    "http://example.com:8080/path?q=1#frag",
    "registry.example.com/team/app:1.2.3",
    "100m",
    "128Mi",
    "*.example.com",
    "key=value",
    "%{x}",
    "${VAR}",
    "{{ template }}",
    "C:\\path",
];

#[test]
fn writer_round_trips_tricky_strings() {
    for &text in TRICKY_STRINGS {
        let string = Value::String(text.to_string());
        let mut keyed = Map::new();
        keyed.insert(text.to_string(), json!(1));
        for shape in [
            string.clone(),
            json!({ "k": string }),
            json!([string]),
            json!({ "outer": { "inner": [string, { "k": string }] } }),
            json!([[string], { "a": { "b": string } }]),
            Value::Object(keyed),
        ] {
            check_emit(&shape);
        }
    }
}

#[test]
fn writer_quotes_as_go_yaml() {
    // go-templates.md §2.6: double quotes where a reader would resolve the plain scalar, single
    // quotes for indicators, double quotes for control characters.
    for (text, written) in [
        ("yes", r#""yes""#),
        ("Y", r#""Y""#),
        ("n", r#""n""#),
        ("off", r#""off""#),
        ("true", r#""true""#),
        ("null", r#""null""#),
        ("~", r#""~""#),
        ("", r#""""#),
        ("1.0", r#""1.0""#),
        ("0777", r#""0777""#),
        ("0x1F", r#""0x1F""#),
        ("0o17", r#""0o17""#),
        ("1e3", r#""1e3""#),
        ("+1", r#""+1""#),
        (".5", r#"".5""#),
        ("1_000", r#""1_000""#),
        ("12:30", r#""12:30""#),
        ("1:20:30", r#""1:20:30""#),
        ("2021-01-01", r#""2021-01-01""#),
        (".inf", r#"".inf""#),
        (".NaN", r#"".NaN""#),
        ("<<", r#""<<""#),
        ("=", r#""=""#),
        ("a\tb", r#""a\tb""#),
        ("cr\r\nx", r#""cr\r\nx""#),
        ("ctrl\u{1}", r#""ctrl\x01""#),
        ("ls\u{2028}", r#""ls\L""#),
        ("cr\r", r#""cr\r""#),
        ("nel\u{85}", r#""nel\N""#),
        ("- a", "'- a'"),
        ("@k", "'@k'"),
        (" lead", "' lead'"),
        ("a: b", "'a: b'"),
        ("a #b", "'a #b'"),
        ("it's", "it's"),
        ("say \"hi\"", "say \"hi\""),
        ("a:b", "a:b"),
        ("a,b", "a,b"),
        ("ü", "ü"),
        ("?x", "?x"),
        ("yess", "yess"),
        ("1.2.3", "1.2.3"),
    ] {
        let value = json!({ "k": text });
        assert_eq!(check_emit(&value), format!("k: {written}\n"), "{text:?}");
        if text == "<<" {
            // A key `<<` is a merge key to `serde_yaml` however it is quoted.
            continue;
        }
        let mut keyed = Map::new();
        keyed.insert(text.to_string(), json!(1));
        // libyaml writes a key with a line break (any of five) as a complex key.
        let key = if text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
            format!("? {written}\n: 1\n")
        } else {
            format!("{written}: 1\n")
        };
        assert_eq!(check_emit(&Value::Object(keyed)), key, "key {text:?}");
    }
}

#[test]
fn writer_handles_every_structure() {
    for value in [
        json!(null),
        json!(true),
        json!(0),
        json!(-12),
        json!(18446744073709551615u64),
        json!(1.5),
        json!(1e21),
        json!(0.1),
        json!(-0.0),
        json!({}),
        json!([]),
        json!("two\nlines"),
        json!(" lead\nx\n\n"),
        json!({"a": {}, "b": [], "c": null, "d": [{}, [], null]}),
        json!([[[1]], [[]], [{}], [{"a": [1, 2]}]]),
        json!({"a": [{"b": [{"c": "x\ny\n"}]}], "e": "multi\nline"}),
        json!({"list": ["a\nb", "c\n", "\nd", "e\n\n"]}),
        json!({"k".repeat(128): 1}),
        json!({"k".repeat(129): 1, "m": {"k".repeat(130): {"a": [1, {"b": 2}]}}}),
        json!({"a\nb": 1, "c\nd\n": [1, 2], "e": {"f\ng": {"h": 1}}}),
        json!({"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]}]}}),
    ] {
        check_emit(&value);
    }
}

#[test]
fn helm_style_sorts_keys_naturally_and_prints_numbers_as_helm() {
    let value = json!({
        "b": 1, "a10": 1.0, "a2": 1e6, "a1": 0.5, "_x": 1234567.5, "-x": 1e-5, "1": 1e21,
        "A": null, "a_b": {"z": 1, "y": [{"d": 1, "c": 2}]}, "é": true, "a": "yes", "z": -0.0
    });
    assert_eq!(
        emit::to_string(&value, Style::Helm).unwrap(),
        "-x: 1e-05\n_x: 1.2345675e+06\n\"1\": 1e+21\nA: null\na: \"yes\"\na_b:\n  \"y\":\n  - c: 2\n    d: 1\n  z: 1\na1: 0.5\na2: 1000000\na10: 1\nb: 1\nz: 0\né: true\n"
    );
    // Maps longer than the writer sorts on the stack.
    let mut long = Map::new();
    for index in (0..40).rev() {
        long.insert(format!("k{index}"), json!(index));
    }
    let text = emit::to_string(&Value::Object(long), Style::Helm).unwrap();
    let expected: String = (0..40)
        .map(|index| format!("k{index}: {index}\n"))
        .collect();
    assert_eq!(text, expected);
}

#[test]
fn natural_order_is_go_yamls() {
    // go-templates.md §2.6, observed with Helm.
    let order = [
        "-x", "_x", "1", "A", "a", "a_b", "a1", "a2", "a10", "b", "z", "é",
    ];
    for (i, a) in order.iter().enumerate() {
        for (j, b) in order.iter().enumerate() {
            assert_eq!(emit::natural_cmp(a, b), i.cmp(&j), "{a:?} vs {b:?}");
        }
    }
    for (a, b) in [
        ("a01", "a1"),
        ("a1", "a01"),
        ("x9", "x10"),
        ("10", "9"),
        ("a0b", "a00b"),
    ] {
        assert_eq!(
            emit::natural_cmp(a, b),
            emit::natural_cmp(b, a).reverse(),
            "{a:?} vs {b:?}"
        );
    }
}

#[test]
fn writer_round_trips_generated_values() {
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut same = 0;
    for _ in 0..3000 {
        let value = random.value(0);
        check_emit(&value);
        if same_as_serde_yaml(&value) {
            same += 1;
        }
    }
    // Most generated values are compared with serde_yaml's text too.
    assert!(same > 1000, "compared {same} of 3000 with serde_yaml");
}

#[test]
fn writer_gives_tera_values_the_same_text() {
    let mut random = Random(0xabad_1dea_0000_0001);
    for _ in 0..2000 {
        let value = random.value(0);
        let tera = tera::Value::from_serializable(&value);
        for style in [Style::Document, Style::Helm] {
            assert_eq!(
                emit::to_string(&tera, style),
                emit::to_string(&value, style),
                "writing {}",
                exact(&value)
            );
        }
    }
}

#[test]
fn helm_style_folds_long_lines_and_reads_back() {
    const WORDS: &[&str] = &[
        "word",
        "a",
        "longer-word",
        " ",
        "  ",
        "'",
        "\"",
        "\t",
        "é",
        "日本",
        ":",
        "#",
        "\\",
        "yes",
        "-",
        "@",
        "\u{1}",
    ];
    let mut random = Random(0xf01d_ab1e_0000_0003);
    let mut folded = 0;
    for _ in 0..2000 {
        let count = 20 + (random.next() % 40) as usize;
        let text: String = (0..count)
            .map(|_| WORDS[(random.next() % WORDS.len() as u64) as usize])
            .collect();
        let value = json!({"k": text, "list": [text, {"deeper": [text]}], "e": {"f": text}});
        let written = emit::to_string(&value, Style::Helm).unwrap();
        if written
            .lines()
            .any(|line| line.starts_with("  ") && !line.contains(':'))
        {
            folded += 1;
        }
        check_emit(&value);
    }
    assert!(folded > 500, "folded {folded} of 2000");
    // Document style (objects, serde_yaml's unlimited width) never folds.
    let long = "word ".repeat(40);
    let text = emit::to_string(&json!({ "k": long.trim_end() }), Style::Document).unwrap();
    assert_eq!(text.lines().count(), 1);
}
