//! The one module that names the YAML crate: parsing with positions, and finding where a
//! key or value sits in the source for checks made after parsing.

use crate::diag::Pos;
use crate::lines::Lines;
use serde::de::DeserializeOwned;

pub(crate) use serde_yaml::{Mapping, Value};

/// How a non-text mapping key (`1`, `true`) is written, to find and name it.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => "~".to_string(),
        _ => "?".to_string(),
    }
}

/// A YAML problem with its message and, where the parser knows it, its position and what
/// to do.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub message: String,
    pub pos: Option<Pos>,
    pub hint: Option<String>,
}

fn convert(error: serde_yaml::Error, text: &str, line_offset: usize) -> YamlError {
    let message = strip_location(&error.to_string());
    let Some(at) = error.location() else {
        return YamlError { message, pos: None, hint: None };
    };
    let pos = Some(Pos { line: at.line() + line_offset, column: at.column(), len: 1 });
    // A syntax error (the text is not YAML at all, as opposed to a field of the wrong type)
    // may come from a quote or bracket left open lines before.
    let opened = match serde_yaml::from_str::<Value>(text) {
        Err(_) => super::unclosed::find(text, at.line(), at.column(), &message),
        Ok(_) => None,
    };
    let Some(opened) = opened else {
        return YamlError { message, pos, hint: None };
    };
    let (what, close) = match opened.mark {
        '"' => ("quote", "a matching `\"` on the same line"),
        '\'' => ("quote", "a matching `'` on the same line"),
        '[' => ("`[`", "`]` after the list's last item"),
        _ => ("`{`", "`}` after the mapping's last key"),
    };
    YamlError {
        message: format!(
            "the {what} opened here is not closed, so the YAML breaks at line {}: {message}",
            at.line() + line_offset
        ),
        pos: Some(Pos { line: opened.line + line_offset, column: opened.column, len: 1 }),
        hint: Some(format!("close it with {close}")),
    }
}

/// Drops the " at line L column C" the crate writes into messages: positions are reported
/// separately, and relative to the file rather than to the YAML text.
fn strip_location(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after = rest[start + " at line ".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        let after = after.strip_prefix(" column ").unwrap_or(after);
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// Flow nesting (`[` and `{`) deeper than this is refused before parsing: the YAML crate's
/// scanner walks every open level for each token, so 20,000 levels cost seconds and a 1 MB
/// file of `[` hours, while its parser refuses more than 128 levels anyway.
const MAX_FLOW_DEPTH: usize = 256;

/// The byte offset where flow nesting first passes [`MAX_FLOW_DEPTH`], counting every
/// bracket (quoted ones too), which can only overestimate the depth.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses YAML text into `T`. `line_offset` is the number of file lines before `text`.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, line_offset: usize) -> Result<T, YamlError> {
    if let Some(at) = too_deep(text) {
        let (line, column) = Lines::new(text).line_column(at);
        return Err(YamlError {
            message: format!("the YAML nests more than {MAX_FLOW_DEPTH} levels of `[` and `{{`"),
            pos: Some(Pos { line: line + line_offset, column, len: 1 }),
            hint: None,
        });
    }
    serde_yaml::from_str(text).map_err(|e| convert(e, text, line_offset))
}

/// `map`, the mapping [`parse`] read from `text`, as `T`. Turning the mapping into fields
/// costs a fraction of reading the text again, which happens only when that fails: the
/// text reads a number where `T` wants text as written (`code: 502`), and a real error
/// needs the text for its place.
pub(crate) fn typed<T: DeserializeOwned>(map: Mapping, text: &str, line_offset: usize) -> Result<T, YamlError> {
    serde_yaml::from_value(Value::Mapping(map)).or_else(|_| parse(text, line_offset))
}

/// Locates things in YAML source text after parsing, when only the key path is known.
pub(crate) struct Finder<'a> {
    text: &'a str,
    line_offset: usize,
    lines: std::cell::OnceCell<Lines<'a>>,
}

/// Where the search for the next value of one key resumes: values met in document order
/// are each searched for after the previous one, so many of them cost one pass.
pub(crate) struct Cursor {
    from: usize,
    key: Option<Pos>,
    misses: usize,
}

