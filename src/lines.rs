//! Line and column lookup in a file's text. Line starts are found once, and lookups moving
//! forward along one line count only the characters in between, so placing every link or
//! list item of a 1 MB file costs about one more pass over it, however many there are.

use std::cell::Cell;

/// A file's text with its line starts.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    ascii: bool,
    /// The last lookup (byte, column): the next one on the same line starts counting there.
    last: Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { text, starts, ascii: text.is_ascii(), last: Cell::new((0, 1)) }
    }

    /// The 1-based line and column (in characters) of the byte offset `byte`, which must be
    /// on a character boundary.
    pub(crate) fn line_column(&self, byte: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= byte);
        let start = self.starts[line - 1];
        let column = if self.ascii {
            byte - start + 1
        } else {
            let (last_byte, last_column) = self.last.get();
            let (from, column) =
                if (start..=byte).contains(&last_byte) { (last_byte, last_column) } else { (start, 1) };
            column + self.text[from..byte].chars().count()
        };
        self.last.set((byte, column));
        (line, column)
    }

    /// The text of the 1-based line `line`, without its line break.
    pub(crate) fn line(&self, line: usize) -> Option<&'a str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(self.text.len(), |&next| next - 1);
        Some(&self.text[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let lines = Lines::new("ab\ncdé f\n\nx");
        assert_eq!(lines.line_column(0), (1, 1));
        assert_eq!(lines.line_column(3), (2, 1));
        assert_eq!(lines.line_column(7), (2, 4));
        assert_eq!(lines.line_column(8), (2, 5));
        assert_eq!(lines.line_column(5), (2, 3));
        assert_eq!(lines.line_column(11), (4, 1));
        assert_eq!(lines.line(2), Some("cdé f"));
        assert_eq!(lines.line(3), Some(""));
        assert_eq!(lines.line(4), Some("x"));
        assert_eq!(lines.line(5), None);
        assert_eq!(lines.line(0), None);
    }
}
