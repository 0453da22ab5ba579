//! One entry: its front-matter fields as written, and parsing plus every per-file rule of
//! docs/content.md (cross-file rules live in `link`).

use crate::diag::{Diagnostic, Pos};
use crate::load::frontmatter;
use crate::load::yaml::{self, Cursor, Finder, Mapping, Value};
use crate::model::body::{Bodies, Body};
use crate::model::hint;
use crate::model::id::{id_problem, segment_problem};
use crate::model::markdown::{self, AnchorSet};
use crate::model::url;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// The fields of an entry, as written. Required text fields are empty when missing (the
/// checks report them); optional lists are empty.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(default)]
pub struct FrontMatter {
    pub title: String,
    pub code: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<String>,
    /// Read as any integer, so an out-of-range value gets faultline's message, not serde's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<Spec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iana: Option<Iana>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cacheable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typical_cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_check: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fastest_fix: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<Cause>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_time: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faq: Vec<Faq>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compare: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirect_from: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Only in `.yaml` entries; a Markdown entry's body follows its front matter.
    #[serde(skip_serializing)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(default)]
pub struct Spec {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Iana {
    Assigned,
    Unused,
    Obsolete,
    Temporary,
    Unofficial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(default)]
pub struct Cause {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<Likelihood>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(default)]
pub struct Step {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(default)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

/// The HTTP class of an entry: 1xx ... 5xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Class(pub u8);

impl Class {
    pub(crate) fn of_status(status: i64) -> Option<Class> {
        (100..=599).contains(&status).then_some(Class((status / 100) as u8))
    }

    /// `5xx`
    pub fn label(self) -> String {
        format!("{}xx", self.0)
    }

    pub(crate) fn name(self) -> &'static str {
        match self.0 {
            1 => "Informational",
            2 => "Success",
            3 => "Redirection",
            4 => "Client Error",
            _ => "Server Error",
        }
    }
}

/// A reference to another entry from `related`, `compare`, `redirect_from` or an `@/` link,
/// with where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    pub id: String,
    pub fragment: Option<String>,
    pub pos: Option<Pos>,
}

/// A parsed, per-file-valid entry. Serde reads and writes it for the parses kept between
/// builds ([`crate::model::kept`]), which keep the body apart: it is most of the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub source: String,
    /// Relative to the site root: `content/http/502.md`.
    pub file: String,
    pub fm: FrontMatter,
    /// The Markdown body, from after the front matter or from `body:`.
    #[serde(skip)]
    pub body: Body,
    pub class: Option<Class>,
    /// Every anchor the entry page has: the fixed ones and one per body heading.
    pub anchors: BTreeSet<String>,
    pub related: Vec<Ref>,
    pub compare: Vec<Ref>,
    pub redirect_from: Vec<Ref>,
    /// `@/` links in any Markdown field.
    pub links: Vec<Ref>,
}

/// Every top-level key an entry may have.
pub const KEYS: &[&str] = &[
    "title",
    "code",
    "summary",
    "name",
    "also_known_as",
    "status",
    "spec",
    "iana",
    "cacheable",
    "client_action",
    "generated_by",
    "typical_cause",
    "first_check",
    "fastest_fix",
    "causes",
    "steps",
    "estimated_time",
    "faq",
    "messages",
    "related",
    "compare",
    "tags",
    "redirect_from",
    "updated",
    "draft",
    "body",
];

/// The keys allowed inside the mappings of a nested field.
pub fn nested_keys(field: &str) -> Option<&'static [&'static str]> {
    match field {
        "spec" => Some(&["label", "url"]),
        "causes" => Some(&["title", "detail", "likelihood"]),
        "steps" => Some(&["title", "detail", "tip"]),
        "faq" => Some(&["q", "a"]),
        _ => None,
    }
}

/// Collects the diagnostics of one file, positioned in its text.
struct Report<'a> {
    file: &'a str,
    finder: Finder<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Report<'_> {
    fn error(&mut self, pos: Option<Pos>, message: String, hint: Option<String>) {
        // The source line is attached when printing, only to those printed.
        self.diagnostics.push(Diagnostic::error(message).file(self.file).at_pos(pos).hint_opt(hint));
    }
}

