//! Plain scalars that YAML 1.1 and YAML 1.2 readers read differently: `enabled: yes` is the
//! boolean `true` to kubectl and Helm (YAML 1.1) and the string `"yes"` to a YAML 1.2 reader.
//! `charts` reads them as YAML 1.1 does; `charts lint` points them out so authors write what
//! they mean.

use super::scalar::{self, Plain};

/// A plain scalar whose meaning depends on the YAML version.
#[derive(Debug, Clone, PartialEq)]
pub struct Ambiguous {
    /// 1-based line in the text.
    pub line: usize,
    /// The scalar as written.
    pub text: String,
    /// Whether it is a mapping key.
    pub key: bool,
    /// What YAML 1.1 (kubectl, Helm, `charts`) makes of it, in words (`the boolean true`).
    pub meaning: String,
}

/// The plain keys and values of block mappings and sequences in `text` (one document) that
/// YAML 1.1 reads as booleans or numbers and YAML 1.2 as strings. Block scalars, quoted scalars
/// and flow collections are skipped; a line scan, not a parse, so it never fails.
pub fn ambiguous_scalars(text: &str) -> Vec<Ambiguous> {
    let mut found = Vec::new();
    // The column a block scalar's lines must be deeper than, while inside one.
    let mut block_parent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let content = &line[indent..];
        if let Some(parent) = block_parent {
            if content.is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut column = indent;
        let mut rest = content;
        let mut item = false;
        while rest == "-" || rest.starts_with("- ") {
            let after = rest[1..].trim_start_matches(' ');
            column += rest.len() - after.len();
            rest = after;
            item = true;
        }
        let mut check = |scalar: &str, key: bool| {
            if let Some(meaning) = yaml_1_1_only(scalar) {
                found.push(Ambiguous {
                    line: index + 1,
                    text: scalar.to_string(),
                    key,
                    meaning,
                });
            }
        };
        let value = match split_plain_key(rest) {
            Some((key, value)) => {
                if let Some(key) = key {
                    check(key, true);
                }
                value.trim_start_matches(' ')
            }
            None if item => rest,
            None => continue,
        };
        match value.as_bytes().first() {
            None | Some(b'#' | b'"' | b'\'' | b'[' | b'{' | b'&' | b'*' | b'!') => {}
            Some(b'|' | b'>') => block_parent = Some(column),
            Some(_) => {
                let end = value.find(" #").unwrap_or(value.len());
                check(value[..end].trim_end_matches(' '), false);
            }
        }
    }
    found
}

/// The key of a `key: value` line (`None` when it is quoted) and the text after its `:`.
fn split_plain_key(line: &str) -> Option<(Option<&str>, &str)> {
    let bytes = line.as_bytes();
    if let Some(&quote @ (b'"' | b'\'')) = bytes.first() {
        let close = line[1..].find(quote as char)? + 1;
        let after = line[close + 1..].strip_prefix(':')?;
        return (after.is_empty() || after.starts_with(' ')).then_some((None, after));
    }
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b':' if matches!(bytes.get(index + 1), None | Some(b' ')) => {
                return Some((
                    Some(line[..index].trim_end_matches(' ')),
                    &line[index + 1..],
                ));
            }
            b'#' if index > 0 && bytes[index - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// What YAML 1.1 makes of a plain scalar that YAML 1.2 reads as a string.
fn yaml_1_1_only(text: &str) -> Option<String> {
    if scalar::resolve_core(text) != Plain::String {
        return None;
    }
    match scalar::resolve(text) {
        Plain::Bool(boolean) => Some(format!("the boolean `{boolean}`")),
        Plain::Unsigned(number) => Some(format!("the number `{number}`")),
        Plain::Signed(number) => Some(format!("the number `{number}`")),
        Plain::Float(number) => Some(format!("the number `{number}`")),
        Plain::Null => Some("null".to_string()),
        Plain::Timestamp | Plain::String => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_yaml_1_1_only_plain_scalars_with_their_lines() {
        let text = "\
apiVersion: v1
kind: ConfigMap
data:
  enabled: yes # a comment
  quoted: \"yes\"
  mode: 0755
  big: 1_000
  list:
  - n
  - - Off
  - name: y
  on: value
  'off': quoted key
  script: |
    answer: yes
  after: NO
  flow: [yes]
  fine: true
  text: yes sir
";
        let all = ambiguous_scalars(text);
        let found: Vec<(usize, &str, bool, &str)> = all
            .iter()
            .map(|a| (a.line, a.text.as_str(), a.key, a.meaning.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (4, "yes", false, "the boolean `true`"),
                (6, "0755", false, "the number `493`"),
                (7, "1_000", false, "the number `1000`"),
                (9, "n", false, "the boolean `false`"),
                (10, "Off", false, "the boolean `false`"),
                (11, "y", false, "the boolean `true`"),
                (12, "on", true, "the boolean `true`"),
                (16, "NO", false, "the boolean `false`"),
            ]
        );
    }
}
