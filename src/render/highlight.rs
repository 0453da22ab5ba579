//! Code highlighting with syntect, emitting CSS classes (so light and dark styles both
//! apply). The syntax set is loaded once, on the first code block.

use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::escape;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Languages readers write that syntect knows under another name.
fn alias(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "console" | "zsh" => "bash",
        "yml" => "yaml",
        "javascript" | "ts" | "typescript" => "js",
        "py" => "python",
        "rb" => "ruby",
        "conf" | "nginx" | "apache" | "ini" | "toml" | "dockerfile" => "",
        other => other,
    }
}

fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let name = alias(lang);
    if name.is_empty() {
        return None;
    }
    syntaxes().find_syntax_by_token(name)
}

/// The HTML of a code block: `<pre><code>` with highlighted spans where the language is
/// known, escaped plain text otherwise.
pub(crate) fn code_block(lang: &str, code: &str) -> String {
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    let body = match syntax(lang) {
        Some(syntax) => {
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), STYLE);
            let ok = LinesWithEndings::from(code)
                .all(|line| generator.parse_html_for_line_which_includes_newline(line).is_ok());
            if ok { generator.finalize() } else { escape(code) }
        }
        None => escape(code),
    };
    // tabindex: a block wider than the page scrolls, and keyboard users must reach it.
    format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
}

/// The stylesheet for highlighted code: a light theme, and a dark one under
/// `prefers-color-scheme: dark`.
pub(crate) fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], STYLE).unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], STYLE).unwrap_or_default();
    format!(
        "/* Code highlighting (generated from syntect themes) */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_unknown_are_escaped() {
        let html = code_block("bash", "echo \"<hi>\"\n");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("&lt;hi&gt;"));
        assert_eq!(
            code_block("nginx", "a <b>\n"),
            "<pre class=\"code\" tabindex=\"0\"><code class=\"language-nginx\">a &lt;b&gt;\n</code></pre>\n"
        );
    }
}
