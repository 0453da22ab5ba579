//! The search path (reduce, then rank) on the clean test site: never a panic, each entry
//! found at most once, and the same query always ranks the same.
#![no_main]

use faultline::search::Index;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/clean");
        let loaded = faultline::load::load(&root).expect("the clean fixture loads");
        let (site, _) = faultline::model::build(loaded, faultline::model::body::Bodies::Held);
        let (graph, _) = faultline::link::build(&site, false);
        Index::build(&site, &graph.included).expect("held bodies need no reading")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let _ = faultline::search::reduce::reduce(query);
    let index = index();
    let hits = index.search(query);
    let mut docs: Vec<u32> = hits.iter().map(|h| h.doc).collect();
    docs.sort_unstable();
    docs.dedup();
    assert_eq!(docs.len(), hits.len(), "an entry found twice for {query:?}");
    assert!(hits.iter().all(|h| (h.doc as usize) < index.docs.len()));
    let again: Vec<u32> = index.search(query).iter().map(|h| h.doc).collect();
    assert_eq!(again, hits.iter().map(|h| h.doc).collect::<Vec<_>>());
});