/// Parses and checks one entry file. Returns the entry when it could be parsed at all (it
/// may still have diagnostics), so that later stages can check links to it.
pub fn parse(id: &str, file: &str, text: &str, is_yaml: bool) -> (Option<Entry>, Vec<Diagnostic>) {
    parse_with(id, file, text, is_yaml, Bodies::Held)
}

/// [`parse`], the entry's body held as `bodies` says: a Markdown body left in its file is
/// never copied.
pub fn parse_with(
    id: &str,
    file: &str,
    text: &str,
    is_yaml: bool,
    bodies: Bodies<'_>,
) -> (Option<Entry>, Vec<Diagnostic>) {
    let (yaml_text, yaml_offset, md_body, body_offset) = if is_yaml {
        (text, 0, None, 0)
    } else {
        match frontmatter::split(text) {
            Ok(s) => (s.yaml, s.yaml_offset, Some(s.body), s.body_offset),
            Err(e) => {
                let d = Diagnostic::error(e.message)
                    .file(file)
                    .at(text, Some(Pos { line: 1, column: 1, len: 3 }))
                    .hint(e.hint);
                return (None, vec![d]);
            }
        }
    };
    let mut report = Report { file, finder: Finder::new(yaml_text, yaml_offset), diagnostics: Vec::new() };
    let first_line = Some(Pos { line: yaml_offset.max(1), column: 1, len: 3 });
    let Some(map) = parse_mapping(yaml_text, yaml_offset, is_yaml, &mut report) else {
        return (None, report.diagnostics);
    };
    check_keys(&map, is_yaml, &mut report);
    let missing: Vec<&str> = ["title", "code", "summary"].into_iter().filter(|key| !map.contains_key(*key)).collect();
    let mut fm: FrontMatter = match yaml::typed(map, yaml_text, yaml_offset) {
        Ok(fm) => fm,
        Err(e) => {
            let (message, hint) = status_error(&e.message).unwrap_or_else(|| typed_error(&e.message));
            report.error(e.pos, message, Some(hint));
            return (None, report.diagnostics);
        }
    };
    let (source, name) = id.split_once('/').unwrap_or((id, ""));
    // A YAML body is taken out of the fields, so that the entry holds it once.
    let yaml_body = if md_body.is_none() { fm.body.take().unwrap_or_default() } else { String::new() };
    let body = md_body.unwrap_or(&yaml_body);
    for key in ["title", "code", "summary"] {
        let value = match key {
            "title" => &fm.title,
            "code" => &fm.code,
            _ => &fm.summary,
        };
        if missing.contains(&key) {
            report.error(first_line, format!("the required field `{key}` is missing"), Some(required_hint(key)));
        } else if value.trim().is_empty() {
            report.error(report.finder.key(key), format!("`{key}` is empty"), Some(required_hint(key)));
        }
    }
    let class = check_code_and_class(source, name, &fm, &mut report);
    check_fields(&fm, &mut report);
    if !fm.draft {
        let shown_body = (body, if is_yaml { report.finder.key("body").map_or(0, |p| p.line) } else { body_offset });
        report.diagnostics.extend(super::placeholder::warnings(
            file,
            text,
            (&fm.summary, &fm.code),
            (yaml_text, yaml_offset),
            shown_body,
        ));
    }
    let related = refs(id, "related", &fm.related, true, &mut report);
    let compare = refs(id, "compare", &fm.compare, true, &mut report);
    let redirect_from = refs(id, "redirect_from", &fm.redirect_from, false, &mut report);
    let mut anchors = AnchorSet::default();
    markdown::heading_anchors(body, &mut anchors);
    let links = scan_links(&fm, body, body_offset, is_yaml, &mut report);
    let body = match md_body {
        Some(body) => Body::end_of(bodies, file, text, body),
        // A YAML body ends the file only when written on one line at its end.
        None if text.ends_with(yaml_body.as_str()) => Body::end_of(bodies, file, text, &yaml_body),
        None => Body::Held(yaml_body),
    };
    let entry = Entry {
        id: id.to_string(),
        source: source.to_string(),
        file: file.to_string(),
        fm,
        body,
        class,
        anchors: anchors.into_set(),
        related,
        compare,
        redirect_from,
        links,
    };
    (Some(entry), report.diagnostics)
}

