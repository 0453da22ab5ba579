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

/// Where `spec` links may point: the RFC Editor and the platforms' own documentation.
const SPEC_HOSTS: &[&str] = &[
    "https://www.rfc-editor.org/rfc/",
    "https://developers.cloudflare.com/",
    "https://devcenter.heroku.com/",
    "https://kubernetes.io/docs/",
    "https://nginx.org/en/docs/",
    "https://vercel.com/docs/",
    "https://docs.netlify.com/",
    "https://answers.netlify.com/",
];

fn hub() -> Vec<Entry> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = faultline::check::run(root, true).expect("the repository is a site");
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
        assert!(e.body.contains("```"), "{} has no code block in its body", e.id);
        assert!(e.body.split_whitespace().count() >= 120, "{} has a thin body", e.id);
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
        need("body", !e.body.trim().is_empty());
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
    let checked = faultline::check::run(root, false).unwrap();
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
