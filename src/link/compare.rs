//! Comparison pairs (docs/content.md): the unordered pairs formed by `compare` lists, their page
//! names, collisions, and the prose files that belong to them.

use crate::diag::Diagnostic;
use crate::model::{Site, hint};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Two entries compared on one page; `a` comes first in natural order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    /// `http-502-vs-http-504`: the page is `compare/<name>/`.
    pub name: String,
    /// Whether `content/compare/<name>.md` exists.
    pub has_prose: bool,
}

/// The page name of a pair of ids, A first.
pub(crate) fn pair_name(a: &str, b: &str) -> String {
    format!("{}-vs-{}", a.replace('/', "-"), b.replace('/', "-"))
}

/// Every pair among included entries, and each entry's partners. Collisions and prose files
/// are checked over all entries, drafts included, so `check` judges every file the same way.
pub(crate) fn pairs(
    site: &Site,
    index: &HashMap<&str, usize>,
    included: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Pair>, Vec<Vec<usize>>) {
    let mut all: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut first_file: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, entry) in site.entries.iter().enumerate() {
        for r in &entry.compare {
            if let Some(&t) = index.get(r.id.as_str()) {
                let key = (i.min(t), i.max(t));
                all.insert(key);
                first_file.entry(key).or_insert(i);
            }
        }
    }
    let name_of = |(a, b): (usize, usize)| pair_name(&site.entries[a].id, &site.entries[b].id);
    let mut by_name: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for &key in &all {
        let name = name_of(key);
        if let Some(&other) = by_name.get(&name) {
            let entry = &site.entries[first_file[&key]];
            diagnostics.push(
                Diagnostic::error(format!(
                    "the comparison of `{}` and `{}` would share the page compare/{name}/ with `{}` and `{}`",
                    site.entries[key.0].id, site.entries[key.1].id, site.entries[other.0].id, site.entries[other.1].id
                ))
                .file(&entry.file)
                .hint("rename one of the ids so the pair names differ"),
            );
            continue;
        }
        by_name.insert(name, key);
    }
    for (name, page) in &site.prose {
        // A pair formed by a file that failed to parse is unknown, not missing.
        let names_broken = site.broken.iter().any(|id| name.contains(&id.replace('/', "-")));
        if by_name.contains_key(name) || names_broken {
            continue;
        }
        let reversed = by_name.keys().find(|n| {
            let (a, b) = by_name[*n];
            pair_name(&site.entries[b].id, &site.entries[a].id) == *name
        });
        let d = match reversed {
            Some(right) => {
                Diagnostic::error(format!("this comparison prose names its pair in the other order: {name}"))
                    .hint(format!("rename it to content/compare/{right}.md (ids in natural order)"))
            }
            None => Diagnostic::error(format!("no entry forms the comparison `{name}`")).hint_opt(
                hint::did_you_mean(
                    hint::closest(name, by_name.keys().map(String::as_str)).map(|c| format!("{c}.md")).as_deref(),
                )
                .map(|h| format!("{h} Otherwise add the other id to one entry's `compare` list")),
            ),
        };
        diagnostics.push(d.file(&page.file));
    }
    let mut partners = vec![Vec::new(); site.entries.len()];
    let mut pairs = Vec::new();
    for (name, (a, b)) in by_name {
        if included[a] && included[b] {
            partners[a].push(b);
            partners[b].push(a);
            pairs.push(Pair { a, b, has_prose: site.prose.contains_key(&name), name });
        }
    }
    pairs.sort_by_key(|p| (p.a, p.b));
    for list in &mut partners {
        list.sort_unstable();
    }
    (pairs, partners)
}
