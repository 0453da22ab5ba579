//! Hardening (issue 10): hostile URLs, concurrent and interrupted builds, bounded cost for
//! hostile inputs, non-regular files, disk errors and messages.

mod cost;
mod files;
mod output;
mod urls;
