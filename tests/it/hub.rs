//! Keeps the repository's own hub honest: every registered HTTP status has an entry, the
//! common ones have full pages, every entry has the fields its kind needs, spec links point
//! at the RFC Editor or the vendor's documentation, and `check` is clean.

use faultline::model::entry::{Entry, Iana};
use std::path::Path;

/// The IANA HTTP Status Code Registry (shared/FACTS.md §1), without 104, whose temporary
/// registration expired on 2026-11-13.
const REGISTERED: &[u16] = &[
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
    425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
];

/// Codes readers hit most, which get full pages.
const COMMON: &[u16] = &[
    200, 201, 204, 301, 302, 304, 307, 308, 400, 401, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 501, 502,
    503, 504,
];

/// nginx's own codes, seen in logs though not registered.
const NGINX: &[u16] = &[444, 494, 495, 496, 497, 499];

/// Where `spec` links may point: the standards bodies (RFC Editor, W3C, WHATWG) and each
/// platform's own documentation or, where the vendor defines its codes in source (Chromium's
/// `net_error_list.h`), its own source browser.
const SPEC_HOSTS: &[&str] = &[
    "https://www.rfc-editor.org/rfc/",
    "https://www.w3.org/TR/",
    "https://fetch.spec.whatwg.org/",
    "https://developers.cloudflare.com/",
    "https://devcenter.heroku.com/",
    "https://kubernetes.io/docs/",
    "https://nginx.org/en/docs/",
    "https://vercel.com/docs/",
    "https://docs.netlify.com/",
    "https://answers.netlify.com/",
    "https://docs.aws.amazon.com/",
    "https://docs.docker.com/",
    "https://nodejs.org/api/",
    "https://curl.se/",
    "https://everything.curl.dev/",
    "https://source.chromium.org/chromium/",
    "https://chromium.googlesource.com/",
    "https://developer.mozilla.org/",
    "https://support.mozilla.org/",
    "https://httpd.apache.org/docs/",
    "https://www.php.net/manual/",
    "https://docs.gunicorn.org/",
    "https://letsencrypt.org/docs/",
    "https://learn.microsoft.com/",
    "https://pkg.go.dev/",
    "https://docs.oracle.com/",
    "https://docs.python.org/",
];

fn hub() -> Vec<Entry> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = faultline::cmd::check::run(root, true).expect("the repository is a site");
    let problems: Vec<String> = checked.diagnostics.iter().map(|d| d.to_text()).collect();
    assert!(problems.is_empty(), "faultline check reports problems in content/:\n{}", problems.join("\n"));
    checked.site.entries
}

fn http(entries: &[Entry], code: u16) -> Option<&Entry> {
    entries.iter().find(|e| e.id == format!("http/{code}"))
}

#[test]
fn every_registered_status_has_an_entry() {
    let entries = hub();
    let missing: Vec<u16> = REGISTERED.iter().copied().filter(|&c| http(&entries, c).is_none()).collect();
    assert!(missing.is_empty(), "registered codes without an entry: {missing:?}");
    assert!(http(&entries, 104).is_none(), "104's registration expired; it should not be listed");
    for (code, iana) in [(306, Iana::Unused), (418, Iana::Unused), (510, Iana::Obsolete), (502, Iana::Assigned)] {
        assert_eq!(http(&entries, code).unwrap().fm.iana, Some(iana), "iana of {code}");
    }
    for &code in NGINX {
        let entry = http(&entries, code).unwrap_or_else(|| panic!("nginx's {code} has no entry"));
        assert_eq!(entry.fm.iana, Some(Iana::Unofficial), "iana of {code}");
    }
}

#[test]
fn common_codes_have_full_pages() {
    let entries = hub();
    for &code in COMMON {
        let e = http(&entries, code).unwrap_or_else(|| panic!("{code} missing"));
        let fm = &e.fm;
        let depth = [
            ("causes", fm.causes.len()),
            ("steps", fm.steps.len()),
            ("faq", fm.faq.len()),
            ("messages", fm.messages.len()),
        ];
        for (field, n) in depth {
            assert!(n >= 3, "{} has {n} {field}; full pages have at least 3", e.id);
        }
        assert!(e.body.text().unwrap().contains("```"), "{} has no code block in its body", e.id);
        assert!(e.body.text().unwrap().split_whitespace().count() >= 120, "{} has a thin body", e.id);
    }
}