/// The front matter (or the whole YAML file) as a mapping of fields, or `None` after
/// reporting why it is not one.
fn parse_mapping(yaml_text: &str, yaml_offset: usize, is_yaml: bool, report: &mut Report<'_>) -> Option<Mapping> {
    let value: Value = match yaml::parse(yaml_text, yaml_offset) {
        Ok(v) => v,
        Err(e) => {
            let (message, hint) = status_error(&e.message).unwrap_or_else(|| {
                let hint = e.hint.clone().unwrap_or_else(|| yaml_hint(&e.message));
                (format!("invalid YAML: {}", e.message), hint)
            });
            report.error(e.pos, message, Some(hint));
            return None;
        }
    };
    let first_line = Some(Pos { line: yaml_offset.max(1), column: 1, len: 3 });
    match value {
        Value::Mapping(map) => Some(map),
        Value::Null => {
            let what = if is_yaml { "the file is empty" } else { "the front matter is empty" };
            let hint = "an entry needs at least `title`, `code` and `summary`";
            report.error(first_line, what.to_string(), Some(hint.into()));
            None
        }
        _ => {
            let hint = "write `key: value` lines, such as `title: 502 Bad Gateway`";
            report.error(first_line, "an entry must be a mapping of fields".into(), Some(hint.into()));
            None
        }
    }
}

/// A `status` that is not a whole number in range, however serde words it: too large for
/// any integer (which fails while reading the YAML), a fraction, or text.
fn status_error(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("status: ")?;
    let written: String = rest.split('`').nth(1).unwrap_or("").chars().take(40).collect();
    let message = if written.is_empty() {
        "`status` must be an HTTP status from 100 to 599".to_string()
    } else {
        format!("`status` {written} is not an HTTP status from 100 to 599")
    };
    Some((message, "write the status the client receives, such as `status: 503`".into()))
}

/// Rewords serde's message for a value of the wrong type or an unknown variant (a path
/// such as `causes[0].likelihood`, then "unknown variant ..., expected one of ...").
fn typed_error(message: &str) -> (String, String) {
    let (path, rest) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (path, rest),
        _ => ("", message),
    };
    let field = match path.split_once('[') {
        Some((list, rest)) => {
            let (index, tail) = rest.split_once(']').unwrap_or((rest, ""));
            let n = index.parse::<usize>().map_or(0, |i| i + 1);
            let item = match list {
                "causes" => "cause",
                "steps" => "step",
                "faq" => "FAQ item",
                other => other,
            };
            format!("`{}` of {item} {n}", tail.trim_start_matches('.'))
        }
        None => format!("`{path}`"),
    };
    if let Some(rest) = rest.strip_prefix("unknown variant ") {
        let (value, expected) = rest.split_once(", expected one of ").unwrap_or((rest, ""));
        let expected = expected.replace('`', "");
        return (format!("{field} is {value}; it must be one of {expected}"), format!("write one of: {expected}"));
    }
    let rest =
        rest.replace("expected u16", "expected a whole number").replace("expected i64", "expected a whole number");
    let hint = "faultline's docs/content.md gives each field's type: text, a number, a list, or a mapping".to_string();
    if path.is_empty() { (rest, hint) } else { (format!("{field}: {rest}"), hint) }
}

fn yaml_hint(message: &str) -> String {
    if message.contains("mapping values are not allowed") {
        "a value that contains `: ` must be quoted, for example `summary: \"Error: the upstream closed\"`".into()
    } else if message.contains("found character that cannot start any token") {
        "values starting with `@`, `` ` `` or `%` must be quoted".into()
    } else {
        "check the indentation and quoting around this line".into()
    }
}

/// A "rename" hint with the slug of `text`, or the rule when nothing of it can be kept.
pub(crate) fn rename_hint(verb: &str, text: &str, ext: &str) -> String {
    match crate::model::id::slug(text) {
        slug if slug.is_empty() => "use only lowercase letters, digits and `-`".to_string(),
        slug => format!("{verb} `{slug}{ext}`"),
    }
}

fn required_hint(key: &str) -> String {
    match key {
        "title" => "add a title, such as `title: 502 Bad Gateway`".into(),
        "code" => "add the error's code, such as `code: \"502\"` or `code: H10`".into(),
        _ => "add a one-sentence summary of what the error means".into(),
    }
}

