//! The fast reader and writer are checked against `serde_yaml` itself: on hand-picked edge cases
//! and on thousands of generated values and (mutated, often invalid) documents. Whenever a fast
//! path answers, its answer must be `serde_yaml`'s, byte for byte; and the usual shapes must not
//! fall back.

use serde_json::{Map, Value, json};

use super::{emit, parse};

/// JSON text keeps the key order, which `Value`'s `==` ignores.
fn exact(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

fn serde_document(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap()
}

/// Asserts the fast writer agrees with `serde_yaml`; returns whether it answered.
fn check_emit(value: &Value) -> bool {
    match emit::to_string(value) {
        Some(fast) => {
            assert_eq!(fast, serde_document(value), "writing {}", exact(value));
            true
        }
        None => false,
    }
}

/// Asserts the fast reader agrees with `serde_yaml` (or leaves the text to it); returns
/// whether it answered. Checks the head reader on the same text.
fn check_parse(text: &str) -> bool {
    check_head(text);
    let slow = super::from_str_with_serde_yaml(text);
    match (parse::from_str(text), slow) {
        (Some(fast), Ok(slow)) => {
            assert_eq!(exact(&fast), exact(&slow), "reading {text:?}");
            true
        }
        (Some(fast), Err(error)) => {
            panic!("fast reader accepted {text:?} as {fast} but serde_yaml says: {error}")
        }
        (None, _) => false,
    }
}

/// Whether `part` is `whole` with some map entries left out (at any depth).
fn is_part_of(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(part), Value::Object(whole)) => part
            .iter()
            .all(|(key, value)| whole.get(key).is_some_and(|w| is_part_of(value, w))),
        _ => part == whole,
    }
}

