//! The related lists of a seeded random site equal a brute-force reading of docs/content.md:
//! explicit, then backlinks in natural order, then every other entry scored
//! 3 × shared tags + 2 × same source + 1 × same class, best first, ties in natural order.

use crate::harness::Site;
use faultline::model::id::natural_cmp;
use std::collections::BTreeSet;

/// A small deterministic generator (xorshift), so the site is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn related_lists_match_a_brute_force_reading_of_the_spec() {
    let site = Site::empty();
    site.write("site.yaml", "related_limit: 5\n");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let sources = ["alpha", "beta", "gamma", "http"];
    let mut ids = Vec::new();
    for n in 0..240 {
        let source = sources[rng.next(4) as usize];
        let name = if source == "http" { format!("{}", 100 + n) } else { format!("e{n}") };
        ids.push(format!("{source}/{name}"));
    }
    for (n, id) in ids.iter().enumerate() {
        let (source, name) = id.split_once('/').unwrap();
        let tags: BTreeSet<String> = (0..rng.next(4)).map(|_| format!("t{}", rng.next(9))).collect();
        let related: Vec<&String> = (0..rng.next(3))
            .map(|_| &ids[rng.next(ids.len() as u64) as usize])
            .filter(|r| *r != id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let status = if source != "http" && rng.next(2) == 0 {
            format!("status: {}\n", 400 + 100 * rng.next(2))
        } else {
            String::new()
        };
        let code = if source == "http" { name.to_string() } else { format!("E{n}") };
        let list = |v: Vec<String>| v.join(", ");
        site.write(
            &format!("content/{id}.md"),
            format!(
                "---\ntitle: T{n}\ncode: \"{code}\"\nsummary: S{n}.\n{status}tags: [{}]\nrelated: [{}]\n---\n",
                list(tags.into_iter().collect()),
                list(related.into_iter().cloned().collect())
            ),
        );
    }
    let checked = faultline::cmd::check::run(site.path(), false).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let entries = &checked.site.entries;
    let limit = 5;
    for (i, e) in entries.iter().enumerate() {
        let mut expected: Vec<usize> = Vec::new();
        for r in &e.fm.related {
            let t = entries.iter().position(|x| &x.id == r).unwrap();
            if !expected.contains(&t) {
                expected.push(t);
            }
        }
        let mut backlinks: Vec<usize> =
            (0..entries.len()).filter(|&j| j != i && entries[j].fm.related.contains(&e.id)).collect();
        backlinks.sort_by(|&a, &b| natural_cmp(&entries[a].id, &entries[b].id));
        for b in backlinks {
            if expected.len() < limit && !expected.contains(&b) {
                expected.push(b);
            }
        }
        let mut scored: Vec<(u32, usize)> = (0..entries.len())
            .filter(|&j| j != i && !expected.contains(&j))
            .map(|j| {
                let x = &entries[j];
                let shared = e.fm.tags.iter().filter(|t| x.fm.tags.contains(t)).count() as u32;
                let class = u32::from(e.class.is_some() && e.class == x.class);
                (3 * shared + 2 * u32::from(e.source == x.source) + class, j)
            })
            .filter(|(score, _)| *score > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| natural_cmp(&entries[a.1].id, &entries[b.1].id)));
        for (_, j) in scored {
            if expected.len() >= limit {
                break;
            }
            expected.push(j);
        }
        let got = &checked.graph.related[i];
        let names = |v: &[usize]| v.iter().map(|&j| entries[j].id.clone()).collect::<Vec<_>>();
        assert_eq!(names(got), names(&expected), "related of {}", e.id);
    }
}
