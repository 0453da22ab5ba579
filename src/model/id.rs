//! Entry ids: validation of their segments and the natural order every list uses.

use std::cmp::Ordering;

/// Why a string is not a valid id segment, as a sentence fragment for diagnostics.
pub(crate) fn segment_problem(segment: &str) -> Option<&'static str> {
    let mut chars = segment.chars();
    match chars.next() {
        None => Some("is empty"),
        Some(c) if !(c.is_ascii_lowercase() || c.is_ascii_digit()) => {
            Some("must start with a lowercase letter or a digit")
        }
        _ if chars.any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')) => {
            Some("may hold only lowercase letters, digits and `-`")
        }
        _ => None,
    }
}

/// Checks a whole id of the form `<source>/<name>`; returns a sentence saying what is wrong.
pub fn id_problem(id: &str) -> Option<String> {
    let segments: Vec<&str> = id.split('/').collect();
    if segments.len() != 2 {
        return Some(format!("`{id}` is not an id of the form `<source>/<name>`, such as `http/502`"));
    }
    segments
        .iter()
        .find_map(|segment| segment_problem(segment).map(|why| format!("in id `{id}`, the segment `{segment}` {why}")))
}

/// Turns any text into a valid segment, for "rename to" hints.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Natural order of ids: segment by segment; within a segment, runs of digits compare as
/// numbers and the rest byte by byte; a remaining tie breaks byte by byte.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut sa = a.split('/');
    let mut sb = b.split('/');
    loop {
        match (sa.next(), sb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match segment_cmp(x, y) {
                Ordering::Equal => continue,
                other => return other,
            },
        }
    }
}

fn segment_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let (end_a, end_b) = (digit_run_end(a, i), digit_run_end(b, j));
            let ord = number_cmp(&a[i..end_a], &b[j..end_b]);
            if ord != Ordering::Equal {
                return ord;
            }
            i = end_a;
            j = end_b;
        } else {
            match a[i].cmp(&b[j]) {
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                }
                other => return other,
            }
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn digit_run_end(s: &[u8], start: usize) -> usize {
    start + s[start..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Compares two digit runs as numbers of any length, without overflow.
fn number_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |s: &'_ [u8]| -> usize { s.iter().take_while(|&&c| c == b'0').count() };
    let (a, b) = (&a[trim(a)..], &b[trim(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut ids: Vec<&str>) -> Vec<&str> {
        ids.sort_by(|a, b| natural_cmp(a, b));
        ids
    }

    #[test]
    fn digit_runs_compare_as_numbers() {
        assert_eq!(sorted(vec!["acme/e10", "acme/e9", "acme/e100"]), ["acme/e9", "acme/e10", "acme/e100"]);
        assert_eq!(sorted(vec!["http/500", "heroku/h12", "heroku/h10"]), ["heroku/h10", "heroku/h12", "http/500"]);
        assert_eq!(sorted(vec!["http/1000", "http/500"]), ["http/500", "http/1000"]);
    }

    #[test]
    fn segments_compare_before_the_rest() {
        // Byte order would put "a-b/x" before "a/y" ('-' < '/'); natural order compares "a-b" with "a".
        assert_eq!(sorted(vec!["a-b/x", "a/y"]), ["a/y", "a-b/x"]);
    }

    #[test]
    fn equal_numbers_tie_break_byte_by_byte() {
        assert_eq!(natural_cmp("x/e01", "x/e1"), "x/e01".cmp("x/e1"));
        assert_ne!(natural_cmp("x/e01", "x/e1"), Ordering::Equal);
        assert_eq!(natural_cmp("x/e1", "x/e1"), Ordering::Equal);
    }

    #[test]
    fn huge_digit_runs_do_not_overflow() {
        assert_eq!(natural_cmp("a/99999999999999999999999", "a/100000000000000000000000"), Ordering::Less);
    }

    #[test]
    fn id_rules() {
        assert_eq!(id_problem("http/502"), None);
        assert!(id_problem("http/Bad").unwrap().contains("lowercase"));
        assert!(id_problem("http").unwrap().contains("<source>/<name>"));
        assert!(id_problem("http/a/b").is_some());
        assert!(id_problem("http/-a").unwrap().contains("must start"));
        assert!(id_problem("http/a.b").is_some());
        assert_eq!(slug("Bad Gateway!"), "bad-gateway");
    }
}
