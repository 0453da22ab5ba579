//! Finding the quote or bracket an author left open. The YAML parser notices an unclosed
//! `"` or `[` only where the text stops making sense, often lines later (`code: "502` on
//! line 3 breaks at the next `"`, on line 6); the mistake is where it was opened.

/// An opening quote or bracket, by line and column from 1 in the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opened {
    pub(crate) mark: char,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// What a scan up to the parser's problem position found open.
#[derive(Default)]
struct Scan {
    /// The quote open at the problem position.
    quote: Option<Opened>,
    /// The last quoted value that ran over a line end, and the line it closed on.
    multi_line_quote: Option<(Opened, usize)>,
    /// The flow brackets open at the problem position, innermost last.
    flows: Vec<Opened>,
}

/// The quote or bracket that explains a syntax error the parser found at `line:column`
/// (from 1, in `text`), with `message` its description: a quote still open there, or one
/// that ran over line ends and closed on the problem's line; else a `[` or `{` opened on an
/// earlier line when the parser missed its `]` or `}`.
pub(crate) fn find(text: &str, line: usize, column: usize, message: &str) -> Option<Opened> {
    let scan = scan(text, line, column);
    if let Some(quote) = scan.quote.filter(|q| q.line < line) {
        return Some(quote);
    }
    if let Some((quote, closed_on)) = scan.multi_line_quote {
        if closed_on == line {
            return Some(quote);
        }
    }
    let missed_close =
        message.contains("did not find expected ',' or ']'") || message.contains("did not find expected ',' or '}'");
    scan.flows.last().copied().filter(|flow| missed_close && flow.line < line)
}

fn scan(text: &str, stop_line: usize, stop_column: usize) -> Scan {
    let mut scan = Scan::default();
    for (line_no, raw) in (1..).zip(text.split('\n')) {
        if line_no > stop_line {
            break;
        }
        // The last character that was not a space on this line, outside quotes.
        let mut previous: Option<char> = None;
        let mut spaced = true;
        let mut chars = raw.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            let column = i + 1;
            if line_no == stop_line && column >= stop_column {
                break;
            }
            if let Some(open) = scan.quote {
                match c {
                    '\\' if open.mark == '"' => {
                        chars.next();
                    }
                    '\'' if open.mark == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                        chars.next();
                    }
                    _ if c == open.mark => {
                        scan.quote = None;
                        if open.line < line_no {
                            scan.multi_line_quote = Some((open, line_no));
                        }
                        previous = Some(c);
                    }
                    _ => {}
                }
                continue;
            }
            let token_start = match previous {
                None | Some('[' | '{' | ',') => true,
                Some(':' | '-' | '?') => spaced,
                _ => false,
            };
            match c {
                ' ' | '\t' => {
                    spaced = true;
                    continue;
                }
                '#' if spaced => break,
                '"' | '\'' if token_start => scan.quote = Some(Opened { mark: c, line: line_no, column }),
                '[' | '{' if token_start => scan.flows.push(Opened { mark: c, line: line_no, column }),
                ']' | '}' if !scan.flows.is_empty() => {
                    scan.flows.pop();
                }
                _ => {}
            }
            previous = Some(c);
            spaced = false;
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(mark: char, line: usize, column: usize) -> Option<Opened> {
        Some(Opened { mark, line, column })
    }

    #[test]
    fn a_quote_closed_lines_later_is_found_where_it_opened() {
        let text = "title: x\ncode: \"502\nsummary: A thing.\nupdated: 2026-01-01\nmessages: [\"502 Bad Gateway\"]\n";
        assert_eq!(find(text, 5, 13, "did not find expected key"), at('"', 2, 7));
        assert_eq!(find("a: 'it''s\nb: c\n", 3, 1, "found unexpected end of stream"), at('\'', 1, 4));
    }

    #[test]
    fn an_unclosed_bracket_is_found_where_it_opened() {
        let text = "tags: [a, b\nupdated: 2026-01-01\n";
        assert_eq!(find(text, 2, 8, "did not find expected ',' or ']'"), at('[', 1, 7));
        let text = "spec: { label: a, url: \"http://x\"\nupdated: 2026\n";
        assert_eq!(find(text, 2, 1, "did not find expected ',' or '}'"), at('{', 1, 7));
    }

    #[test]
    fn quotes_inside_words_comments_and_closed_pairs_are_not_openings() {
        let text = "title: it's \"fine\" # don't\ntags: [a, \"b\"]\ncode: x: y\n";
        assert_eq!(find(text, 3, 8, "mapping values are not allowed in this context"), None);
        // A multi-line list is fine; only a missed `]` points at its `[`.
        assert_eq!(find("tags: [a,\n  b, @c]\n", 2, 6, "found character that cannot start any token"), None);
    }
}
