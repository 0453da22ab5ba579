//! Judging a URL that content or `site.yaml` gives (docs/content.md) the way a browser reads it.
//!
//! A browser drops leading C0 controls and spaces, and every tab and newline, before it
//! reads a scheme, so ` javascript:`, `java\tscript:` and `\x01javascript:` all run script
//! when clicked. faultline refuses any URL holding ASCII whitespace or a control character
//! outright, and allows only `http:`, `https:` and `mailto:` among schemes; relative,
//! `#fragment` and `@/` links have none.

/// Schemes a link may use.
const ALLOWED: &[&str] = &["http", "https", "mailto"];

/// Why a URL is refused: the message, and the character index in the URL it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub at: usize,
}

/// Whether `c` is one a URL may not hold: ASCII whitespace or any control character.
fn forbidden_char(c: char) -> bool {
    c.is_ascii_whitespace() || c.is_control()
}

/// The scheme a browser finds in `url`, lowercased: after dropping leading C0 controls and
/// spaces and every tab, LF and CR (WHATWG URL parsing), the letters before a `:`.
pub(crate) fn browser_scheme(url: &str) -> Option<String> {
    let cleaned: String =
        url.trim_start_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether a browser would follow `url` with a scheme faultline does not allow.
pub fn forbidden_scheme(url: &str) -> Option<String> {
    browser_scheme(url).filter(|s| !ALLOWED.contains(&s.as_str()))
}

/// `url` as the message shows it: control characters and whitespace other than a plain
/// space written as escapes, cut to a readable length.
fn shown(url: &str) -> String {
    let mut out = String::new();
    for (i, c) in url.chars().enumerate() {
        if i == 80 {
            out.push_str("...");
            break;
        }
        match c {
            ' ' => out.push(' '),
            c if forbidden_char(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' => "a line break".to_string(),
        c => format!("the control character U+{:04X}", u32::from(c)),
    }
}

/// Why `url` is refused, if it is.
pub fn problem(url: &str) -> Option<Problem> {
    if let Some((at, c)) = url.chars().enumerate().find(|&(_, c)| forbidden_char(c)) {
        let read_as = match forbidden_scheme(url) {
            Some(scheme) => format!(" (a browser would read it as a `{scheme}:` link)"),
            None => String::new(),
        };
        return Some(Problem {
            message: format!(
                "the URL `{}` holds {} at character {}{read_as}; URLs may not hold whitespace or control characters",
                shown(url),
                describe(c),
                at + 1
            ),
            at,
        });
    }
    let scheme = forbidden_scheme(url)?;
    Some(Problem {
        message: format!("the link `{}` uses the scheme `{scheme}:`, which is not allowed", shown(url)),
        at: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_urls() {
        for url in ["https://x.org/a?b=c#d", "http://x", "mailto:a@b.c", "../x/", "#causes", "@/http/502", "a:b/", ""] {
            let expected = if url == "a:b/" { Some("a".to_string()) } else { None };
            assert_eq!(forbidden_scheme(url), expected, "{url}");
        }
        assert_eq!(problem("https://x.org/%20a"), None);
        assert_eq!(problem("x/y.png"), None);
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        for url in [
            " javascript:x",
            "\tjavascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "\u{1}javascript:x",
            "JaVa\rScRiPt:x",
        ] {
            assert_eq!(browser_scheme(url).as_deref(), Some("javascript"), "{url:?}");
        }
        assert_eq!(browser_scheme("data:text/html,x").as_deref(), Some("data"));
        assert_eq!(browser_scheme("1javascript:x"), None);
    }

    #[test]
    fn whitespace_and_controls_are_refused_anywhere() {
        let p = problem(" javascript:alert(1)").unwrap();
        assert_eq!(
            p.message,
            "the URL ` javascript:alert(1)` holds a space at character 1 (a browser would read it as a `javascript:` link); URLs may not hold whitespace or control characters"
        );
        assert_eq!(p.at, 0);
        let p = problem("java\tscript:alert(1)").unwrap();
        assert!(
            p.message.starts_with("the URL `java\\tscript:alert(1)` holds a tab at character 5 ("),
            "{}",
            p.message
        );
        assert!(problem("\u{1}javascript:x").unwrap().message.contains("U+0001"));
        assert!(problem("https://x.org/a b").unwrap().message.contains("a space at character 16;"));
        assert!(problem("https://x.org/\u{85}").is_some());
        assert!(problem("https://x.org/\u{7f}").is_some());
    }

    #[test]
    fn other_schemes_are_refused() {
        assert_eq!(
            problem("data:text/html,x").unwrap().message,
            "the link `data:text/html,x` uses the scheme `data:`, which is not allowed"
        );
        assert!(problem("JavaScript:alert(1)").is_some());
        assert!(problem("vbscript:x").is_some());
    }
}