/// The value at `path` (map keys) of `value`.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// Asserts that when the head reader answers, `serde_yaml` reads the text, the head holds every
/// head field of the value and nothing the value lacks, and a namespace written where the head
/// says lands in `metadata`.
fn check_head(text: &str) {
    let Some(head) = parse::head(text) else {
        return;
    };
    let full = super::from_str_with_serde_yaml(text)
        .unwrap_or_else(|e| panic!("head reader took {text:?} but serde_yaml says: {e}"));
    assert!(
        is_part_of(&head.value, &full),
        "head {} of {text:?} is not part of {}",
        exact(&head.value),
        exact(&full)
    );
    for path in [
        &["apiVersion"][..],
        &["kind"],
        &["metadata", "name"],
        &["metadata", "namespace"],
        &["metadata", "annotations"],
        &["spec", "scope"],
        &["spec", "group"],
        &["spec", "names", "kind"],
    ] {
        assert_eq!(
            at(&head.value, path),
            at(&full, path),
            "{path:?} of {text:?}"
        );
    }
    let Some((offset, indent)) = head.namespace_at else {
        return;
    };
    if at(&full, &["metadata", "namespace"]).is_some() || text.contains('|') {
        return;
    }
    let mut edited = text.to_string();
    let offset = if offset >= text.len() {
        if !edited.ends_with('\n') {
            edited.push('\n');
        }
        edited.len()
    } else {
        offset
    };
    edited.insert_str(offset, &format!("{}namespace: zz\n", " ".repeat(indent)));
    let mut expected = full.clone();
    expected["metadata"]["namespace"] = json!("zz");
    let read = super::from_str_with_serde_yaml(&edited)
        .unwrap_or_else(|e| panic!("{edited:?} (namespace written into {text:?}): {e}"));
    assert_eq!(
        read, expected,
        "namespace written into {text:?}: {edited:?}"
    );
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
fn writer_matches_serde_yaml_on_tricky_strings() {
    let mut answered = 0;
    for &text in TRICKY_STRINGS {
        let string = Value::String(text.to_string());
        let mut keyed = Map::new();
        keyed.insert(text.to_string(), json!(1));
        let shapes = [
            string.clone(),
            json!({ "k": string }),
            json!([string]),
            json!({ "outer": { "inner": [string, { "k": string }] } }),
            json!([[string], { "a": { "b": string } }]),
            Value::Object(keyed),
        ];
        for shape in &shapes {
            if check_emit(shape) {
                answered += 1;
            }
        }
    }
    // Only CR/NEL/LS/PS, multi-line documents and multi-line keys are left to serde_yaml.
    assert!(answered > TRICKY_STRINGS.len() * 5, "answered {answered}");
}

#[test]
fn writer_matches_serde_yaml_on_structures() {
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
        json!({"a": {}, "b": [], "c": null, "d": [{}, [], null]}),
        json!([[[1]], [[]], [{}], [{"a": [1, 2]}]]),
        json!({"a": [{"b": [{"c": "x\ny\n"}]}], "e": "multi\nline"}),
        json!({"list": ["a\nb", "c\n", "\nd", "e\n\n"]}),
        json!({"k".repeat(128): 1}),
        json!({"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]}]}}),
    ] {
        assert!(check_emit(&value), "left to serde_yaml: {value}");
    }
    // Keys libyaml writes as complex keys stay with serde_yaml, which gets them right.
    assert!(!check_emit(&json!({"k".repeat(129): 1})));
    assert!(!check_emit(&json!({"a\nb": 1})));
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "b", "word", " ", "  ", ":", ": ", " #", "#", "-", "- ", "'", "\"", "\\", "\n",
            "\n\n", "\t", "true", "null", "1", "0", "07", "0x1F", "1.5", "1e3", ".inf", "~", "yes",
            "é", "日本", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "?", "---",
            "...", "\u{7f}", "\u{a0}", "🎉",
        ];
        let count = self.below(5);
        (0..count).map(|_| self.pick(PIECES)).collect()
    }

    fn value(&mut self, depth: usize) -> Value {
        let kind = if depth >= 4 {
            self.below(5)
        } else {
            self.below(8)
        };
        match kind {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.next() as i64 >> self.below(64)),
            3 => json!((self.next() % 100_000) as f64 / 64.0),
            4 => Value::String(self.string()),
            5 | 6 => {
                let mut map = Map::new();
                for _ in 0..self.below(4) {
                    let key = if self.below(3) == 0 {
                        self.string()
                    } else {
                        self.pick(&["name", "app.kubernetes.io/name", "x", "on"])
                            .to_string()
                    };
                    let value = self.value(depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            _ => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
        }
    }
}

#[test]
fn writer_matches_serde_yaml_on_generated_values() {
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut answered = 0;
    for _ in 0..3000 {
        if check_emit(&random.value(0)) {
            answered += 1;
        }
    }
    assert!(answered > 2000, "answered {answered} of 3000");
}

/// Documents in the shapes charts render, each of which the fast reader must take.
const DOCUMENTS: &[&str] = &[
    "",
    "# only a comment\n",
    "a: 1\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # trailing comment\n  labels:\n    app.kubernetes.io/name: web\n    version: \"1.0\"\n    quoted: 'it''s'\ndata:\n  key: value\n  empty:\n  tilde: ~\n  number: 8080\n  negative: -3\n  float: 1.5\n  bool: true\n  yes: yes\n  zero: 007\n  hex: 0x1F\n",
    "list:\n- a\n- b\nafter: 1\n",
    "list:\n  - a\n  -   b\n  - - nested\n    - more\n  - name: x\n    value: y\n  -\n    late: map\n  - \n  - [flow, 1, true]\n  - {k: v, n: 1}\n",
    "- top\n- level: map\n  second: key\n",
    "spec:\n  containers:\n    - name: app\n      image: \"registry.example.com/app:1.2.3\"\n      ports:\n        - containerPort: 8080\n          name: http\n      env:\n      - name: A\n        valueFrom:\n          fieldRef: {fieldPath: metadata.name}\n      resources: {}\n      args: []\n",
    "data:\n  settings.yaml: |\n    server:\n      port: 8080\n\n    # comment kept\n    features: [a, b]\n  next: 1\n",
    "a: |-\n  stripped\n\n\nb: |+\n  kept\n\n\nc: |\n  clipped\n\n\n",
    "a: |\n  x\n  y",
    "a: |+\n  x\n",
    "a: | # a comment on the header\n    deeper\n      and deeper\n    back\n",
    "a: |\n\n  after a blank line\n",
    "a: |\n  trailing spaces line   \n     \n  x\n",
    "- |\n  in a list\n- |-\n  second\n",
    "\"quoted key\": 1\n'single': 2\n\"esc\\t\\\"\\u00e9\\x41\\\\\": \"a\\nb\\/c\"\n",
    "key with spaces: value with spaces\nurl: http://example.com:8080/x?y=1#z\nhash: a#b\n",
    "flow: {a: 1, b: [1, 2, {c: d}], 'e': \"f\", g: null, h: ~}\nempty: {}\nseq: []\n",
    "unicode: café 日本語 🎉\nnbsp: a\u{a0}b\n",
    "nested:\n  deeper:\n    deepest:\n      - 1\n      - 2\n  back: up\n",
    "  indented: root\n  second: key\n",
    "a:\n  # a comment between\n  b: 1\n\n\n  c: 2\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    a: b\n  name: web\n  annotations:\n    charts.dev/hook: test\nspec:\n  ports: [{port: 80}]\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  # the name\n  name: |-\n    web\ndata: {}\n",
    "kind: ConfigMap\nmetadata:\n\n  name: last",
    "kind: ConfigMap\nmetadata: {name: flow}\n",
    "kind: ConfigMap\nmetadata:\n- not a map\n",
    "kind: ConfigMap\nmetadata:\nspec:\n  scope: Cluster\n  names:\n    kind: Widget\n    plural: widgets\n  versions: []\n",
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  names: {kind: Widget}\n  scope: Namespaced\n",
    "metadata:\n  namespace: set\n  name: x\n",
];

/// Documents the fast reader must leave to `serde_yaml` (features it does not read, or errors).
const LEFT_TO_SERDE_YAML: &[&str] = &[
    "a: &anchor 1\nb: *anchor\n",
    "a: !tag 1\n",
    "base: &b {x: 1}\nderived:\n  <<: *b\n",
    "? complex\n: key\n",
    "a: >\n  folded\n  text\n",
    "a: |2\n   explicit indent\n",
    "a: multi\n  line plain\n",
    "a: 'multi\n  line quoted'\n",
    "a: [multi,\n  line flow]\n",
    "a: 1\na: 2\n",
    "1: integer key\n",
    "true: bool key\n",
    "a:\tb\n",
    "a: b\r\n",
    "- a\nb: c\n",
    "a: b\n- c\n",
    "a: b\n  c: d\n",
    "a: b: c\n",
    "a: 'x' y\n",
    "a: \"unclosed\n",
    "a: [1, 2\n",
    "a: {b}\n",
    "a: @b\n",
    "a: `b\n",
    "a: %b\n",
    "a: 1\n...\n",
    "%YAML 1.2\n",
    "a: |\nnot indented\n",
    "a: \"\\q\"\n",
    "a: 340282366920938463463374607431768211455\n",
    "a: .nan\n",
];

#[test]
fn reader_takes_what_charts_render_and_agrees() {
    for &text in DOCUMENTS {
        assert!(check_parse(text), "left to serde_yaml: {text:?}");
    }
}

#[test]
fn reader_leaves_the_rest_to_serde_yaml() {
    for &text in LEFT_TO_SERDE_YAML {
        assert!(!check_parse(text), "fast reader took {text:?}");
    }
}

#[test]
fn reader_reads_what_the_writer_writes() {
    let mut random = Random(0x0dd_ba11_cafe_f00d);
    let mut answered = 0;
    for _ in 0..2000 {
        let value = random.value(0);
        let text = emit::to_string(&value).unwrap_or_else(|| serde_document(&value));
        if check_parse(&text) {
            answered += 1;
        }
    }
    assert!(answered > 1000, "answered {answered} of 2000");
}

#[test]
fn reader_agrees_with_serde_yaml_on_mutated_documents() {
    const INSERTS: &[&str] = &[
        "\n", " ", "  ", "- ", ": ", "#", " #", "'", "\"", "|", "|-", "|+", "[", "]", "{", "}",
        ",", "a", "\n  ", "\n- ", "&x ", "*x", "!t ", "<<: ", "? ", "\\", "\ty", "~", "1", "x: y",
    ];
    let mut random = Random(0xfeed_face_0bad_beef);
    let mut seeds: Vec<String> = DOCUMENTS.iter().map(|s| s.to_string()).collect();
    for _ in 0..200 {
        let value = random.value(0);
        seeds.push(serde_document(&value));
    }
    for round in 0..6000 {
        let mut text = seeds[round % seeds.len()].clone();
        for _ in 0..1 + random.below(3) {
            if text.is_empty() {
                break;
            }
            let mut at = random.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if random.below(3) == 0 {
                let mut end = (at + 1 + random.below(4)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            } else {
                text.insert_str(at, random.pick(INSERTS));
            }
        }
        check_parse(&text);
    }
}

#[test]
fn writer_gives_tera_values_the_same_text() {
    let mut random = Random(0xabad_1dea_0000_0001);
    for _ in 0..2000 {
        let value = random.value(0);
        let tera = tera::Value::from_serializable(&value);
        assert_eq!(
            emit::to_string(&tera),
            emit::to_string(&value),
            "writing {}",
            exact(&value)
        );
    }
}

#[test]
fn plain_lines_are_the_pieces_split_gives_and_odd_characters_are_found() {
    let mut texts: Vec<String> = [
        "",
        "\n",
        "\n\n",
        "a",
        "a\n",
        "a\nb",
        "a\nb\n",
        "\na\n\nb\n\n",
        "héllo\nwörld 日本 🎉\n---\n",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    // Line breaks at every position around the reader's eight-byte steps.
    for length in 0..40 {
        for every in 1..6 {
            texts.push(
                (0..length)
                    .map(|i| if i % every == every - 1 { '\n' } else { 'x' })
                    .collect(),
            );
        }
    }
    for text in &texts {
        let mut expected: Vec<&str> = text.split('\n').collect();
        if text.is_empty() || text.ends_with('\n') {
            expected.pop();
        }
        assert_eq!(parse::plain_lines(text), Some(expected), "{text:?}");
    }
    let plain = "abcdefghijklmnopq";
    for odd in [
        '\t', '\r', '\u{0}', '\u{1f}', '\u{7f}', '\u{85}', '\u{2028}', '\u{feff}',
    ] {
        for at in 0..=plain.len() {
            let mut text = plain.to_string();
            text.insert(at, odd);
            assert_eq!(parse::plain_lines(&text), None, "{text:?}");
        }
    }
}
