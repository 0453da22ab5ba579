//! Splitting a Markdown file into its YAML front matter and its body, keeping line numbers.

/// The parts of a Markdown file. Line offsets count the file lines before each part, so a
/// position inside a part maps back to the file by adding them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Why a file's front matter could not be found, with a hint.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SplitError {
    pub message: &'static str,
    pub hint: &'static str,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Whether the text opens with a front-matter fence.
pub(crate) fn has_front_matter(text: &str) -> bool {
    text.lines().next().is_some_and(is_fence)
}

/// Splits `text` (already LF-normalised) at its `---` fences.
pub(crate) fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if !has_front_matter(text) {
        return Err(SplitError {
            message: "the file does not start with front matter",
            hint: "start the file with a line `---`, then the YAML fields (title, code, summary), then another `---`",
        });
    }
    let yaml_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        if is_fence(raw.trim_end_matches('\n')) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_offset: 1,
                body: &text[offset + raw.len()..],
                body_offset: line,
            });
        }
        offset += raw.len();
    }
    Err(SplitError {
        message: "the front matter is not closed",
        hint: "end the YAML fields with a line holding only `---`",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: x\ncode: \"1\"\n---\n## Body\ntext\n").unwrap();
        assert_eq!(s.yaml, "title: x\ncode: \"1\"\n");
        assert_eq!(s.yaml_offset, 1);
        assert_eq!(s.body, "## Body\ntext\n");
        assert_eq!(s.body_offset, 4);
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split("---\na: 1\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("a: 1\n", ""));
    }

    #[test]
    fn missing_or_unclosed_front_matter() {
        assert_eq!(split("# Title\n").unwrap_err().message, "the file does not start with front matter");
        assert_eq!(split("").unwrap_err().message, "the file does not start with front matter");
        assert_eq!(split("---\na: 1\n").unwrap_err().message, "the front matter is not closed");
    }
}
