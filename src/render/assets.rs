//! The theme's assets and the site's static files as the output holds them.

use crate::diag::Diagnostic;
use crate::load::theme;
use crate::render::highlight;
use std::collections::BTreeMap;

/// A short content hash for asset file names (FNV-1a, 64 bits), stable across runs and
/// platforms.
fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

/// `style.css` -> `style.<hash>.css`; other assets keep their names.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if ext == "css" || ext == "js" => {
            format!("{stem}.{}.{ext}", content_hash(bytes))
        }
        _ => name.to_string(),
    }
}

/// The theme's assets as the output holds them: `style.css` with the highlighting styles
/// appended, CSS and JS under content-hashed names. Returns the files by output path, and
/// each asset's output path by its name in the theme.
pub(crate) fn theme_assets(theme: &theme::Theme) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, String>) {
    let mut assets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut asset_paths: BTreeMap<String, String> = BTreeMap::new();
    for (name, bytes) in &theme.assets {
        let mut bytes = bytes.clone();
        if name == "style.css" {
            bytes.extend_from_slice(highlight::stylesheet().as_bytes());
        }
        let path = hashed_name(name, &bytes);
        asset_paths.insert(name.clone(), path.clone());
        assets.insert(path, bytes);
    }
    (assets, asset_paths)
}

/// An error for each file of `static/` whose path is one the build generates.
pub(crate) fn static_collisions(
    statics: &BTreeMap<String, Vec<u8>>,
    generated: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    statics
        .keys()
        .filter(|p| generated(p))
        .map(|p| {
            Diagnostic::error(format!("static/{p} has the same path as a file the build generates"))
                .file(&format!("static/{p}"))
                .hint("rename or remove the static file")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_a_stable_content_hash() {
        assert_eq!(hashed_name("style.css", b"body{}"), hashed_name("style.css", b"body{}"));
        assert_ne!(hashed_name("style.css", b"body{}"), hashed_name("style.css", b"body{ }"));
        assert!(hashed_name("app.js", b"x").starts_with("app."));
        assert_eq!(hashed_name("favicon.svg", b"x"), "favicon.svg");
        assert_eq!(content_hash(b"").len(), 10);
    }
}
