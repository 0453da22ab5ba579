//! Reducing a pasted log line to what names the error (SEARCH.md §2): timestamps, pids,
//! request ids, addresses, hosts and paths identify one occurrence, not the error.

/// `key=value` pairs whose value is noise. Like every constant of this file, shipped in the
/// index head for the page's script (`render/search.rs`), which keeps no copy.
pub(crate) const NOISE_KEYS: &[&str] = &[
    "bytes",
    "client",
    "connect",
    "duration",
    "dyno",
    "fwd",
    "host",
    "id",
    "ip",
    "method",
    "path",
    "pid",
    "port",
    "protocol",
    "referer",
    "referrer",
    "remote_addr",
    "request",
    "request_id",
    "request_time",
    "server",
    "service",
    "span_id",
    "tid",
    "time",
    "timestamp",
    "trace_id",
    "ts",
    "upstream",
    "uri",
    "url",
    "user_agent",
];

/// nginx's `key: value` context after an error message.
pub(crate) const CONTEXT_KEYS: &[&str] = &["client", "server", "request", "upstream", "host", "referrer"];

/// Characters stripped from both ends of a word before it is judged.
pub(crate) const STRIP: &[char] =
    &['(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '`', ',', ';', ':', '.', '!', '?'];

/// A run of digits this long or longer is a count, a port or an id, not an error code.
pub(crate) const NUMBER_DIGITS: usize = 5;
/// Hex digits (one of them a digit) this many or more: a hash or a request id.
pub(crate) const HEX_ID_CHARS: usize = 8;
/// Letters, digits, `-` and `:` this many or more, with [`ID_DIGITS`] digits: an id.
pub(crate) const ID_CHARS: usize = 12;
pub(crate) const ID_DIGITS: usize = 3;

/// The query (or `messages` line) without its noise, words joined by single spaces.
pub fn reduce(text: &str) -> String {
    let text = context_pairs(&key_values(text));
    text.split_whitespace().filter(|w| !is_noise(w.trim_matches(STRIP))).collect::<Vec<_>>().join(" ")
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where a value starting at `start` ends: after its closing quote when it is quoted and
/// closed, else at the next whitespace (or, with `comma`, the next comma).
fn value_end(text: &str, start: usize, comma: bool) -> usize {
    let rest = &text[start..];
    if let Some(inner) = rest.strip_prefix('"')
        && let Some(close) = inner.find('"')
    {
        return start + close + 2;
    }
    if !comma
        && let Some(inner) = rest.strip_prefix('\'')
        && let Some(close) = inner.find('\'')
    {
        return start + close + 2;
    }
    start + rest.find(|c: char| c.is_whitespace() || (comma && c == ',')).unwrap_or(rest.len())
}

/// `key=value` -> `value`, or nothing for a noise key. Keys are `[A-Za-z_][A-Za-z0-9_]*`,
/// taken as long as they can be (as a left-to-right regex match would).
fn key_values(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_key_start(bytes[i]) {
            i += 1;
            continue;
        }
        let mut eq = i;
        while eq < bytes.len() && is_key_char(bytes[eq]) {
            eq += 1;
        }
        if eq == bytes.len() || bytes[eq] != b'=' {
            // Not a key here; the next key can only start after this run.
            i = eq.max(i + 1);
            continue;
        }
        let key = &text[i..eq];
        let end = value_end(text, eq + 1, false);
        out.push_str(&text[copied..i]);
        if !NOISE_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            let value = &text[eq + 1..end];
            out.push_str(value.strip_prefix(['"', '\'']).and_then(|v| v.strip_suffix(['"', '\''])).unwrap_or(value));
        }
        copied = end;
        i = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Drops nginx's `client: 1.2.3.4, server: example.com, request: "GET / HTTP/1.1"`.
fn context_pairs(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || !is_key_char(bytes[i - 1]);
        let key = CONTEXT_KEYS.iter().find(|k| text[i..].starts_with(*k) && text[i + k.len()..].starts_with(':'));
        match key {
            Some(key) if at_boundary => {
                let mut start = i + key.len() + 1;
                start += text[start..].len() - text[start..].trim_start().len();
                out.push_str(&text[copied..i]);
                copied = value_end(text, start, true);
                i = copied;
            }
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits off a leading run of ASCII digits: (digits, rest).
fn leading_digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.split_at(n)
}

fn is_date(w: &str) -> bool {
    // 2026/04/20, 2026-04-20T10:01:02Z
    let (year, rest) = leading_digits(w);
    if year.len() == 4 && rest.starts_with(['-', '/']) {
        let (month, rest) = leading_digits(&rest[1..]);
        if (1..=2).contains(&month.len()) && rest.starts_with(['-', '/']) {
            let (day, _) = leading_digits(&rest[1..]);
            return (1..=2).contains(&day.len());
        }
    }
    // 20/Apr/2026:10:01:02
    let (day, rest) = leading_digits(w);
    if (1..=2).contains(&day.len())
        && let Some(rest) = rest.strip_prefix('/')
        && rest.len() >= 8
        && rest.is_char_boundary(3)
    {
        let (month, rest) = rest.split_at(3);
        return month.bytes().all(|b| b.is_ascii_alphabetic())
            && rest.starts_with('/')
            && leading_digits(&rest[1..]).0.len() == 4;
    }
    false
}

fn is_time(w: &str) -> bool {
    let (hours, rest) = leading_digits(w);
    (1..=2).contains(&hours.len()) && rest.starts_with(':') && leading_digits(&rest[1..]).0.len() == 2
}

fn is_ipv4(w: &str) -> bool {
    let (address, port) = w.split_once(':').unwrap_or((w, ""));
    let octets: Vec<&str> = address.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| digits(o) && o.len() <= 3)
        && (port.is_empty() && !w.contains(':') || digits(port))
}

fn is_ipv6(w: &str) -> bool {
    w.matches(':').count() >= 2 && w.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
}

fn is_url(w: &str) -> bool {
    match w.split_once("://") {
        Some((scheme, _)) => {
            scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        }
        None => false,
    }
}

fn is_path(w: &str) -> bool {
    w.starts_with('/') || w.starts_with("./") || w.starts_with("../") || w.starts_with("~/")
}

fn is_host(w: &str) -> bool {
    let name = match w.rsplit_once(':') {
        Some((name, port)) if digits(port) => name,
        _ => w,
    };
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

fn is_id(w: &str) -> bool {
    let count = |f: fn(&u8) -> bool| w.bytes().filter(f).count();
    let hex = w.len() >= HEX_ID_CHARS && w.bytes().all(|b| b.is_ascii_hexdigit()) && count(u8::is_ascii_digit) > 0;
    let mixed = w.len() >= ID_CHARS
        && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
        && count(u8::is_ascii_digit) >= ID_DIGITS
        && count(u8::is_ascii_alphabetic) > 0;
    hex || mixed
}

/// Whether a word (stripped of surrounding punctuation) names one occurrence, not an error,
/// or is nothing but punctuation.
fn is_noise(w: &str) -> bool {
    if w.is_empty() {
        return true;
    }
    let pid = w.split_once('#').is_some_and(|(a, b)| digits(a) && digits(b));
    let connection = w.strip_prefix('*').is_some_and(digits);
    let zone = w.strip_prefix(['+', '-']).is_some_and(|d| d.len() == 4 && digits(d));
    is_date(w)
        || is_time(w)
        || zone
        || pid
        || connection
        || is_ipv4(w)
        || is_ipv6(w)
        || is_url(w)
        || is_path(w)
        || is_host(w)
        || (digits(w) && w.len() >= NUMBER_DIGITS)
        || is_id(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_nginx_error_line_keeps_its_message() {
        let line = "2026/04/20 10:01:02 [error] 31#31: *1 upstream prematurely closed connection while \
                    reading response header from upstream, client: 10.0.0.7, server: example.com, \
                    request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api\", host: \"example.com\"";
        assert_eq!(
            reduce(line),
            "[error] upstream prematurely closed connection while reading response header from upstream,"
        );
    }

    #[test]
    fn a_heroku_router_line_keeps_code_and_description() {
        let line = "2026-04-20T10:01:02.123456+00:00 heroku[router]: at=error code=H10 desc=\"App crashed\" \
                    method=GET path=\"/\" host=myapp.herokuapp.com request_id=8601b555-6a83-4c12-8e5b-f2d1a1a9c1e0 \
                    fwd=\"203.0.113.9\" dyno= connect= service= status=503 bytes= protocol=https";
        assert_eq!(reduce(line), "heroku[router]: error H10 App crashed 503");
    }

    #[test]
    fn status_lines_and_plain_words_pass() {
        assert_eq!(reduce("HTTP/1.1 504 Gateway Time-out"), "HTTP/1.1 504 Gateway Time-out");
        assert_eq!(reduce("Back-off restarting failed container"), "Back-off restarting failed container");
        assert_eq!(reduce("ERR_HTTP2_PROTOCOL_ERROR net::ERR_FAILED"), "ERR_HTTP2_PROTOCOL_ERROR net::ERR_FAILED");
    }

    #[test]
    fn noise_words_go() {
        for w in [
            "2026/04/20",
            "2026-04-20T10:01:02Z",
            "20/Apr/2026:10:01:02",
            "10:01:02.123",
            "+0000",
            "31#31",
            "*1",
            "10.0.0.7",
            "10.0.0.7:8080",
            "::1",
            "fe80::1",
            "https://example.com/x",
            "/var/run/app.sock",
            "app.example.com",
            "123456",
            "deadbeef1",
            "8601b555-6a83-4c12-8e5b-f2d1a1a9c1e0",
            "sfo1::x5p7n-1700000000000-fe5a1b6d2f1c",
        ] {
            assert!(is_noise(w), "{w} should be noise");
        }
        for w in ["502", "H10", "1020", "HTTP/1.1", "e.g", "ERR_HTTP2_PROTOCOL_ERROR", "crashed", "110", "deadbeef"] {
            assert!(!is_noise(w), "{w} should stay");
        }
    }

    #[test]
    fn quoted_and_unterminated_values() {
        assert_eq!(reduce("desc=\"App crashed\" x"), "App crashed x");
        assert_eq!(reduce("desc=\"App crashed"), "\"App crashed");
        assert_eq!(reduce("9code=H12"), "9H12");
        assert_eq!(reduce("a=b=c"), "b=c");
        assert_eq!(reduce("path=\"/a b\" ok"), "ok");
    }
}