#[test]
fn every_entry_has_the_fields_its_kind_needs() {
    let entries = hub();
    let mut problems = Vec::new();
    for e in &entries {
        let fm = &e.fm;
        let mut need = |field: &str, present: bool| {
            if !present {
                problems.push(format!("{}: no `{field}`", e.id));
            }
        };
        need("generated_by", fm.generated_by.is_some());
        need("typical_cause", fm.typical_cause.is_some());
        need("first_check", fm.first_check.is_some());
        need("messages", !fm.messages.is_empty());
        need("related", !fm.related.is_empty());
        need("causes", !fm.causes.is_empty());
        need("steps", !fm.steps.is_empty());
        need("faq", !fm.faq.is_empty());
        need("body", !e.body.text().unwrap().trim().is_empty());
        if e.source == "http" {
            need("name", fm.name.is_some());
            need("iana", fm.iana.is_some());
            need("cacheable", fm.cacheable.is_some());
            need("client_action", fm.client_action.is_some());
            let unofficial_without_docs = fm.iana == Some(Iana::Unofficial);
            need("spec", fm.spec.is_some() || unofficial_without_docs);
        }
        if let Some(spec) = &fm.spec {
            if !SPEC_HOSTS.iter().any(|host| spec.url.starts_with(host)) {
                problems.push(format!("{}: spec URL {} is not the RFC Editor or vendor documentation", e.id, spec.url));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_hub_has_at_least_sixty_platform_errors_linked_to_their_status() {
    let entries = hub();
    let platform: Vec<&Entry> = entries.iter().filter(|e| e.source != "http").collect();
    assert!(platform.len() >= 60, "only {} platform errors", platform.len());
    for e in platform.iter().filter(|e| e.fm.status.is_some()) {
        let status = format!("http/{}", e.fm.status.unwrap());
        if entries.iter().any(|x| x.id == status) {
            assert!(e.fm.related.contains(&status), "{} produces {status} but does not link to it", e.id);
        }
    }
}

#[test]
fn classic_confusions_have_comparison_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = faultline::cmd::check::run(root, false).unwrap();
    let names: Vec<&str> = checked.graph.pairs.iter().map(|p| p.name.as_str()).collect();
    for pair in [
        "http-500-vs-http-502",
        "http-500-vs-http-503",
        "http-500-vs-http-504",
        "http-502-vs-http-503",
        "http-502-vs-http-504",
        "http-503-vs-http-504",
        "http-401-vs-http-403",
        "http-401-vs-http-404",
        "http-403-vs-http-404",
        "http-301-vs-http-302",
        "http-301-vs-http-307",
        "http-301-vs-http-308",
        "http-307-vs-http-308",
        "http-400-vs-http-422",
        "http-429-vs-http-503",
        "cloudflare-520-vs-http-502",
        "cloudflare-521-vs-http-502",
        "cloudflare-522-vs-http-502",
        "cloudflare-523-vs-http-502",
        "cloudflare-524-vs-http-502",
        "cloudflare-525-vs-http-502",
        "cloudflare-526-vs-http-502",
        "kubernetes-crashloopbackoff-vs-kubernetes-oomkilled",
        "kubernetes-crashloopbackoff-vs-kubernetes-imagepullbackoff",
    ] {
        assert!(names.contains(&pair), "no comparison page {pair}");
    }
    let with_prose = checked.graph.pairs.iter().filter(|p| p.has_prose).count();
    assert!(with_prose >= 10, "only {with_prose} comparison pages have prose");
}

// ---------------------------------------------------------------------------------------
// The second wave (issue 14): depth, status and search rules for every platform entry.
// ---------------------------------------------------------------------------------------

/// Sources whose every error is an HTTP response the platform sends, so each of their
/// entries must carry the `status` it produces. Heroku is not here: its R and L codes are
/// runtime and logging errors without a response; its router errors (H codes) are covered
/// by [`needs_status`].
const HTTP_SOURCES: &[&str] = &["aws", "cloudflare", "iis", "netlify", "vercel"];

/// Router errors whose documented log line carries no status, because no response is sent:
/// H24 "Forced close" logs `status=` empty (Heroku's error-code reference).
/// Entries of a status-bearing source whose vendor documents no HTTP status for them:
/// Heroku logs H24 with an empty status; Cloudflare's pages for 1000, 1003, 1101 and 1102
/// give none (its 1xxx overview names 403, 409, 429 and 530 without saying which code
/// takes which).
const NO_STATUS: &[&str] = &["cloudflare/1000", "cloudflare/1003", "cloudflare/1101", "cloudflare/1102", "heroku/h24"];

/// Whether a non-http entry must have `status` (documented rule):
/// 1. its source is one of [`HTTP_SOURCES`]; or
/// 2. it is a Heroku router error (code `H` followed by digits; the router's log line names
///    the status it answered: 503 for most, 400/417 for H26, 421 for H31, 499 for H27/H28),
///    except the ones in [`NO_STATUS`]; or
/// 3. its code or title names an HTTP status: a registered code followed by its reason
///    phrase ("502 Bad Gateway"), "HTTP 502" / "HTTP Error 502" / "HTTP/1.1 502", "status 502",
///    or a code that is itself a status, bare (`502`) or with an IIS sub-status (`500.19`).
fn needs_status(e: &Entry, entries: &[Entry]) -> bool {
    if NO_STATUS.contains(&e.id.as_str()) {
        return false;
    }
    if HTTP_SOURCES.contains(&e.source.as_str()) {
        return true;
    }
    let code = e.fm.code.trim();
    if e.source == "heroku"
        && code.len() > 1
        && code.starts_with(['H', 'h'])
        && code[1..].bytes().all(|b| b.is_ascii_digit())
    {
        return true;
    }
    let status_like = |s: &str| {
        let digits = s.split('.').next().unwrap_or("");
        digits.len() == 3
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'5').contains(&digits.as_bytes()[0])
            && s.split('.').skip(1).all(|sub| !sub.is_empty() && sub.bytes().all(|b| b.is_ascii_digit()))
    };
    if status_like(code) {
        return true;
    }
    let text = format!("{} {}", e.fm.title, e.fm.code).to_lowercase();
    for &c in REGISTERED.iter().chain(NGINX) {
        if let Some(name) = http(entries, c).and_then(|h| h.fm.name.as_deref()) {
            if text.contains(&format!("{c} {}", name.to_lowercase())) {
                return true;
            }
        }
        for prefix in ["http ", "http error ", "http/1.1 ", "http/2 ", "status ", "status code "] {
            if text.contains(&format!("{prefix}{c}")) {
                return true;
            }
        }
    }
    false
}

#[test]
fn every_source_folder_has_its_index() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut missing = Vec::new();
    for dir in std::fs::read_dir(&content).unwrap() {
        let dir = dir.unwrap();
        let name = dir.file_name().to_string_lossy().into_owned();
        if !dir.file_type().unwrap().is_dir() || name == "compare" || name.starts_with(['_', '.']) {
            continue;
        }
        if !dir.path().join("_index.md").is_file() {
            missing.push(format!("content/{name}/_index.md"));
        }
    }
    assert!(
        missing.is_empty(),
        "source folders without their _index.md (title, summary, prose):\n{}",
        missing.join("\n")
    );
}

/// Platform entries written before issue 14 that are still thinner than the depth rule below.
/// The list only shrinks: an entry here that meets the rule fails the test until it is taken
/// off, and no new entry may be added to it. (Issue 14 brought H23, H28, H31, H81, H99,
/// NO_RESPONSE_FROM_FUNCTION and netlify's page up to the rule.)
const THIN_BEFORE_ISSUE_14: &[&str] = &["vercel/deployment-deleted"];

/// The depth problems of one entry: 2+ causes, 2+ steps, 2+ FAQ, 3+ messages, and a body
/// with a fenced code block.
fn depth_problems(e: &Entry) -> Vec<String> {
    let fm = &e.fm;
    let mut problems = Vec::new();
    for (field, n, min) in [
        ("causes", fm.causes.len(), 2),
        ("steps", fm.steps.len(), 2),
        ("faq", fm.faq.len(), 2),
        ("messages", fm.messages.len(), 3),
    ] {
        if n < min {
            problems.push(format!("{}: {n} {field}, needs at least {min}", e.id));
        }
    }
    if !e.body.text().unwrap().contains("```") {
        problems.push(format!("{}: no fenced code block in the body", e.id));
    }
    problems
}

/// Every entry outside `http` (every platform source: the ones before issue 14, whose new
/// entries count too, and every source added since: browser, curl, node, aws, docker, apache,
/// php-fpm, gunicorn, letsencrypt, iis, ...) has the depth of a complete page (see
/// [`depth_problems`]), except the shrinking list [`THIN_BEFORE_ISSUE_14`].
#[test]
fn platform_entries_have_full_depth() {
    let entries = hub();
    let mut problems = Vec::new();
    for id in THIN_BEFORE_ISSUE_14 {
        match entries.iter().find(|e| e.id == *id) {
            None => problems.push(format!("{id}: listed in THIN_BEFORE_ISSUE_14 but not in the hub; remove it")),
            Some(e) if depth_problems(e).is_empty() => {
                problems.push(format!("{id}: now meets the depth rule; remove it from THIN_BEFORE_ISSUE_14"))
            }
            Some(_) => {}
        }
    }
    for e in entries.iter().filter(|e| e.source != "http" && !THIN_BEFORE_ISSUE_14.contains(&e.id.as_str())) {
        problems.extend(depth_problems(e));
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// See [`needs_status`] for when an entry has an HTTP outcome.
#[test]
fn platform_entries_with_an_http_outcome_have_a_status() {
    let entries = hub();
    let missing: Vec<String> = entries
        .iter()
        .filter(|e| e.source != "http" && e.fm.status.is_none() && needs_status(e, &entries))
        .map(|e| format!("{} ({}: {})", e.id, e.fm.code, e.fm.title))
        .collect();
    assert!(missing.is_empty(), "entries with an HTTP outcome but no `status`:\n{}", missing.join("\n"));
}

/// An entry with `status: S` names `http/S` in its own `related` whenever the hub has an
/// `http/S` entry (the status page lists it back through the generated backlinks). Every
/// registered status and nginx's own have one (see the tests above); a status without one is
/// a vendor's own code (Cloudflare 520-530, AWS ALB 460/463/464/561), with no page to link.
#[test]
fn every_status_is_linked_to_its_http_entry() {
    let entries = hub();
    let mut problems = Vec::new();
    for e in entries.iter().filter(|e| e.fm.status.is_some()) {
        let s = e.fm.status.unwrap();
        let status = format!("http/{s}");
        let registered = u16::try_from(s).is_ok_and(|c| REGISTERED.contains(&c) || NGINX.contains(&c));
        if entries.iter().any(|x| x.id == status) {
            if !e.fm.related.contains(&status) {
                problems.push(format!("{}: status {s} but `related` does not name {status}", e.id));
            }
        } else if registered {
            problems.push(format!("{}: status {s} is registered but the hub has no {status}", e.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every message of every entry, pasted as a reader would, ranks its own entry in the top
/// three of search (the library's index, as `faultline search` and the site use it).
///
/// A message listed by several entries (the same text once search's noise reduction has
/// removed timestamps, addresses and ids) is shared. For a shared message the first hit must
/// be the most specific entry, decided so: an entry that *names* the message, i.e. whose
/// code, title or one of whose `also_known_as` is the message (both reduced by search's noise
/// reduction and lower-cased before comparing), whether or not it lists the
/// message itself (the message is what that page is about; for the others it is a symptom or
/// a neighbour: `ERR_TOO_MANY_REDIRECTS` listed by the redirect statuses belongs first to the
/// browser entry whose code it is). When several entries name it, any of them may come first;
/// when none does, any of the entries sharing it.
#[test]
fn every_message_ranks_its_entry_in_the_top_three() {
    use faultline::search::Index;
    use faultline::search::reduce::reduce;
    use std::collections::BTreeMap;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = faultline::cmd::check::run(root, false).expect("the repository is a site");
    let index = Index::build(&checked.site, &checked.graph.included).unwrap();
    let entries = &checked.site.entries;
    let included: Vec<usize> = (0..entries.len()).filter(|&i| checked.graph.included[i]).collect();
    let key = |m: &str| reduce(m).to_lowercase();

    // reduced message -> the entries that list it
    let mut sharers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &included {
        for m in &entries[i].fm.messages {
            let list = sharers.entry(key(m)).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let names = |i: usize, k: &str| {
        let fm = &entries[i].fm;
        !k.is_empty()
            && std::iter::once(&fm.title)
                .chain(std::iter::once(&fm.code))
                .chain(fm.also_known_as.iter())
                .any(|n| key(n) == k)
    };

    let mut failures = Vec::new();
    let mut checked_messages = 0;
    for &i in &included {
        let e = &entries[i];
        for m in &e.fm.messages {
            checked_messages += 1;
            let hits: Vec<usize> = index.search(m).iter().map(|h| index.docs[h.doc as usize].entry).collect();
            let rank = hits.iter().position(|&x| x == i);
            let show = |r: Option<usize>| r.map_or("not found".to_string(), |r| format!("rank {}", r + 1));
            let top: Vec<&str> = hits.iter().take(3).map(|&x| entries[x].id.as_str()).collect();
            let k = key(m);
            let group = &sharers[&k];
            if group.len() == 1 {
                if rank.is_none_or(|r| r >= 3) {
                    failures.push(format!("{}: {m:?} gives {}; top three {top:?}", e.id, show(rank)));
                }
                continue;
            }
            // Shared: judge it once, from the first sharer.
            if group[0] != i {
                continue;
            }
            let naming: Vec<usize> = included.iter().copied().filter(|&x| names(x, &k)).collect();
            let first = hits.first().copied();
            let ids: Vec<&str> = group.iter().map(|&x| entries[x].id.as_str()).collect();
            if !naming.is_empty() {
                if !first.is_some_and(|f| naming.contains(&f)) {
                    let want: Vec<&str> = naming.iter().map(|&x| entries[x].id.as_str()).collect();
                    failures.push(format!(
                        "shared {m:?} (by {ids:?}): the entry naming it ({want:?}) must rank first; top three {top:?}"
                    ));
                }
            } else if !first.is_some_and(|f| group.contains(&f)) {
                failures.push(format!("shared {m:?} (by {ids:?}): none of them ranks first; top three {top:?}"));
            }
        }
    }
    assert!(checked_messages > 500, "only {checked_messages} messages searched");
    assert!(
        failures.is_empty(),
        "{} of {checked_messages} messages miss their entry:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
