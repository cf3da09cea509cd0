//! Free text as people type or paste it: which characters it may hold. Control characters
//! (C0, DEL and C1) carry nothing a reader can see, make stored text unprintable and break the
//! documents it is later written into (XML 1.0 forbids most of them outright), so every parse
//! point of free text refuses them through [`check`] (issue 15 finding 9).

use crate::kernel::problem::Problem;
use std::borrow::Cow;

/// How much layout a text field may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A name or a title: one line, so no line break and no tab either.
    Line,
    /// A description, a note, a reason: line breaks and tabs are kept. A browser sends a
    /// textarea's line breaks as CR LF, so carriage returns are allowed here too.
    Lines,
}

/// Whether `c` may appear in text of `layout`: anything but a control character, except the
/// line breaks and tabs that several-line text keeps.
pub fn allowed(c: char, layout: Layout) -> bool {
    !c.is_control() || (layout == Layout::Lines && matches!(c, '\n' | '\r' | '\t'))
}

/// `Ok` if `text` holds only characters [`allowed`] in `layout`, else the problem to report.
pub fn check(text: &str, layout: Layout) -> Result<(), Problem> {
    if text.chars().all(|c| allowed(c, layout)) {
        Ok(())
    } else {
        Err(Problem::ControlCharacter)
    }
}

/// Whether `c` may appear in an XML 1.0 document at all (its `Char` production): tab, line
/// feed, carriage return and everything from U+0020 but U+FFFE and U+FFFF. Writers drop the
/// rest, so text stored before [`check`] existed cannot break a document.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// `text` without the characters XML 1.0 forbids (see [`xml_allowed`]), for writers of XML
/// documents; borrowed when there was nothing to drop.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| xml_allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_in_every_layout() {
        for bad in [
            "\0",
            "a\u{1}b",
            "\u{1b}[31m",
            "\u{b}",
            "\u{7f}",
            "\u{80}",
            "x\u{85}",
            "\u{9f}",
        ] {
            assert_eq!(
                check(bad, Layout::Lines),
                Err(Problem::ControlCharacter),
                "{bad:?}"
            );
            assert_eq!(
                check(bad, Layout::Line),
                Err(Problem::ControlCharacter),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn line_breaks_and_tabs_belong_to_several_lines_only() {
        for layout_text in ["第一行\n第二行", "a\r\nb", "列\t值"] {
            assert_eq!(check(layout_text, Layout::Lines), Ok(()), "{layout_text:?}");
            assert_eq!(
                check(layout_text, Layout::Line),
                Err(Problem::ControlCharacter),
                "{layout_text:?}"
            );
        }
    }

    #[test]
    fn ordinary_text_passes() {
        for good in [
            "",
            "路灯不亮",
            "Road 12, «quoted» — ok",
            "\u{a0}\u{200b}\u{fffd}😀",
        ] {
            assert_eq!(check(good, Layout::Line), Ok(()), "{good:?}");
            assert_eq!(check(good, Layout::Lines), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn xml_keeps_what_its_char_production_allows() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            '中',
            '\u{85}',
            '\u{FFFD}',
            '\u{10000}',
        ] {
            assert!(xml_allowed(c), "{c:?}");
        }
        for c in [
            '\0', '\u{1}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{FFFE}', '\u{FFFF}',
        ] {
            assert!(!xml_allowed(c), "{c:?}");
        }
        assert_eq!(xml_safe("a\0b\u{1b}[0m\u{85}\n"), "ab[0m\u{85}\n");
        assert!(matches!(xml_safe("路灯\t不亮"), Cow::Borrowed(_)));
    }
}
