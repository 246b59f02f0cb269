//! A linear scan for flow collections (`[…]`, `{…}`) nested deeper than `serde_yaml` accepts,
//! run before `serde_yaml` sees a document.
//!
//! `serde_yaml` refuses more than [`super::MAX_DEPTH`] levels, but only after its scanner has
//! read the whole document, and that scanner takes time growing with the square of the flow
//! depth: 100,000 `[` cost minutes. This scan finds the first bracket past the limit in one
//! pass, so such a document gets its error at once, with its position.
//!
//! It counts only brackets that certainly open a flow collection (at the start of a node, or
//! inside a flow collection), and skips quoted scalars, comments, block scalars and the
//! continuation lines of plain scalars. So it may miss a deep document written in an unusual
//! way (which `serde_yaml` then refuses, slowly), but never refuses one `serde_yaml` reads.

/// Where (1-based line and column, in characters) the first flow collection opens more than
/// `limit` levels deep, if one does.
pub fn flow_too_deep(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        position: 0,
        line_start: 0,
        depth: 0,
        limit,
    };
    // Lines indented more than this column belong to the block or plain scalar above them.
    let mut scalar_above: Option<usize> = None;
    while scan.position < scan.bytes.len() {
        let start = scan.position;
        scan.line_start = start;
        let end = scan.line_end(start);
        let indent = scan.bytes[start..end]
            .iter()
            .take_while(|&&byte| byte == b' ')
            .count();
        if let Some(column) = scalar_above {
            if start + indent == end || indent > column {
                scan.position = end + 1;
                continue;
            }
            scalar_above = None;
        }
        scan.position = start + indent;
        match scan.block_line(indent) {
            Line::Done => {}
            Line::ScalarAbove(column) => scalar_above = Some(column),
            Line::TooDeep => {
                let before = &text[..scan.position];
                let line_start = before.rfind('\n').map_or(0, |index| index + 1);
                let line = 1 + memchr::memchr_iter(b'\n', before.as_bytes()).count();
                return Some((line, before[line_start..].chars().count() + 1));
            }
        }
        // A flow collection or quoted scalar may have ended on a later line: the rest of the
        // line where it ended holds nothing that opens a collection.
        scan.position = scan.line_end(scan.position.max(start)) + 1;
    }
    None
}

/// What a line of block context left for the next lines.
enum Line {
    Done,
    /// The line ended in a block or plain scalar whose parent is at this column.
    ScalarAbove(usize),
    /// A flow collection opened past the limit, at the scan's position.
    TooDeep,
}

struct Scan<'a> {
    bytes: &'a [u8],
    position: usize,
    /// Where the line of `position` starts.
    line_start: usize,
    depth: usize,
    limit: usize,
}

