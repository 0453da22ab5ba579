//! faultline turns a folder of error entries into a static, searchable HTTP status hub.
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`config`] reads `site.yaml`; [`load`] walks `content/` and reads the files: with
//!    `output`, the only stages that touch the disk (a build reads entries' bodies back
//!    through `load` when it renders them, see [`model::body`]).
//! 2. [`model`] parses every file into entries and prose pages, checking each file's rules.
//! 3. [`link`] resolves references and computes related lists and comparison pairs.
//! 4. [`render`] turns the model and the graph into pages and API files, in parallel.
//! 5. `output` writes them into a staging folder and swaps it in.
//!
//! The commands ([`cmd`], dispatched by [`cli`]) run the stages: `check` up to linking,
//! `build` all of them. Every stage returns [`diag::Diagnostic`]s instead of stopping at the
//! first problem. `serve` keeps the built site in memory, and its [`incremental`] engine
//! runs the stages again after each change, redoing only what the change reaches.

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
pub(crate) mod store;
