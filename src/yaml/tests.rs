//! The reader and writer are checked against `serde_yaml` itself, on hand-picked edge cases and
//! on thousands of generated values and (mutated, often invalid) documents:
//! - whenever the fast reader answers, its answer is the one of `serde_yaml` read with YAML 1.1
//!   scalars ([`super::load`]), and the usual shapes do not fall back;
//! - everything the writer writes reads back to the same value under YAML 1.2 (`serde_yaml`
//!   as it is) and YAML 1.1 (both readers), and where no string needs YAML 1.1's quotes the
//!   text is `serde_yaml::to_string`'s, byte for byte.

use serde_json::{Map, Value, json};

use super::emit::Style;
use super::{emit, parse};

mod writer;

/// JSON text keeps the key order, which `Value`'s `==` ignores.
pub(super) fn exact(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

pub(super) fn serde_document(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap()
}

/// Asserts the fast reader agrees with `serde_yaml` (or leaves the text to it); returns
/// whether it answered. Checks the head reader on the same text.
pub(super) fn check_parse(text: &str) -> bool {
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

/// A small deterministic generator (xorshift), so failures reproduce.
pub(super) struct Random(pub(super) u64);

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

    pub(super) fn value(&mut self, depth: usize) -> Value {
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
    "true: bool key\nOff: [a]\n",
    "a: 340282366920938463463374607431768211455\nb: 99999999999999999999\n",
    "yaml11:\n  a: y\n  b: No\n  c: ON\n  d: 0777\n  e: 1_000\n  f: 0X1F\n  g: 08\n  h: 2021-01-01\n  i: 12:30\n  j: 0o17\n  k: [y, n, '0777', \"on\"]\n",
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
    "on: 1\nyes: 2\n",
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
    "a: .nan\n",
];

#[test]
fn reader_takes_what_charts_render_and_agrees() {
    for &text in DOCUMENTS {
        assert!(check_parse(text), "left to serde_yaml: {text:?}");
    }
}

/// Every plain scalar YAML 1.1 and 1.2 read differently, and their neighbours.
const YAML_1_1_SCALARS: &str = "\
    y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF yEs oN nO \
    ~ null Null NULL 0777 -0777 00 08 09.5 0o17 0O17 0x1F 0X1F +0x1F -0x10 0b101 0B101 -0b101 \
    1_000 1__0 0x_1F 0.1_5 1e1_0 +1 -0 1e3 1E3 .5 -.5e1 5. 1. .inf .Inf +.inf -.INF .nan .NaN \
    1:20 190:20:30 12:30 2021-01-01 2021-1-1 2001-12-14t21:59:43.10-05:00 99999999999999999999 \
    18446744073709551615 -9223372036854775809 1e400 = << inf nan 0x 1.2.3 _1";

#[test]
fn reader_paths_agree_on_every_yaml_1_1_scalar() {
    for scalar in YAML_1_1_SCALARS.split_whitespace() {
        for text in [
            format!("k: {scalar}\n"),
            format!("- {scalar}\n"),
            format!("{scalar}: 1\n"),
            format!("a:\n  b: [{scalar}, x]\n"),
            format!("a: {{k: {scalar}}}\n"),
            format!("a: &x {scalar}\nb: *x\n"),
            format!("a: >\n  {scalar}\n"),
            format!("a: \"{scalar}\"\nb: '{scalar}'\n"),
            format!("a: !!str {scalar}\nb: !custom {scalar}\n"),
        ] {
            check_parse(&text);
        }
    }
}

#[test]
fn both_readers_give_yaml_1_1_meanings() {
    let text = "a: yes\nb: 'no'\nc: Off\nd: 0777\ne: 1_000\nf: 99999999999999999999\n\
                g: 2021-01-01\nh: \"y\"\non: 1\ni: 12:30\nj: [n, \"n\"]\n";
    let expected = json!({
        "a": true, "b": "no", "c": false, "d": 511, "e": 1000, "f": 1e20,
        "g": "2021-01-01", "h": "y", "true": 1, "i": "12:30", "j": [false, "n"]
    });
    assert_eq!(exact(&parse::from_str(text).unwrap()), exact(&expected));
    assert_eq!(
        exact(&super::from_str_with_serde_yaml(text).unwrap()),
        exact(&expected)
    );
    // What the fast reader leaves: anchors, tags, folded scalars, several documents.
    let text = "a: &x on\nb: *x\nc: !!str on\nd: !custom on\ne: >\n  on\n";
    assert_eq!(
        exact(&super::from_str_with_serde_yaml(text).unwrap()),
        exact(&json!({"a": true, "b": true, "c": "on", "d": "on", "e": "on\n"}))
    );
    let documents: Vec<serde_yaml::Value> = super::documents("a: y\n---\nb: \"n\"\n")
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        documents
            .into_iter()
            .map(super::to_json)
            .collect::<Vec<_>>(),
        [json!({"a": true}), json!({"b": "n"})]
    );
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
        let text = emit::to_string(&value, Style::Document).unwrap();
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
