//! Relative URLs: every page links to others relative to itself, to folders in a normal
//! build and to `index.html` files in an `--offline` build.

/// How a build links pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkStyle {
    /// `../504/`: for servers, which answer a folder with its index.html.
    Folder,
    /// `../504/index.html`: for file://, where folders do not resolve.
    File,
}

impl LinkStyle {
    /// The root-relative link to the page in folder `dir` (`""` for the root, else `a/b`).
    pub(crate) fn page(self, dir: &str) -> String {
        match (self, dir.is_empty()) {
            (LinkStyle::Folder, true) => "./".to_string(),
            (LinkStyle::Folder, false) => format!("{dir}/"),
            (LinkStyle::File, true) => "index.html".to_string(),
            (LinkStyle::File, false) => format!("{dir}/index.html"),
        }
    }
}

/// The prefix from a page in folder `dir` back to the output root: `../../` for `http/502`.
pub(crate) fn root_of(dir: &str) -> String {
    if dir.is_empty() { String::new() } else { "../".repeat(dir.split('/').count()) }
}

/// The output file of the page in folder `dir`.
pub(crate) fn file_of(dir: &str) -> String {
    if dir.is_empty() { "index.html".to_string() } else { format!("{dir}/index.html") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_and_file_links() {
        assert_eq!(LinkStyle::Folder.page("http/504"), "http/504/");
        assert_eq!(LinkStyle::File.page("http/504"), "http/504/index.html");
        assert_eq!(LinkStyle::Folder.page(""), "./");
        assert_eq!(LinkStyle::File.page(""), "index.html");
        assert_eq!(root_of("http/502"), "../../");
        assert_eq!(root_of(""), "");
        assert_eq!(file_of("tags/x/page/2"), "tags/x/page/2/index.html");
    }
}
