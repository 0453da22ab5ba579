//! The commands: each runs the stages its work needs, prints what happened, and returns
//! the exit status (docs/cli.md): 0 success, 1 the work failed, 2 bad usage.

pub(crate) mod build;
pub mod check;
pub(crate) mod init;
pub mod new;
pub(crate) mod search;
pub(crate) mod serve;

pub(crate) const OK: u8 = 0;
pub(crate) const FAILED: u8 = 1;
pub(crate) const USAGE: u8 = 2;