/// Reports every unknown key, at the top level and inside nested mappings, with a hint.
fn check_keys(map: &Mapping, is_yaml: bool, report: &mut Report<'_>) {
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            let shown = yaml::scalar_text(key);
            let pos = report.finder.anywhere(&format!("{shown}:"));
            report.error(
                pos,
                format!("the key `{shown}` is not text"),
                Some("field names are words such as `title`; docs/content.md lists them".to_string()),
            );
            continue;
        };
        if key.is_empty() {
            let pos = report.finder.anywhere("\"\":").or_else(|| report.finder.anywhere("'':"));
            report.error(pos, "a field name is empty".into(), Some("write the field's name before the colon".into()));
        } else if key == "body" && !is_yaml {
            report.error(
                report.finder.key(key),
                "`body` is not a front-matter field in a Markdown entry".into(),
                Some("write the body as Markdown after the closing `---`".into()),
            );
        } else if !KEYS.contains(&key) {
            let hint = hint::did_you_mean(hint::similar(key, KEYS.iter().copied()));
            report.error(
                report.finder.key(key),
                format!("unknown field `{key}`"),
                hint.or_else(|| Some("faultline's docs/content.md lists the fields an entry takes".into())),
            );
        } else if let Some(allowed) = nested_keys(key) {
            let items: Vec<&Value> = match value {
                Value::Sequence(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in items {
                let Value::Mapping(inner) = item else {
                    continue;
                };
                for inner_key in inner.keys().filter_map(Value::as_str) {
                    if !allowed.contains(&inner_key) {
                        let hint = hint::did_you_mean(hint::similar(inner_key, allowed.iter().copied()))
                            .unwrap_or_else(|| format!("`{key}` items take: {}", allowed.join(", ")));
                        report.error(
                            report.finder.nested_key(key, inner_key),
                            format!("unknown field `{inner_key}` in `{key}`"),
                            Some(hint),
                        );
                    }
                }
            }
        }
    }
}

/// The status an http code names: three digits from 100 to 599, no leading zero, so each
/// status has exactly one spelling and one entry.
pub(crate) fn http_status(code: &str) -> Option<i64> {
    let digits = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
    code.parse::<i64>().ok().filter(|n| digits && (100..=599).contains(n))
}

/// http entries: the code is the file name and a status from 100 to 599. Others: a class
/// from `status`.
fn check_code_and_class(source: &str, name: &str, fm: &FrontMatter, report: &mut Report<'_>) -> Option<Class> {
    if let Some(status) = fm.status {
        if !(100..=599).contains(&status) {
            report.error(
                report.finder.value("status", &status.to_string()),
                format!("`status` {status} is not an HTTP status from 100 to 599"),
                Some("write the status the client receives, such as `status: 503`".into()),
            );
        }
    }
    if source != "http" {
        if fm.iana.is_some() {
            report.error(
                report.finder.key("iana"),
                "`iana` applies only to http entries".into(),
                Some("remove it; use `status` for the HTTP status this error produces".into()),
            );
        }
        return fm.status.and_then(Class::of_status);
    }
    if fm.status.is_some() {
        report.error(
            report.finder.key("status"),
            "`status` applies only to non-http entries".into(),
            Some("an http entry's status is its code; remove `status`".into()),
        );
    }
    let code = fm.code.trim();
    if code.is_empty() {
        return None;
    }
    let number = http_status(code);
    if code != name {
        report.error(
            report.finder.value("code", code),
            format!("the code `{code}` does not match the file name `{name}`"),
            Some(format!("an http entry's file is named after its code: `code: \"{name}\"` or rename the file")),
        );
    } else if number.is_none() {
        report.error(
            report.finder.value("code", code),
            format!("`{code}` is not an HTTP status from 100 to 599"),
            Some("http entries are named after their status code, such as content/http/502.md".into()),
        );
    }
    number.and_then(Class::of_status)
}

