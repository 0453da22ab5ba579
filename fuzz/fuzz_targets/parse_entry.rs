//! Parsing one entry file, `.md` or `.yaml` (the first byte chooses): never a panic, and
//! every diagnostic points inside the file and prints.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    // As `load` hands files to the model: UTF-8, no BOM, LF line endings.
    let Ok(text) = faultline::load::normalise(rest.to_vec()) else {
        return;
    };
    let text = text.as_str();
    let is_yaml = first & 1 == 1;
    let file = if is_yaml { "content/acme/e1.yaml" } else { "content/acme/e1.md" };
    let (_, diagnostics) = faultline::model::entry::parse("acme/e1", file, text, is_yaml);
    let lines = text.split('\n').count();
    for d in &diagnostics {
        if let Some(line) = d.line {
            assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}: {d:?}");
        }
        let _ = d.to_text();
    }
    let _ = faultline::diag::text_blocks(&diagnostics);
});
