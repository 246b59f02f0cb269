//! `serde_yaml` (YAML 1.2) made to read plain scalars with YAML 1.1's rules, as Helm and
//! kubectl do: the reader behind the fast one, for everything it leaves (anchors, tags, merge
//! keys, folded scalars, several documents) and for every error message.
//!
//! `serde_yaml` tells a visitor a scalar's type but not its style, so a string is taken for
//! plain when the text around it says so: `serde_yaml` lends out a scalar's own text when it
//! can, and a quoted scalar's text is followed by its closing quote, which never follows a plain
//! one. A plain string is then resolved with [`scalar::resolve`]; a scalar with a tag
//! (`!!str yes`, `!custom yes`) keeps its text, as go-yaml keeps it.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};

use super::scalar::{self, Plain};

/// Reads one document as a YAML 1.1 reader would.
pub fn from_str(text: &str) -> Result<Value, serde_yaml::Error> {
    Scalars::new(text).deserialize(serde_yaml::Deserializer::from_str(text))
}

/// Reads every document of `text`, each as [`from_str`] does.
pub fn documents(text: &str) -> impl Iterator<Item = Result<Value, serde_yaml::Error>> + '_ {
    serde_yaml::Deserializer::from_str(text)
        .map(move |document| Scalars::new(text).deserialize(document))
}

/// Builds a `serde_yaml::Value` from the events of a document of `text`.
#[derive(Clone, Copy)]
struct Scalars<'de> {
    text: &'de str,
    /// Inside a tagged node: plain scalars are not resolved.
    tagged: bool,
}

impl<'de> Scalars<'de> {
    fn new(text: &'de str) -> Self {
        Scalars {
            text,
            tagged: false,
        }
    }

    /// Whether `value`, lent from the text, was written plain and without a tag.
    fn is_plain_untagged(&self, value: &str) -> bool {
        let start = (value.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let end = start.wrapping_add(value.len());
        if self.tagged || end > self.text.len() || start > end {
            return false;
        }
        let bytes = self.text.as_bytes();
        !matches!(bytes.get(end), Some(b'\'' | b'"')) && !tag_before(&bytes[..start])
    }
}

/// Whether the node whose text starts where `before` ends has a tag (`!!str`, `!x`), possibly
/// next to an anchor (`&a`).
fn tag_before(before: &[u8]) -> bool {
    let mut end = before.len();
    for _ in 0..2 {
        while end > 0 && matches!(before[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && !matches!(before[start - 1], b' ' | b'\t' | b'\n' | b'\r') {
            start -= 1;
        }
        let token = &before[start..end];
        let token = match token.iter().position(|b| !matches!(b, b'[' | b'{' | b',')) {
            Some(first) => &token[first..],
            None => return false,
        };
        match token.first() {
            Some(b'!') => return true,
            Some(b'&') => end = start,
            _ => return false,
        }
    }
    false
}

impl<'de> DeserializeSeed<'de> for Scalars<'de> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scalars<'de> {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    // go-yaml reads integers wider than 64 bits as floats.
    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(Value::Number((value as f64).into()))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(Value::Number((value as f64).into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Value, E> {
        if !self.is_plain_untagged(value) {
            return Ok(Value::String(value.to_owned()));
        }
        Ok(match scalar::resolve(value) {
            Plain::Null => Value::Null,
            Plain::Bool(boolean) => Value::Bool(boolean),
            Plain::Unsigned(number) => Value::Number(number.into()),
            Plain::Signed(number) => Value::Number(number.into()),
            Plain::Float(number) => Value::Number(Number::from(number)),
            Plain::Timestamp | Plain::String => Value::String(value.to_owned()),
        })
    }

    // Text `serde_yaml` could not lend is quoted with escapes, a block, or a plain scalar over
    // several lines: a string in YAML 1.1 as well.
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(sequence.size_hint().unwrap_or(0));
        while let Some(item) = sequence.next_element_seed(self.untagged())? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(self.untagged())? {
            if mapping.contains_key(&key) {
                return Err(de::Error::custom(duplicate_key(&key)));
            }
            let value = map.next_value_seed(self.untagged())?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use de::VariantAccess as _;
        let (tag, contents): (String, _) = data.variant()?;
        let value = contents.newtype_variant_seed(Scalars {
            text: self.text,
            tagged: true,
        })?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

impl Scalars<'_> {
    /// The seed for the children of a node: a tag applies to its own node only.
    fn untagged(self) -> Self {
        Scalars {
            tagged: false,
            ..self
        }
    }
}

/// `serde_yaml`'s message for a key written twice.
fn duplicate_key(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".to_string(),
        Value::Bool(boolean) => format!("duplicate entry with key `{boolean}`"),
        Value::Number(number) => format!("duplicate entry with key {number}"),
        Value::String(string) => format!("duplicate entry with key {string:?}"),
        _ => "duplicate entry in YAML map".to_string(),
    }
}