/// Values not written verbatim (escaped in the YAML) are searched for to the end of the
/// text; after this many, the key's position is given without searching.
const MAX_MISSES: usize = 64;

impl<'a> Finder<'a> {
    pub(crate) fn new(text: &'a str, line_offset: usize) -> Self {
        Finder { text, line_offset, lines: std::cell::OnceCell::new() }
    }

    fn pos_of(&self, byte: usize, len: usize) -> Pos {
        let (line, column) = self.lines.get_or_init(|| Lines::new(self.text)).line_column(byte);
        Pos { line: line + self.line_offset, column, len: self.text[byte..byte + len].chars().count() }
    }

    /// A cursor for the values of the top-level key `key`, in the order they are written.
    pub(crate) fn cursor(&self, key: &str) -> Cursor {
        let at = self.key_at(key, 0);
        Cursor {
            from: at.map_or(self.text.len(), |i| i + key.len()),
            key: at.map(|i| self.pos_of(i, key.len())),
            misses: 0,
        }
    }

    /// The position of `value` after the previous value found with `cursor`, falling back to
    /// the key's position.
    pub(crate) fn next_value(&self, cursor: &mut Cursor, value: &str) -> Option<Pos> {
        if value.is_empty() || cursor.misses >= MAX_MISSES {
            return cursor.key;
        }
        match self.text[cursor.from..].find(value) {
            Some(i) => {
                let at = cursor.from + i;
                cursor.from = at + value.len();
                Some(self.pos_of(at, value.len()))
            }
            None => {
                cursor.misses += 1;
                cursor.key
            }
        }
    }

    /// Where the value of the key written at byte `key_at` starts (its opening quote, if
    /// quoted): where a value written with escapes, which `value` cannot find, is.
    fn value_start(&self, key_at: usize, key: &str) -> Option<Pos> {
        let rest = self.text[key_at + key.len()..].trim_start_matches(['\'', '"']).strip_prefix(':')?;
        let value = rest.trim_start_matches([' ', '\t']);
        let start = self.text.len() - value.len();
        Some(self.pos_of(start, value.chars().next().map_or(0, char::len_utf8)))
    }

    /// Where the value of the top-level key `key` starts.
    pub(crate) fn key_value_start(&self, key: &str) -> Option<Pos> {
        self.value_start(self.key_at(key, 0)?, key)
    }

    /// Where the value of `key`, nested in the value of the top-level key `parent`, starts.
    pub(crate) fn nested_value_start(&self, parent: &str, key: &str) -> Option<Pos> {
        let from = self.key_at(parent, 0)? + parent.len();
        self.value_start(self.key_at(key, from)?, key)
    }

