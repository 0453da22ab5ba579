//! Search (SEARCH.md): the index the build ships to the page, and the same ranking
//! for `faultline search`.
//!
//! - [`words`] splits text into parts and terms;
//! - [`reduce`] strips a pasted log line down to what names the error;
//! - [`index`] weighs every entry's terms at build time;
//! - [`rank`] scores a query against the index;
//! - [`cache`] keeps the last index `faultline search` built, for the next query;
//! - [`memo`] keeps each entry's terms in `serve`, so an edit tokenises only what changed.

pub(crate) mod cache;
pub(crate) mod index;
pub(crate) mod memo;
pub(crate) mod rank;
pub mod reduce;
pub(crate) mod words;

pub use index::Index;
pub use rank::Hit;
