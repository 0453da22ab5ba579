//! Natural order (docs/content.md) is a total order: antisymmetric, equal only for equal ids,
//! and transitive.
#![no_main]

use faultline::model::id::natural_cmp;
use libfuzzer_sys::fuzz_target;
use std::cmp::Ordering;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let (Some(a), Some(b), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    for (x, y) in [(a, b), (b, c), (a, c)] {
        let ord = natural_cmp(x, y);
        assert_eq!(ord, natural_cmp(y, x).reverse(), "{x:?} {y:?}");
        assert_eq!(ord == Ordering::Equal, x == y, "{x:?} {y:?}");
    }
    let mut sorted = [a, b, c];
    sorted.sort_by(|x, y| natural_cmp(x, y));
    let [p, q, r] = sorted;
    assert_ne!(natural_cmp(p, q), Ordering::Greater);
    assert_ne!(natural_cmp(q, r), Ordering::Greater);
    assert_ne!(natural_cmp(p, r), Ordering::Greater, "not transitive: {p:?} {q:?} {r:?}");
});
