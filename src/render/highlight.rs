//! Code highlighting with syntect, emitting CSS classes (so light and dark styles both
//! apply). Shell and YAML, the languages most code blocks are written in, use faultline's
//! own lean grammars (`syntaxes/`): same engine, a fraction of the time. Every other
//! language uses syntect's bundled grammars. Each set is loaded once, on first use.

use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

use super::escape;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

const LEAN_GRAMMARS: [&str; 2] =
    [include_str!("syntaxes/shell.sublime-syntax"), include_str!("syntaxes/yaml.sublime-syntax")];

fn bundled() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn lean() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut builder = SyntaxSetBuilder::new();
        for text in LEAN_GRAMMARS {
            // Built into the binary and loaded by a unit test, so this cannot fail at run time.
            builder.add(SyntaxDefinition::load_from_str(text, true, None).expect("faultline's grammars load"));
        }
        builder.build()
    })
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

/// The longest line a bundled grammar is given. On hostile text their time grows with the
/// square or the cube of a line's length: a 30 KB line of Python took minutes, while 1 MB
/// of 256-byte lines of the worst text found takes under a second (BENCHMARKS.md,
/// "Highlighting"). faultline's own grammars are linear and take lines of any length.
const BUNDLED_MAX_LINE: usize = 256;

/// The grammar for a block, if its language is known and the block is safe to give it.
fn syntax(lang: &str, code: &str) -> Option<(&'static SyntaxReference, &'static SyntaxSet)> {
    let set = match alias(lang) {
        "" => return None,
        "bash" | "yaml" => lean(),
        _ if code.lines().any(|line| line.len() > BUNDLED_MAX_LINE) => return None,
        _ => bundled(),
    };
    Some((set.find_syntax_by_token(alias(lang))?, set))
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
    let (syntax, set) = syntax(lang, code)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
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

    /// The classes of each highlighted piece of `code`, innermost span first.
    fn pieces(lang: &str, code: &str) -> Vec<(String, String)> {
        let html = highlighted(lang, code).expect("a known language");
        let mut out = Vec::new();
        for piece in html.split("<span class=\"").skip(1) {
            let (classes, rest) = piece.split_once("\">").expect("a closed tag");
            let text = rest.split('<').next().unwrap_or_default();
            if !text.trim().is_empty() {
                out.push((text_of(text), classes.to_string()));
            }
        }
        out
    }

    fn class_of(pieces: &[(String, String)], text: &str) -> String {
        pieces.iter().find(|(piece, _)| piece == text).map(|(_, classes)| classes.clone()).unwrap_or_default()
    }

    /// Asserts that each text of `expect` is highlighted with classes starting as given.
    fn assert_classes(lang: &str, code: &str, expect: &[(&str, &str)]) {
        let found = pieces(lang, code);
        for (text, class) in expect {
            assert!(class_of(&found, text).starts_with(class), "{text}: {found:?}");
        }
    }

    #[test]
    fn shell_blocks_use_the_lean_grammar_and_colour_what_readers_read() {
        assert_eq!(syntax("console", "").map(|(syntax, _)| syntax.name.as_str()), Some("Shell (faultline)"));
        let code = "FOO=1 curl -sv --max-time 5 \"$URL/x\" | grep 502 # why\nif true; then echo 'ok' ${HOME}; fi\n";
        let expect = [
            ("FOO", "hl-variable hl-other"),
            ("curl", "hl-variable hl-function"),
            ("-sv", "hl-variable hl-parameter hl-option"),
            ("--max-time", "hl-variable hl-parameter hl-option"),
            ("5", "hl-constant hl-numeric"),
            ("$URL", "hl-variable hl-other hl-readwrite"),
            ("|", "hl-keyword hl-operator"),
            ("grep", "hl-variable hl-function"),
            ("# why", "hl-comment"),
            ("if", "hl-keyword hl-control"),
            ("then", "hl-keyword hl-control"),
            ("echo", "hl-support hl-function hl-builtin"),
            ("'ok'", "hl-string hl-quoted hl-single"),
            ("fi", "hl-keyword hl-control"),
        ];
        assert_classes("bash", code, &expect);
        // After a console's prompt comes the command.
        let prompt = [("journalctl", "hl-variable hl-function"), ("for", "hl-keyword"), ("$i", "hl-variable")];
        assert_classes("console", "$ journalctl -u x\n% for i in a; do echo $i; done\n", &prompt);
        // A command's arguments are not commands, nor keywords.
        assert_eq!(class_of(&pieces("bash", "echo done fi\n"), "done fi\n"), "");
    }

    #[test]
    fn yaml_blocks_use_the_lean_grammar_and_colour_what_readers_read() {
        assert_eq!(syntax("yml", "").map(|(syntax, _)| syntax.name.as_str()), Some("YAML (faultline)"));
        let code = "spec:\n  - name: web # the app\n    image: \"nginx:1.25\"\n    port: 8080\n    on: true\n    ref: *base\n    script: |\n      key: not a key\n    next: [a, 2]\n";
        let expect = [
            ("spec", "hl-entity hl-name hl-tag"),
            ("name", "hl-entity hl-name hl-tag"),
            ("web", "hl-string hl-unquoted"),
            ("# the app", "hl-comment"),
            ("\"nginx:1.25\"", "hl-string hl-quoted hl-double"),
            ("8080", "hl-constant hl-numeric"),
            ("true", "hl-constant hl-language"),
            ("*base", "hl-variable hl-other hl-alias"),
            ("|", "hl-keyword"),
            ("\n      key: not a key\n", "hl-string hl-unquoted hl-block"),
            ("next", "hl-entity hl-name hl-tag"),
            ("a", "hl-string hl-unquoted"),
            ("2", "hl-constant hl-numeric"),
        ];
        assert_classes("yaml", code, &expect);
    }

    #[test]
    fn bundled_grammars_get_lines_of_at_most_256_bytes() {
        let line = |n: usize| format!("x = {}\n", "1".repeat(n - 4));
        assert!(highlighted("python", &format!("a = 1\n{}", line(256))).is_some());
        assert_eq!(highlighted("python", &format!("a = 1\n{}", line(257))), None);
        assert!(code_block("python", &line(257)).contains(&format!("x = {}", "1".repeat(253))));
        // The lean grammars are linear: no limit.
        assert!(highlighted("sh", &format!("echo {}\n", "1".repeat(100_000))).is_some());
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
            "x=$(echo `date` ${a:-$(b \"c\")} $((1 + $n)) <<< $'\\t' 2>&1 >>f &\n",
            "- a: |\n    b\n  c: >-\n d\n\"k\": {x: [1, 'it''s'], y: &a !t *a}\n",
            ": : - -- - # # | > ' \"\n",
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
