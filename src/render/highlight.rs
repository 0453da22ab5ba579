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
    let body = highlighted(lang, code).unwrap_or_else(|| escape(code));
    // tabindex: a block wider than the page scrolls, and keyboard users must reach it.
    format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
}

/// `code` with highlighted spans, if its language is known and the highlighter finishes.
fn highlighted(lang: &str, code: &str) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax(lang)?, syntaxes(), STYLE);
    LinesWithEndings::from(code)
        .all(|line| generator.parse_html_for_line_which_includes_newline(line).is_ok())
        .then(|| generator.finalize())
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

    /// The text of highlighted HTML: tags dropped, the five entities undone.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            rest = &rest[open + rest[open..].find('>').expect("a closed tag") + 1..];
        }
        text.push_str(rest);
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn highlighting_never_changes_or_drops_the_text() {
        let odd = [
            "",
            "echo \"unterminated\n",
            "cat <<EOF\nno end of heredoc <b>\n",
            "é ß 日本 \u{1F600} $((1+))\r\n\0\n",
            "key: [unclosed\n  - mixed: {\n\ttab: x\n",
            "a:\n  b\n c: 'x\n",
            "no newline at the end",
        ];
        for lang in ["bash", "yaml", "json", "python", "nginx"] {
            for code in odd {
                let html = code_block(lang, code);
                let inner =
                    html.split_once("<code").and_then(|(_, rest)| rest.split_once('>')).expect("a code element").1;
                let inner = inner.strip_suffix("</code></pre>\n").expect("the block's end");
                assert_eq!(text_of(inner), code, "{lang}: {html}");
                assert!(!inner.contains("<b>") && !inner.contains("<script"), "{lang}: {html}");
            }
        }
    }
}
