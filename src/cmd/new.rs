//! `faultline new <id>`: writes a draft entry with every field that applies to its source,
//! each commented, so an author fills in rather than looks up.

use crate::load::RESERVED;
use crate::model::id::id_problem;
use crate::model::placeholder::{self, BODY_HEADING};
use std::path::{Path, PathBuf};

/// Why `new` could not write the file.
#[derive(Debug)]
pub(crate) enum NewError {
    /// The id itself is wrong: bad usage.
    BadId(String),
    /// The file exists or could not be written.
    Failed(String),
}

/// Writes `content/<id>.md` under `root` and returns its path.
pub(crate) fn create(root: &Path, id: &str, today: &str) -> Result<PathBuf, NewError> {
    if let Some(problem) = id_problem(id) {
        return Err(NewError::BadId(problem));
    }
    let (source, name) = id.split_once('/').unwrap_or_default();
    if RESERVED.contains(&source) {
        return Err(NewError::BadId(format!("`{source}` is reserved for generated pages and cannot be a source")));
    }
    if source == "http" && crate::model::entry::http_status(name).is_none() {
        return Err(NewError::BadId(format!("http entries are named after their status code (100-599), not `{name}`")));
    }
    let content = root.join("content");
    if !content.is_dir() {
        return Err(NewError::Failed(crate::load::no_content(root)));
    }
    for ext in ["md", "yaml"] {
        let existing = content.join(format!("{id}.{ext}"));
        if existing.exists() {
            return Err(NewError::Failed(format!("content/{id}.{ext} already exists; faultline new never overwrites")));
        }
    }
    let path = content.join(format!("{id}.md"));
    let folder = content.join(source);
    // `build` refuses links under content/ (docs/content.md); writing through one would put the
    // entry outside the site.
    if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
        return Err(NewError::Failed(format!(
            "content/{source} is not a folder (a symbolic link or a file); faultline new writes only into real folders under content/"
        )));
    }
    std::fs::create_dir_all(&folder)
        .map_err(|e| NewError::Failed(format!("cannot create {}: {e}", folder.display())))?;
    // create_new refuses to replace a file that appeared since the check above.
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
    let mut file = file.map_err(|e| NewError::Failed(format!("cannot create content/{id}.md: {e}")))?;
    std::io::Write::write_all(&mut file, template(source, name, today).as_bytes())
        .map_err(|e| NewError::Failed(format!("cannot write content/{id}.md: {e}")))?;
    Ok(path)
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The calendar date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A platform code guessed from a file name: `h10` -> `H10`; otherwise the name as written.
fn guess_code(source: &str, name: &str) -> String {
    let letters_then_digits = name.trim_start_matches(|c: char| c.is_ascii_lowercase());
    if source != "http"
        && name.len() > letters_then_digits.len()
        && !letters_then_digits.is_empty()
        && letters_then_digits.bytes().all(|b| b.is_ascii_digit())
    {
        name.to_ascii_uppercase()
    } else {
        name.to_string()
    }
}

/// The text of a new draft.
pub(crate) fn template(source: &str, name: &str, today: &str) -> String {
    let code = guess_code(source, name);
    let http = source == "http";
    let mut t = String::from("---\n");
    t.push_str(&format!(
        "title: \"{code}\"                  # required: the error as readers know it, e.g. \"502 Bad Gateway\"\n"
    ));
    t.push_str(&format!(
        "code: \"{code}\"                   # required: the code exactly as it appears in logs and pages\n"
    ));
    t.push_str(&format!("summary: {}   # required: one sentence\n", placeholder::summary_of(&code)));
    t.push_str("# name: \"\"                        # the official or platform name\n");
    t.push_str("also_known_as: []                 # older or alternative names, shown and searched\n");
    if http {
        t.push_str(
            "# spec: { label: \"RFC 9110 §15.x.y\", url: \"https://www.rfc-editor.org/rfc/rfc9110#section-15.x.y\" }\n",
        );
        t.push_str("# iana: assigned                  # assigned | unused | obsolete | temporary | unofficial\n");
        t.push_str("# cacheable: \"no\"                 # free text: \"no\", \"yes, by default\", \"heuristically\"\n");
    } else {
        t.push_str("# status: 503                     # the HTTP status this error produces, if any\n");
        t.push_str("# spec: { label: \"\", url: \"\" }    # the platform's documentation of this error\n");
    }
    t.push_str("# client_action: \"\"               # what a client or reader should do\n");
    t.push_str("# generated_by: \"\"                # comparison column \"Who generates it\"\n");
    t.push_str("# typical_cause: \"\"               # comparison column \"Cause\"\n");
    t.push_str("# first_check: \"\"                 # comparison column \"First place to check\"\n");
    t.push_str("fastest_fix: []                   # ordered: step 1 fixes most cases\n");
    t.push_str("causes: []                        # - { title: \"\", detail: \"\", likelihood: high }\n");
    t.push_str("steps: []                         # - { title: \"\", detail: \"\", tip: \"\" }\n");
    t.push_str("# estimated_time: 15-30 minutes\n");
    t.push_str("faq: []                           # - { q: \"\", a: \"\" }\n");
    t.push_str("messages: []                      # the error as people paste it: log lines, browser text\n");
    t.push_str("related: []                       # ids of related entries, such as http/504\n");
    t.push_str("compare: []                       # ids to compare side by side\n");
    t.push_str("tags: []                          # lowercase words, such as proxy or timeout\n");
    t.push_str(&format!("updated: {today}\n"));
    t.push_str("draft: true                       # remove when the entry is ready to publish\n");
    t.push_str(&format!("---\n{BODY_HEADING}\n\n"));
    t
}

/// `faultline new <id>`: writes the draft, then checks the site with it.
pub(crate) fn command(root: &Path, id: &str) -> u8 {
    match create(root, id, &today()) {
        Ok(path) => {
            let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            eprintln!("created {shown} (a draft: remove `draft: true` to publish it)");
            super::check::command(root, super::check::Format::Text)
        }
        Err(NewError::BadId(message)) => {
            eprintln!("error: {message}");
            eprintln!("  hint: ids look like `<source>/<name>`, such as `heroku/h12` or `http/418`");
            super::USAGE
        }
        Err(NewError::Failed(message)) => {
            eprintln!("error: {message}");
            super::FAILED
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_778), "2026-11-21");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn guesses_platform_codes() {
        assert_eq!(guess_code("heroku", "h10"), "H10");
        assert_eq!(guess_code("kubernetes", "crashloopbackoff"), "crashloopbackoff");
        assert_eq!(guess_code("http", "502"), "502");
        assert_eq!(guess_code("acme", "e9"), "E9");
    }

    #[test]
    fn the_template_parses_as_a_valid_draft() {
        for (source, name) in [("http", "418"), ("heroku", "h12")] {
            let text = template(source, name, "2026-11-21");
            let (entry, diagnostics) = crate::model::entry::parse(&format!("{source}/{name}"), "x.md", &text, false);
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
            assert!(entry.unwrap().fm.draft);
        }
    }
}
