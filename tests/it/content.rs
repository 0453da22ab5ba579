//! The repository's own content must always check clean.

use crate::harness::faultline;

#[test]
fn the_repository_content_checks_clean() {
    let run = faultline(&["check", "--root", env!("CARGO_MANIFEST_DIR")]);
    run.assert_exit(0);
}