impl Scan<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.position + ahead).copied()
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.bytes[from.min(self.bytes.len())..])
            .map_or(self.bytes.len(), |index| from + index)
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(0), Some(b' ' | b'\t')) {
            self.position += 1;
        }
    }

    /// Whether the byte `ahead` ends a token: a space, a line break or the end.
    fn ends_token(&self, ahead: usize) -> bool {
        matches!(self.peek(ahead), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// A line of block context, from its first non-space character at column `indent`.
    fn block_line(&mut self, indent: usize) -> Line {
        let mut parent = indent;
        // `- `, `? ` and `: ` indicators, as many as there are (`- - x`, `- ? a`).
        while matches!(self.peek(0), Some(b'-' | b'?' | b':')) && self.ends_token(1) {
            parent = self.position - self.line_start;
            self.position += 1;
            self.skip_spaces();
        }
        self.node(parent, true)
    }

    /// A node in block context, whose parent collection is at column `parent`; `key_allowed`
    /// when it may be a mapping key whose value follows on the line.
    fn node(&mut self, parent: usize, key_allowed: bool) -> Line {
        // Anchors and tags before the node.
        while matches!(self.peek(0), Some(b'&' | b'!')) {
            while !self.ends_token(0) {
                self.position += 1;
            }
            self.skip_spaces();
        }
        match self.peek(0) {
            None | Some(b'\n' | b'#') => Line::Done,
            Some(b'[' | b'{') => {
                if !self.flow() {
                    return Line::TooDeep;
                }
                self.value_after_key(parent, key_allowed)
            }
            Some(b'|' | b'>') => Line::ScalarAbove(parent),
            Some(quote @ (b'"' | b'\'')) => {
                self.position += 1;
                self.quoted(quote);
                self.value_after_key(parent, key_allowed)
            }
            Some(_) => {
                let column = self.position - self.line_start;
                // A plain scalar: up to `: ` (then it was a key) or ` #` (a comment).
                while let Some(byte) = self.peek(0) {
                    match byte {
                        b'\n' => break,
                        b':' if self.ends_token(1) => {
                            if !key_allowed {
                                return Line::Done;
                            }
                            self.position += 1;
                            self.skip_spaces();
                            return self.node(column, false);
                        }
                        b' ' | b'\t' if self.peek(1) == Some(b'#') => return Line::Done,
                        _ => self.position += 1,
                    }
                }
                Line::ScalarAbove(parent)
            }
        }
    }

    /// After a flow collection or quoted scalar: its value, when it was a key.
    fn value_after_key(&mut self, parent: usize, key_allowed: bool) -> Line {
        self.skip_spaces();
        if key_allowed && self.peek(0) == Some(b':') && self.ends_token(1) {
            self.position += 1;
            self.skip_spaces();
            return self.node(parent, false);
        }
        Line::Done
    }

    /// Skips a quoted scalar (its opening quote consumed), over as many lines as it takes.
    fn quoted(&mut self, quote: u8) {
        while let Some(byte) = self.peek(0) {
            self.position += 1;
            match byte {
                b'\n' => self.line_start = self.position,
                b'\\' if quote == b'"' => self.position += 1,
                b'\'' if quote == b'\'' && self.peek(0) == Some(b'\'') => self.position += 1,
                byte if byte == quote => return,
                _ => {}
            }
        }
    }

    /// Reads a flow collection from its opening bracket to its end, over as many lines as it
    /// takes; `false` (at the offending bracket) when it nests past the limit.
    fn flow(&mut self) -> bool {
        // Whether a quote here would start a quoted scalar (at the start of a node).
        let mut node_start = true;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > self.limit {
                        return false;
                    }
                    node_start = true;
                }
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.position += 1;
                        return true;
                    }
                    node_start = false;
                }
                b',' | b':' | b'?' => node_start = true,
                b'"' | b'\'' if node_start => {
                    self.position += 1;
                    self.quoted(byte);
                    node_start = false;
                    continue;
                }
                b'#' if self.position == 0
                    || matches!(self.bytes[self.position - 1], b' ' | b'\t' | b'\n') =>
                {
                    self.position = self.line_end(self.position);
                    continue;
                }
                b'\n' => self.line_start = self.position + 1,
                b' ' | b'\t' | b'\r' => {}
                _ => node_start = false,
            }
            self.position += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::flow_too_deep;

    fn deep(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn finds_the_first_bracket_past_the_limit() {
        assert_eq!(flow_too_deep(&deep(128), 128), None);
        assert_eq!(flow_too_deep(&deep(129), 128), Some((1, 129)));
        let text = format!("a:\n  b: x\n  c: {}\n", deep(100_000));
        assert_eq!(flow_too_deep(&text, 128), Some((3, 6 + 128)));
        let text = format!("- - &anchor {}1{}", "{a: ".repeat(200), "}".repeat(200));
        assert_eq!(flow_too_deep(&text, 128), Some((1, 12 + 4 * 128 + 1)));
        let text = format!("key: [\n{}\n]\n", deep(200));
        assert_eq!(flow_too_deep(&text, 128), Some((2, 128)));
    }

    #[test]
    fn brackets_in_scalars_and_comments_do_not_count() {
        let brackets = "[".repeat(300);
        let documents = [
            format!("a: \"{brackets}\"\n"),
            format!("a: '{brackets}'\n"),
            format!("a: \"x\n  {brackets}\"\n"),
            format!("a: x{brackets}\n"),
            format!("a: x\n  {brackets}\n"),
            format!("- x\n  {brackets}\n"),
            format!("a: |\n  {brackets}\nb: 1\n"),
            format!("a: >-\n\n  {brackets}\n"),
            format!("# {brackets}\na: 1 # {brackets}\n"),
            format!("a: [x, \"{brackets}\", '{brackets}'] # {brackets}\n"),
            format!("a: [x, # {brackets}\n  y]\n"),
            format!("\"k{brackets}\": [1]\n"),
        ];
        for document in documents {
            assert_eq!(flow_too_deep(&document, 128), None, "{document}");
        }
    }

    #[test]
    fn keys_written_as_flow_or_quoted_scalars_still_have_their_values_checked() {
        let text = format!("\"key\": {}\n", deep(200));
        assert!(flow_too_deep(&text, 128).is_some());
        let text = format!("- [a]: {}\n", deep(200));
        assert!(flow_too_deep(&text, 128).is_some());
        let text = format!("- a: x\n  b: {}\n", deep(200));
        assert!(flow_too_deep(&text, 128).is_some());
    }
}
