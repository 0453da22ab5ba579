//! Integration tests: the real `faultline` binary run on fixture sites copied into temporary
//! folders, plus the library API for the computed cross-links.

mod build;
mod check;
mod clean;
mod cli;
mod content;
mod docs;
mod hardening;
mod harness;
mod hub;
mod init;
mod new;
mod nginx;
mod panics;
mod reader;
mod related;
mod search;
mod search_cache;
mod serve;
mod warm;