    /// Where a mapping key is written, searching from byte `from`: the key at the start of a
    /// line (after indentation or `- `), or after `{` or `,` in a flow mapping.
    fn key_at(&self, key: &str, from: usize) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        let mut start = from;
        while let Some(found) = self.text[start..].find(key) {
            let i = start + found;
            let before = self.text[..i].trim_end_matches([' ', '\t']);
            let after = self.text[i + key.len()..].trim_start_matches(['\'', '"']);
            let quoted_start = self.text[..i].ends_with(['\'', '"']);
            let boundary = before.is_empty()
                || before.ends_with(['\n', '{', ',', '-'])
                || (quoted_start && before[..before.len() - 1].trim_end().ends_with(['\n', '{', ',', '-']));
            if boundary && after.starts_with(':') {
                return Some(i);
            }
            start = i + key.len();
        }
        None
    }

    /// The position of the top-level key `key`.
    pub(crate) fn key(&self, key: &str) -> Option<Pos> {
        self.key_at(key, 0).map(|i| self.pos_of(i, key.len()))
    }

    /// The position of `key` written somewhere inside the value of the top-level key `parent`.
    pub(crate) fn nested_key(&self, parent: &str, key: &str) -> Option<Pos> {
        let from = self.key_at(parent, 0)? + parent.len();
        self.key_at(key, from).map(|i| self.pos_of(i, key.len()))
    }

    /// The position of the text `value` inside the value of the top-level key `key`, falling
    /// back to the key itself.
    pub(crate) fn value(&self, key: &str, value: &str) -> Option<Pos> {
        self.exact_value(key, value).or_else(|| self.key(key))
    }

    /// The position of the text `value` inside the value of the top-level key `key`, if it
    /// is written there as it reads (not escaped).
    pub(crate) fn exact_value(&self, key: &str, value: &str) -> Option<Pos> {
        let from = self.key_at(key, 0)?;
        let i = self.text[from..].find(value).filter(|_| !value.is_empty())?;
        Some(self.pos_of(from + i, value.len()))
    }

    /// The positions of the items of the list under the top-level key `key`, in order: each
    /// is searched after the previous one, as a whole token, so a repeated or a prefixed
    /// item (`http/50` after `http/502`) is found where it is written.
    pub(crate) fn items(&self, key: &str, items: &[String]) -> Vec<Option<Pos>> {
        let Some(mut from) = self.key_at(key, 0).map(|i| i + key.len()) else {
            return vec![None; items.len()];
        };
        let is_token = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.');
        items
            .iter()
            .map(|item| {
                let mut start = from;
                while !item.is_empty() {
                    let i = start + self.text[start..].find(item.as_str())?;
                    let end = i + item.len();
                    let before = self.text[..i].chars().next_back();
                    let after = self.text[end..].chars().next();
                    if !before.is_some_and(is_token) && !after.is_some_and(is_token) {
                        from = end;
                        return Some(self.pos_of(i, item.len()));
                    }
                    start = end;
                }
                None
            })
            .collect()
    }

    /// The first position of `needle` anywhere in the text.
    pub(crate) fn anywhere(&self, needle: &str) -> Option<Pos> {
        self.text.find(needle).map(|i| self.pos_of(i, needle.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str = "title: x\nrelated: [http/504, http/999]\ncauses:\n  - { title: a, detial: b }\n  - title: c\n    likelyhood: high\ntags:\n  - a\n  - B\n";

    #[test]
    fn finds_keys_and_values_with_offsets() {
        let f = Finder::new(FM, 1);
        assert_eq!(f.key("related"), Some(Pos { line: 3, column: 1, len: 7 }));
        assert_eq!(f.value("related", "http/999"), Some(Pos { line: 3, column: 21, len: 8 }));
        assert_eq!(f.nested_key("causes", "detial"), Some(Pos { line: 5, column: 17, len: 6 }));
        assert_eq!(f.nested_key("causes", "likelyhood"), Some(Pos { line: 7, column: 5, len: 10 }));
        assert_eq!(f.value("tags", "B"), Some(Pos { line: 10, column: 5, len: 1 }));
        assert_eq!(f.key("missing"), None);
    }

    #[test]
    fn list_items_are_found_in_order_as_whole_tokens() {
        let f = Finder::new("tags: [proxy, upstream, upstream]\nrelated: [http/502, http/50]\n", 0);
        let tags = ["proxy", "upstream", "upstream"].map(String::from);
        let cols: Vec<usize> = f.items("tags", &tags).iter().map(|p| p.unwrap().column).collect();
        assert_eq!(cols, [8, 15, 25]);
        let related = ["http/502", "http/50"].map(String::from);
        assert_eq!(f.items("related", &related)[1].unwrap().column, 21);
        assert_eq!(f.key(""), None);
    }

    #[test]
    fn a_key_inside_a_value_is_not_a_key() {
        let f = Finder::new("summary: the title: is here\ntitle: real\n", 0);
        assert_eq!(f.key("title"), Some(Pos { line: 2, column: 1, len: 5 }));
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let err = parse::<Value>("title: x\nbad: key: value\n", 1).unwrap_err();
        assert_eq!(err.message, "mapping values are not allowed in this context");
        assert_eq!(err.pos, Some(Pos { line: 3, column: 9, len: 1 }));
        assert_eq!(err.hint, None);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opened() {
        let err = parse::<Value>("title: x\nbad: [unclosed\nnext: 1\n", 1).unwrap_err();
        assert_eq!(
            err.message,
            "the `[` opened here is not closed, so the YAML breaks at line 4: did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(err.pos, Some(Pos { line: 3, column: 6, len: 1 }));
        assert_eq!(err.hint.as_deref(), Some("close it with `]` after the list's last item"));
    }
}
