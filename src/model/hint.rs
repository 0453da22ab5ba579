//! "Did you mean" hints: the closest known name to a misspelt one.

use crate::model::id::natural_cmp;

/// The candidate closest to `wrong` by edit distance, ties in natural order, or `None` when
/// there are no candidates. Used for ids, where the closest existing one always helps.
pub(crate) fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(wrong, c), c))
        .min_by(|(da, a), (db, b)| da.cmp(db).then_with(|| natural_cmp(a, b)))
        .map(|(_, c)| c)
}

/// Like [`closest`], but only when the candidate is plausibly what was meant (a typo, not a
/// different word). Used for field names.
pub(crate) fn similar<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let best = closest(wrong, candidates)?;
    let limit = (wrong.chars().count().max(best.chars().count()) / 3).max(1);
    (strsim::levenshtein(wrong, best) <= limit || strsim::jaro_winkler(wrong, best) >= 0.88).then_some(best)
}

/// `did you mean `x`?`, or `None` when nothing is close.
pub(crate) fn did_you_mean(suggestion: Option<&str>) -> Option<String> {
    suggestion.map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field_only_when_close() {
        let fields = ["title", "summary", "tags", "related"];
        assert_eq!(similar("titel", fields), Some("title"));
        assert_eq!(similar("sumary", fields), Some("summary"));
        assert_eq!(similar("relatd", fields), Some("related"));
        assert_eq!(similar("xyzzy", fields), None);
    }

    #[test]
    fn ids_always_get_the_closest_with_natural_tie_break() {
        let ids = ["http/500", "http/504", "heroku/h10"];
        assert_eq!(closest("http/509", ids), Some("http/500"));
        assert_eq!(closest("heroku/h1", ids), Some("heroku/h10"));
        assert_eq!(closest("x", std::iter::empty()), None);
    }
}
