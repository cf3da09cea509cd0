//! Free text as people type or paste it: which characters it may hold. Control characters
//! (C0, DEL and C1) carry nothing a reader can see, make stored text unprintable and break the
//! documents it is later written into (XML 1.0 forbids most of them outright), so every parse
//! point of free text refuses them through [`check`] (issue 15 finding 9).

use crate::kernel::problem::Problem;
use std::borrow::Cow;
use std::fmt;

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

/// Everything wrong with already trimmed text of a field of `max` characters: too long, and a
/// character its layout refuses (each at most once).
pub fn problems(trimmed: &str, max: usize, layout: Layout) -> Result<(), Vec<Problem>> {
    let mut found = Vec::new();
    if trimmed.chars().count() > max {
        found.push(Problem::TooLong { max });
    }
    if let Err(problem) = check(trimmed, layout) {
        found.push(problem);
    }
    if found.is_empty() { Ok(()) } else { Err(found) }
}

/// Free text of at most `MAX` characters, trimmed, holding only what its layout allows (one
/// line unless `LINES`): a value of this type has been checked, so storage need not look again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounded<const MAX: usize, const LINES: bool>(String);

/// One line of at most `MAX` characters (a name, an address).
pub type Line<const MAX: usize> = Bounded<MAX, false>;

/// Text of several lines of at most `MAX` characters (a description, a note).
pub type Lines<const MAX: usize> = Bounded<MAX, true>;

impl<const MAX: usize, const LINES: bool> Bounded<MAX, LINES> {
    /// The layout the type allows.
    const LAYOUT: Layout = if LINES { Layout::Lines } else { Layout::Line };

    /// Parses text that may be left empty.
    pub fn optional(raw: &str) -> Result<Self, Vec<Problem>> {
        let trimmed = raw.trim();
        problems(trimmed, MAX, Self::LAYOUT)?;
        Ok(Bounded(trimmed.to_owned()))
    }

    /// Parses text that must be given: empty is [`Problem::Required`].
    pub fn required(raw: &str) -> Result<Self, Vec<Problem>> {
        let parsed = Self::optional(raw);
        if !raw.trim().is_empty() {
            return parsed;
        }
        let mut found = vec![Problem::Required];
        found.extend(parsed.err().into_iter().flatten());
        Err(found)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize, const LINES: bool> fmt::Display for Bounded<MAX, LINES> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    fn bounded_text_is_trimmed_and_checked() {
        assert_eq!(Line::<5>::required(" 示例区 ").unwrap().as_str(), "示例区");
        assert_eq!(Line::<5>::optional("  ").unwrap().as_str(), "");
        assert_eq!(Line::<5>::required("  "), Err(vec![Problem::Required]));
        assert_eq!(
            Line::<5>::required("一二三四五").unwrap().to_string(),
            "一二三四五"
        );
        assert_eq!(
            Line::<5>::required("一二三\n四五"),
            Err(vec![Problem::TooLong { max: 5 }, Problem::ControlCharacter])
        );
        assert_eq!(Lines::<5>::optional("一\n二").unwrap().as_str(), "一\n二");
        assert_eq!(
            Lines::<5>::optional("a\0b"),
            Err(vec![Problem::ControlCharacter])
        );
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
