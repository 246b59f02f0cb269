//! JSON text as Helm's `toJson` and `toPrettyJson` write it (Go's `encoding/json`): map keys
//! sorted bytewise at every depth, `<`, `>`, `&`, U+2028 and U+2029 escaped, integral floats
//! without a fraction (`1`), exponents only below 1e-6 and from 1e21. It reads the values the
//! YAML writer does ([`Node`]).

use super::emit::{Node, Shape};

/// Appends `value` as JSON: compact, or indented by two spaces with `pretty`. `None`, with
/// `out` possibly holding part of the text, for values with no JSON form.
pub fn write<N: Node>(out: &mut String, value: &N, pretty: bool) -> Option<()> {
    Writer { out, pretty }.value(value, 0)
}

struct Writer<'o> {
    out: &'o mut String,
    pretty: bool,
}

impl Writer<'_> {
    fn value<N: Node>(&mut self, value: &N, depth: usize) -> Option<()> {
        match value.shape() {
            Shape::Null => self.out.push_str("null"),
            Shape::Bool(boolean) => self.out.push_str(if boolean { "true" } else { "false" }),
            Shape::Unsigned(number) => self.out.push_str(itoa::Buffer::new().format(number)),
            Shape::Signed(number) => self.out.push_str(itoa::Buffer::new().format(number)),
            Shape::Float(float) if !float.is_finite() => return None,
            Shape::Float(float) => super::number::push_json(self.out, float),
            Shape::String(text) => self.string(text),
            Shape::Sequence(items) => {
                self.out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.line(depth + 1);
                    self.value(item, depth + 1)?;
                }
                if !items.is_empty() {
                    self.line(depth);
                }
                self.out.push(']');
            }
            Shape::Map(entries, len) => {
                let mut sorted = Vec::with_capacity(len);
                for (key, value) in entries {
                    sorted.push((key?, value));
                }
                sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
                self.out.push('{');
                for (index, (key, value)) in sorted.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.line(depth + 1);
                    self.string(key);
                    self.out.push(':');
                    if self.pretty {
                        self.out.push(' ');
                    }
                    self.value(*value, depth + 1)?;
                }
                if !sorted.is_empty() {
                    self.line(depth);
                }
                self.out.push('}');
            }
            Shape::Other => return None,
        }
        Some(())
    }

    /// A line break and indentation, when pretty.
    fn line(&mut self, depth: usize) {
        if self.pretty {
            self.out.push('\n');
            super::push_spaces(self.out, depth * 2);
        }
    }

    fn string(&mut self, text: &str) {
        self.out.push('"');
        let mut start = 0;
        for (index, ch) in text.char_indices() {
            let escape = match ch {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u{8}' => "\\b",
                '\u{c}' => "\\f",
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => "",
                _ => continue,
            };
            self.out.push_str(&text[start..index]);
            start = index + ch.len_utf8();
            if escape.is_empty() {
                let _ = std::fmt::Write::write_fmt(self.out, format_args!("\\u{:04x}", ch as u32));
            } else {
                self.out.push_str(escape);
            }
        }
        self.out.push_str(&text[start..]);
        self.out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn json_text(value: serde_json::Value, pretty: bool) -> String {
        let mut out = String::new();
        super::write(&mut out, &value, pretty).unwrap();
        out
    }

    #[test]
    fn sorted_keys_go_escapes_and_numbers() {
        let value = json!({"b": {"z": 1, "a": [1.0, 1e21, 1e-7, 0.5]}, "B": "<a&b>", "a10": null, "a2": "\u{2028}\t\u{1}"});
        assert_eq!(
            json_text(value.clone(), false),
            r#"{"B":"\u003ca\u0026b\u003e","a10":null,"a2":"\u2028\t\u0001","b":{"a":[1,1e+21,1e-7,0.5],"z":1}}"#
        );
        assert_eq!(
            json_text(json!({"b": [], "a": {"c": [true]}, "d": {}}), true),
            "{\n  \"a\": {\n    \"c\": [\n      true\n    ]\n  },\n  \"b\": [],\n  \"d\": {}\n}"
        );
        // serde_json reads back what is written.
        let text = json_text(value.clone(), true);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["B"],
            value["B"]
        );
    }
}