fn check_fields(fm: &FrontMatter, report: &mut Report<'_>) {
    if let Some(spec) = &fm.spec {
        for (field, value) in [("label", &spec.label), ("url", &spec.url)] {
            if value.trim().is_empty() {
                report.error(report.finder.key("spec"), format!("`spec` needs a `{field}`"), Some("write `spec: { label: \"RFC 9110 §15.6.3\", url: \"https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3\" }`".into()));
            }
        }
        if let Some(problem) = url::problem(&spec.url) {
            let finder = &report.finder;
            let pos = finder.exact_value("spec", &spec.url).or_else(|| finder.nested_value_start("spec", "url"));
            report.error(pos.or_else(|| finder.key("spec")), problem.message, Some("use an http(s) URL".into()));
        }
    }
    for (i, cause) in fm.causes.iter().enumerate() {
        if cause.title.trim().is_empty() {
            report.error(
                report.finder.key("causes"),
                format!("cause {} has no `title`", i + 1),
                Some("each cause needs `title`; `detail` and `likelihood` are optional".into()),
            );
        }
    }
    for (i, step) in fm.steps.iter().enumerate() {
        if step.title.trim().is_empty() {
            report.error(
                report.finder.key("steps"),
                format!("step {} has no `title`", i + 1),
                Some("each step needs `title`; `detail` and `tip` are optional".into()),
            );
        }
    }
    for (i, item) in fm.faq.iter().enumerate() {
        for (field, value) in [("q", &item.q), ("a", &item.a)] {
            if value.trim().is_empty() {
                report.error(
                    report.finder.key("faq"),
                    format!("FAQ item {} has no `{field}`", i + 1),
                    Some("each FAQ item needs both `q` and `a`".into()),
                );
            }
        }
    }
    let mut seen = BTreeSet::new();
    let positions = report.finder.items("tags", &fm.tags);
    for (tag, pos) in fm.tags.iter().zip(positions) {
        if let Some(why) = segment_problem(tag) {
            report.error(pos, format!("the tag `{tag}` {why}"), Some(rename_hint("write it as", tag, "")));
        } else if !seen.insert(tag) {
            report.error(pos, format!("the tag `{tag}` is listed twice"), Some("remove the repeat".into()));
        }
    }
    if let Some(date) = &fm.updated {
        if !is_real_date(date) {
            report.error(
                report.finder.value("updated", date),
                format!("`updated` is `{date}`, which is not a real date written YYYY-MM-DD"),
                Some("for example `updated: 2026-04-20`".into()),
            );
        }
    }
}

/// `YYYY-MM-DD` naming a day that exists.
pub(crate) fn is_real_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |s: &str| s.parse::<u32>().ok().filter(|_| s.bytes().all(|c| c.is_ascii_digit()));
    let (Some(y), Some(m), Some(d)) = (num(&date[..4]), num(&date[5..7]), num(&date[8..])) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Checks the syntax of ids in a list and turns them into positioned references.
fn refs(own: &str, key: &str, ids: &[String], not_self: bool, report: &mut Report<'_>) -> Vec<Ref> {
    let mut out: Vec<Ref> = Vec::new();
    let positions = report.finder.items(key, ids);
    for (id, pos) in ids.iter().zip(positions) {
        if let Some(problem) = id_problem(id) {
            report.error(
                pos,
                format!("`{key}` lists {problem}"),
                Some("ids are paths under content/ without extension, such as `http/504`".into()),
            );
        } else if not_self && id == own {
            report.error(pos, format!("`{key}` names the entry itself"), Some("remove it".into()));
        } else if !not_self && id == own {
            report.error(
                pos,
                "`redirect_from` names the entry's own id".into(),
                Some("list only old ids that should lead here".into()),
            );
        } else if out.iter().any(|r| &r.id == id) {
            report.error(pos, format!("`{key}` lists `{id}` twice"), Some("remove the repeat".into()));
        } else {
            out.push(Ref { id: id.clone(), fragment: None, pos });
        }
    }
    out
}

