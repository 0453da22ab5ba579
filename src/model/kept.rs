//! Entry parses kept between builds (see `cmd::build::caches`): parsing an entry is a
//! pure function of its path and text, so a build takes the parse of every entry file
//! whose digest ([`crate::load::digest::files`]) is the one kept, and parses the others.
//! Most of a warm build's parsing was YAML it had parsed the build before.
//!
//! A parse is kept as JSON (serde writes every field of [`Entry`], so a field added later
//! cannot be left out), without the Markdown body when the file's text ends with it: the
//! body is taken from the text again.

use super::{Parsed, ParsedFile, parse_file};
use crate::diag::Kept as KeptDiagnostic;
use crate::load::{Kind, SourceFile};
use crate::model::body::{Bodies, Body};
use crate::model::entry::Entry;
use crate::store::{Reader, Writer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Range;

/// One entry file's parse, as kept.
#[derive(Serialize, Deserialize)]
struct Record {
    entry: Option<Entry>,
    body: KeptBody,
    diagnostics: Vec<KeptDiagnostic>,
}

/// Where an entry's body is.
#[derive(Serialize, Deserialize)]
enum KeptBody {
    /// The text from this byte on.
    From(usize),
    /// Not the end of the text (a YAML entry's `body:`).
    Text(String),
}

/// One entry file's parse to keep, as [`Parses::parse`] gives it.
pub(crate) enum Keep {
    /// The kept parse of the file at this path, taken again.
    Taken(String),
    /// A new parse: the file's path, its digest and the record's JSON.
    New(String, u128, Vec<u8>),
}

/// Where a record's JSON is.
enum Json {
    /// In the body the parses were read from.
    In(Range<usize>),
    Own(Vec<u8>),
}

/// The parses of the last build, and those of this one as it parses. The records read
/// from the kept file stay in its body, so taking one again copies nothing.
#[derive(Default)]
pub(crate) struct Parses {
    body: Vec<u8>,
    /// By the file's path: its digest and its record's JSON.
    by_path: HashMap<String, (u128, Json)>,
}

impl Parses {
    fn json<'a>(&'a self, json: &'a Json) -> &'a [u8] {
        match json {
            Json::In(range) => &self.body[range.clone()],
            Json::Own(json) => json,
        }
    }

    /// The body of the parses file (see [`crate::store`]).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let size = self.by_path.iter().map(|(path, (_, json))| path.len() + self.json(json).len() + 40).sum();
        let mut out = Writer::with_capacity(size);
        out.number(self.by_path.len() as u64);
        let mut paths: Vec<&String> = self.by_path.keys().collect();
        paths.sort();
        for path in paths {
            let (digest, json) = &self.by_path[path];
            out.text(path);
            out.bytes(&digest.to_le_bytes());
            out.bytes(self.json(json));
        }
        out.into_bytes()
    }

    /// Reads a body that [`Parses::encode`] wrote.
    pub(crate) fn decode(body: Vec<u8>) -> Option<Parses> {
        let mut input = Reader::new(&body);
        let mut by_path = HashMap::new();
        for _ in 0..input.count(3)? {
            let path = input.text()?;
            let digest = u128::from_le_bytes(input.bytes()?.try_into().ok()?);
            let len = input.bytes()?.len();
            let end = body.len() - input.remaining();
            by_path.insert(path, (digest, Json::In(end - len..end)));
        }
        input.is_empty().then_some(Parses { body, by_path })
    }

    /// Parses `file`, whose digest is `digest`, or takes its kept parse; returns the parse
    /// with what to keep of it (for an entry file).
    pub(crate) fn parse(&self, file: SourceFile, digest: u128, bodies: Bodies<'_>) -> (ParsedFile, Option<Keep>) {
        let (Kind::Entry { id, .. }, Some(text)) = (&file.kind, &file.text) else {
            return (parse_file(file, bodies), None);
        };
        if let Some((_, json)) = self.by_path.get(&file.path).filter(|(kept, _)| *kept == digest)
            && let Some(parsed) = restore(self.json(json), (id, &file.path, text), bodies)
        {
            return (parsed, Some(Keep::Taken(file.path.clone())));
        }
        let (text, path) = (text.clone(), file.path.clone());
        let parsed = parse_file(file, bodies);
        let json = match &parsed {
            (Some(Parsed::Entry(entry, ..)), diagnostics) => keep(entry.as_deref(), diagnostics, &text),
            _ => return (parsed, None),
        };
        (parsed, Some(Keep::New(path, digest, json)))
    }

    /// The parses of a build, for the next one: the kept ones it took again and its new
    /// ones. The flag tells whether they differ from these.
    pub(crate) fn next(self, keeps: impl IntoIterator<Item = Keep>) -> (Parses, bool) {
        let Parses { body, by_path: mut earlier } = self;
        let mut by_path = HashMap::with_capacity(earlier.len());
        let mut changed = false;
        for keep in keeps {
            match keep {
                Keep::Taken(path) => {
                    if let Some(kept) = earlier.remove(&path) {
                        by_path.insert(path, kept);
                    }
                }
                Keep::New(path, digest, json) => {
                    changed = true;
                    by_path.insert(path, (digest, Json::Own(json)));
                }
            }
        }
        (Parses { body, by_path }, changed || !earlier.is_empty())
    }
}

