//! faultline turns a folder of error entries into a static, searchable HTTP status hub.
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`config`] reads `site.yaml`; [`load`] walks `content/` and reads the files: the only
//!    stages that touch the disk.
//! 2. [`model`] parses every file into entries and prose pages, checking each file's rules.
//! 3. [`link`] resolves references and computes related lists and comparison pairs.
//! 4. [`render`] turns the model and the graph into pages and API files, in parallel.
//! 5. [`output`] writes them into a staging folder and swaps it in ([`build`]).
//!
//! Every stage returns [`diag::Diagnostic`]s instead of stopping at the first problem;
//! [`check`] runs them all, and [`cli`] decides the exit status. [`serve`] keeps the built
//! site in memory and runs the stages again after each change, redoing only what it
//! reaches.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod incremental;
pub(crate) mod lines;
pub mod link;
pub mod load;
pub mod model;
pub(crate) mod output;
pub mod render;
pub mod search;
pub(crate) mod serve;