/// Checks every link in the Markdown fields and returns the `@/` ones.
fn scan_links(fm: &FrontMatter, body: &str, body_offset: usize, is_yaml: bool, report: &mut Report<'_>) -> Vec<Ref> {
    let mut fields: Vec<(&str, &str)> = vec![("summary", fm.summary.as_str())];
    fields.extend(fm.client_action.as_deref().map(|t| ("client_action", t)));
    fields.extend(fm.fastest_fix.iter().map(|t| ("fastest_fix", t.as_str())));
    for cause in &fm.causes {
        fields.push(("causes", &cause.title));
        fields.extend(cause.detail.as_deref().map(|t| ("causes", t)));
    }
    for step in &fm.steps {
        fields.push(("steps", &step.title));
        fields.extend(step.detail.as_deref().map(|t| ("steps", t)));
        fields.extend(step.tip.as_deref().map(|t| ("steps", t)));
    }
    fields.extend(fm.faq.iter().map(|f| ("faq", f.a.as_str())));
    let mut found: Vec<(Option<Pos>, String)> = Vec::new();
    // Each key's links are searched for after the previous one's, in document order.
    let mut cursors: HashMap<&str, Cursor> = HashMap::new();
    for (key, text) in fields {
        for link in markdown::links(text) {
            let cursor = cursors.entry(key).or_insert_with(|| report.finder.cursor(key));
            found.push((report.finder.next_value(cursor, &link.dest), link.dest));
        }
    }
    if is_yaml {
        let mut cursor = report.finder.cursor("body");
        for link in markdown::links(body) {
            found.push((report.finder.next_value(&mut cursor, &link.dest), link.dest));
        }
    } else {
        found.extend(markdown::positioned_links(body, body_offset).into_iter().map(|(dest, pos)| (Some(pos), dest)));
    }
    let mut out = Vec::new();
    for (pos, dest) in found {
        if let Some(problem) = url::problem(&dest) {
            report.error(
                pos,
                problem.message,
                Some("links may be http(s), mailto, relative, `#fragment` or `@/id` links".into()),
            );
        } else if let Some((id, fragment)) = markdown::internal_target(&dest) {
            match id_problem(id) {
                Some(problem) => report.error(
                    pos,
                    format!("the link `{dest}` names {problem}"),
                    Some("write `@/` links as `@/http/504` or `@/http/504#causes`".into()),
                ),
                None => out.push(Ref { id: id.to_string(), fragment: fragment.map(str::to_string), pos }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields taken from the mapping already read are the fields the text gives, wherever
    /// taking them succeeds: over every entry of the hub, and where YAML types differ.
    #[test]
    fn fields_from_the_mapping_are_the_fields_from_the_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hub/content");
        let mut texts: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('_'))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .map(|text| match frontmatter::split(&text) {
                Ok(split) => split.yaml.to_string(),
                Err(_) => text,
            })
            .collect();
        assert!(texts.len() > 100);
        let odd = [
            "code: 502",
            "title: 1.0",
            "status: 502",
            "status: \"502\"",
            "draft: yes",
            "draft: true",
            "summary: ~",
            "title: null",
            "tags: [a, 1, true]",
            "title: !x y",
            "causes: [{title: 1}]",
            "spec: {label: 2, url: x}",
            "status: 5.5",
            "code: 0x1F6",
            "title: 2026-04-20",
            "related: a",
            "faq: [{q: 1, a: [x]}]",
            "title: |\n  a\n  b\n",
        ];
        texts.extend(odd.iter().map(|t| format!("messages: [m]\n{t}\n")));
        let json = |fm: FrontMatter| serde_json::to_value(fm).unwrap();
        for text in &texts {
            let Ok(Value::Mapping(map)) = yaml::parse::<Value>(text, 0) else { panic!("not a mapping: {text}") };
            let from_text = yaml::parse::<FrontMatter>(text, 0).map(json).ok();
            assert_eq!(yaml::typed::<FrontMatter>(map, text, 0).map(json).ok(), from_text, "{text}");
        }
    }

    #[test]
    fn real_dates() {
        assert!(is_real_date("2026-04-20"));
        assert!(is_real_date("2024-02-29"));
        assert!(!is_real_date("2026-02-29"));
        assert!(!is_real_date("2026-13-01"));
        assert!(!is_real_date("2026-4-20"));
        assert!(!is_real_date("20260420"));
        assert!(!is_real_date("2026-04-+1"));
    }

    #[test]
    fn classes() {
        assert_eq!(Class::of_status(503).map(Class::label).as_deref(), Some("5xx"));
        assert_eq!(Class::of_status(600), None);
        assert_eq!(Class(4).name(), "Client Error");
    }
}