/// The JSON of an entry file's parse.
fn keep(entry: Option<&Entry>, diagnostics: &[crate::diag::Diagnostic], text: &str) -> Vec<u8> {
    let body = match entry.map(|e| &e.body) {
        Some(Body::Held(body)) if text.ends_with(body.as_str()) => KeptBody::From(text.len() - body.len()),
        Some(Body::Held(body)) => KeptBody::Text(body.clone()),
        Some(Body::InFile { at, .. }) => KeptBody::From(*at),
        None => KeptBody::From(text.len()),
    };
    let diagnostics = diagnostics.iter().cloned().map(KeptDiagnostic).collect();
    serde_json::to_vec(&Record { entry: entry.cloned(), body, diagnostics }).expect("a parse serialises")
}

/// The parse kept in `json` for the entry `id` at `path` with this `text`, if it is one,
/// its body held as `bodies` says.
fn restore(json: &[u8], (id, path, text): (&str, &str, &str), bodies: Bodies<'_>) -> Option<ParsedFile> {
    let Record { entry, body, diagnostics } = serde_json::from_slice(json).ok()?;
    let body = match body {
        KeptBody::From(at) => Body::tail(bodies, path, text, at)?,
        KeptBody::Text(body) => Body::Held(body),
    };
    let entry = match entry {
        Some(mut entry) if entry.id == id && entry.file == path => {
            entry.body = body;
            Some(Box::new(entry))
        }
        Some(_) => return None,
        None => None,
    };
    let diagnostics = diagnostics.into_iter().map(|KeptDiagnostic(d)| d).collect();
    Some((Some(Parsed::Entry(entry, id.to_string(), path.to_string())), diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::read_source;

    /// Every entry of the fixture hub, and files with errors and warnings: what a kept
    /// parse gives back is what parsing gives, field for field.
    #[test]
    fn a_kept_parse_is_the_parse() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hub");
        let broken = [
            ("bad/yaml.md", "---\ntitle: [unclosed\n---\n"),
            ("bad/fields.md", "---\ntitle: T\ncode: \"1\"\nsummary: TODO\nrelated: [nowhere/x]\n---\nBody `x`\n"),
            ("bad/body.yaml", "title: T\ncode: C\nsummary: S\nbody: |\n  A body with [a link](@/http/502)\n"),
        ];
        for (rel, text) in broken {
            std::fs::create_dir_all(dir.path().join("content/bad")).unwrap();
            std::fs::write(dir.path().join("content").join(rel), text).unwrap();
        }
        let (found, _) = crate::load::scan(&root).unwrap();
        let (extra, _) = crate::load::scan(dir.path()).unwrap();
        let files: Vec<SourceFile> = found
            .into_iter()
            .map(|(rel, kind)| read_source(&root, &rel, kind).0)
            .chain(extra.into_iter().map(|(rel, kind)| read_source(dir.path(), &rel, kind).0))
            .collect();
        assert!(files.len() > 100);
        let digests = crate::load::digest::files(&files);
        for bodies in [Bodies::Held, Bodies::InFiles(&root)] {
            let none = Parses::default();
            let (fresh, records): (Vec<_>, Vec<_>) =
                files.iter().zip(&digests).map(|(file, &digest)| none.parse(file.clone(), digest, bodies)).unzip();
            let next = Parses::default().next(records.into_iter().flatten()).0;
            let kept = Parses::decode(next.encode()).expect("decodes");
            for ((file, &digest), fresh) in files.iter().zip(&digests).zip(fresh) {
                let (again, record) = kept.parse(file.clone(), digest, bodies);
                assert_eq!(format!("{again:?}"), format!("{fresh:?}"), "{}", file.path);
                assert_eq!(record.is_some(), matches!(file.kind, Kind::Entry { .. }), "{}", file.path);
            }
        }
    }

    #[test]
    fn a_parse_kept_for_other_text_is_not_taken() {
        let file = |text: &str| SourceFile {
            path: "content/http/599.md".into(),
            kind: Kind::Entry { id: "http/599".into(), yaml: false },
            text: Some(text.into()),
        };
        let before = file("---\ntitle: Old\ncode: \"599\"\nsummary: S\n---\n");
        let after = file("---\ntitle: New\ncode: \"599\"\nsummary: S\n---\n");
        let (_, record) = Parses::default().parse(before, 1, Bodies::Held);
        let kept = Parses::default().next(record).0;
        let (parsed, _) = kept.parse(after, 2, Bodies::Held);
        let Some(Parsed::Entry(Some(entry), ..)) = parsed.0 else { panic!("an entry") };
        assert_eq!(entry.fm.title, "New");
    }

    #[test]
    fn damaged_bodies_are_refused_without_a_panic() {
        let file = SourceFile {
            path: "content/http/599.md".into(),
            kind: Kind::Entry { id: "http/599".into(), yaml: false },
            text: Some("---\ntitle: T\ncode: \"599\"\nsummary: S\n---\nBody\n".into()),
        };
        let (_, record) = Parses::default().parse(file.clone(), 7, Bodies::Held);
        let body = Parses::default().next(record).0.encode();
        for len in 0..body.len() {
            if let Some(kept) = Parses::decode(body[..len].to_vec()) {
                kept.parse(file.clone(), 7, Bodies::Held);
            }
        }
        for i in 0..body.len() {
            let mut forged = body.clone();
            forged[i] ^= 0x20;
            if let Some(kept) = Parses::decode(forged) {
                kept.parse(file.clone(), 7, Bodies::Held);
            }
        }
    }
}
