//! The signboard (公示牌) on a building site: which projects may have one, the public address its
//! QR code encodes, what it says about money and people (the office's published line, else the
//! owner's phone masked), and how its text is broken into lines when it is drawn at a fixed size. Pure, so the page, the printable SVG and
//! the bulk archive all print the same facts.

use crate::kernel::money::Fen;
use crate::openness::public::{ContactPhone, public_contact_phone};
use crate::projects::project::{FundingSource, Stage};

/// The government service hotline every signboard names as its complaint channel.
pub const HOTLINE: &str = "12345";

/// Why a project gets no signboard: a board in public must point at a page the public can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPrintable {
    /// The office has not made the project public.
    NotPublic,
    /// The project is still a candidate (demand or reserve), not in an annual plan.
    NotApproved,
}

/// Whether a project may have a signboard: public and approved or later, the same projects the
/// public portal shows.
pub fn printable(is_public: bool, stage: Stage) -> Result<(), NotPrintable> {
    if !is_public {
        Err(NotPrintable::NotPublic)
    } else if !stage.in_annual_plan() {
        Err(NotPrintable::NotApproved)
    } else {
        Ok(())
    }
}

/// The paper a signboard is printed on, portrait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetSize {
    /// 210 × 297 mm, for indoor notice boards and the office's files.
    #[default]
    A4,
    /// 297 × 420 mm, for boards on a site fence.
    A3,
}

impl SheetSize {
    /// Reads `a4` or `a3` (any case); nothing given means A4, anything else is not a size.
    pub fn parse(raw: Option<&str>) -> Option<SheetSize> {
        match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("a4") => Some(SheetSize::A4),
            Some("a3") => Some(SheetSize::A3),
            Some(_) => None,
        }
    }

    /// `a4` or `a3`, for URLs, CSS classes and file names.
    pub fn code(self) -> &'static str {
        match self {
            SheetSize::A4 => "a4",
            SheetSize::A3 => "a3",
        }
    }

    /// Width and height in millimetres.
    pub fn millimetres(self) -> (u32, u32) {
        match self {
            SheetSize::A4 => (210, 297),
            SheetSize::A3 => (297, 420),
        }
    }
}

/// The stable public address of a project, `{base}/p/{code}`: what its QR code encodes, so it
/// must never depend on anything that changes (the code is fixed for life).
pub fn public_url(base: &str, code: &str) -> String {
    format!("{}/p/{}", base.trim_end_matches('/'), path_segment(code))
}

/// Where a resident reports a problem with the project (我要反映), `{base}/p/{code}/report`.
pub fn report_url(base: &str, code: &str) -> String {
    format!("{}/report", public_url(base, code))
}

/// `text` as one URL path segment: unreserved characters as they are, everything else
/// percent-encoded, so an unusual code cannot change the path.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a signboard is made from, as plain values.
#[derive(Debug, Clone)]
pub struct SignboardInput<'a> {
    /// Project code.
    pub code: &'a str,
    /// Whether the office made the project public.
    pub is_public: bool,
    /// Current stage.
    pub stage: Stage,
    /// The owner's phone as stored (personal data).
    pub owner_phone: &'a str,
    /// The office line published for the project, or empty.
    pub public_phone: &'a str,
    /// Contractor names from the project's contracts, in contract order, possibly repeated.
    pub contractors: &'a [String],
    /// Planned money by funding source, in any order.
    pub budget: &'a [(FundingSource, Fen)],
}

/// The facts a signboard prints beyond the registry's plain fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignboardFacts {
    /// The address the QR code encodes.
    pub public_url: String,
    /// The 我要反映 address.
    pub report_url: String,
    /// The phone the public sees: the office line in full, else the owner's phone masked.
    pub phone: ContactPhone,
    /// Each contractor once, in the order first contracted.
    pub contractors: Vec<String>,
    /// Planned money per funding source in SPEC order, sources without money left out.
    pub budget: Vec<(FundingSource, Fen)>,
    /// Planned money in all.
    pub total: Fen,
}

/// The signboard's facts, or why the project may not have one.
pub fn facts(base: &str, input: &SignboardInput<'_>) -> Result<SignboardFacts, NotPrintable> {
    printable(input.is_public, input.stage)?;
    let mut contractors: Vec<String> = Vec::new();
    for name in input.contractors.iter().map(|c| c.trim()) {
        if !name.is_empty() && !contractors.iter().any(|c| c == name) {
            contractors.push(name.to_owned());
        }
    }
    let budget: Vec<(FundingSource, Fen)> = FundingSource::ALL
        .iter()
        .map(|source| {
            let amount = input
                .budget
                .iter()
                .filter(|(s, _)| s == source)
                .fold(Fen::ZERO, |t, (_, a)| t.plus(*a));
            (*source, amount)
        })
        .filter(|(_, amount)| *amount != Fen::ZERO)
        .collect();
    Ok(SignboardFacts {
        public_url: public_url(base, input.code),
        report_url: report_url(base, input.code),
        phone: public_contact_phone(input.public_phone, input.owner_phone),
        contractors,
        total: budget.iter().fold(Fen::ZERO, |t, (_, a)| t.plus(*a)),
        budget,
    })
}

/// Width of a character in hundredths of the font size: Chinese characters and full-width
/// punctuation take a whole em, Latin letters, digits and half-width punctuation a little over
/// half of one (an average, erring wide so that lines never overflow).
pub fn char_width(c: char) -> u32 {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0xA4CF | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 100 } else { 60 }
}

/// Width of `text` in hundredths of the font size, see [`char_width`].
pub fn text_width(text: &str) -> u32 {
    text.chars().map(char_width).sum()
}

/// Breaks `text` into lines no wider than `max` hundredths of the font size: between any two
/// Chinese characters, between Latin words at spaces, and inside a word only when the word alone
/// is too long. Line breaks in `text` are kept; a blank text gives no lines.
pub fn wrap(text: &str, max: u32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut space = false;
        for unit in units(paragraph) {
            let Some(unit) = unit else {
                space = !line.is_empty();
                continue;
            };
            let gap = if space { char_width(' ') } else { 0 };
            if !line.is_empty() && text_width(&line) + gap + text_width(unit) > max {
                lines.push(std::mem::take(&mut line));
            } else if space {
                line.push(' ');
            }
            space = false;
            for c in unit.chars() {
                if !line.is_empty() && text_width(&line) + char_width(c) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// The pieces [`wrap`] keeps together: each wide character alone, each run of other
/// non-space characters (a Latin word, a number), and `None` for a run of spaces.
fn units(text: &str) -> Vec<Option<&str>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_space = false;
    for (i, c) in text.char_indices() {
        let boundary = c.is_whitespace() || char_width(c) == 100;
        if boundary {
            if let Some(s) = start.take() {
                out.push(Some(&text[s..i]));
            }
            if c.is_whitespace() {
                if !last_space {
                    out.push(None);
                }
            } else {
                out.push(Some(&text[i..i + c.len_utf8()]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
        last_space = c.is_whitespace();
    }
    if let Some(s) = start {
        out.push(Some(&text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_approved_projects_get_a_signboard() {
        assert_eq!(printable(true, Stage::Approved), Ok(()));
        assert_eq!(printable(true, Stage::Archived), Ok(()));
        assert_eq!(
            printable(false, Stage::Construction),
            Err(NotPrintable::NotPublic)
        );
        assert_eq!(
            printable(true, Stage::Reserve),
            Err(NotPrintable::NotApproved)
        );
    }

    #[test]
    fn the_public_address_is_built_from_the_base_and_the_code() {
        assert_eq!(
            public_url("https://mx.example.gov.cn/", "2026-MX-0042"),
            "https://mx.example.gov.cn/p/2026-MX-0042"
        );
        assert_eq!(
            report_url("http://127.0.0.1:8080", "2026-MX-0042"),
            "http://127.0.0.1:8080/p/2026-MX-0042/report"
        );
        assert_eq!(
            public_url("http://h", "a/b 工"),
            "http://h/p/a%2Fb%20%E5%B7%A5"
        );
    }

    #[test]
    fn sizes_parse_and_measure() {
        assert_eq!(SheetSize::parse(None), Some(SheetSize::A4));
        assert_eq!(SheetSize::parse(Some(" A3 ")), Some(SheetSize::A3));
        assert_eq!(SheetSize::parse(Some("a5")), None);
        assert_eq!(SheetSize::A3.millimetres(), (297, 420));
        assert_eq!(SheetSize::A4.code(), "a4");
    }

    #[test]
    fn facts_mask_sum_and_deduplicate() {
        let contractors = vec![
            "示例建设有限公司".to_owned(),
            " 示例建设有限公司 ".to_owned(),
            String::new(),
            "样板监理公司".to_owned(),
        ];
        let budget = [
            (FundingSource::Municipal, Fen(30_000_000)),
            (FundingSource::Central, Fen(50_000_000)),
            (FundingSource::County, Fen::ZERO),
            (FundingSource::Municipal, Fen(20_000_000)),
        ];
        let input = SignboardInput {
            code: "2026-MX-0001",
            is_public: true,
            stage: Stage::Construction,
            owner_phone: "13912345678",
            public_phone: "",
            contractors: &contractors,
            budget: &budget,
        };
        let f = facts("http://h:8080/", &input).unwrap();
        assert_eq!(f.public_url, "http://h:8080/p/2026-MX-0001");
        assert_eq!(f.report_url, "http://h:8080/p/2026-MX-0001/report");
        assert_eq!(f.phone.number, "139****5678");
        assert!(!f.phone.office_line);
        assert_eq!(f.contractors, ["示例建设有限公司", "样板监理公司"]);
        assert_eq!(
            f.budget,
            [
                (FundingSource::Central, Fen(50_000_000)),
                (FundingSource::Municipal, Fen(50_000_000))
            ]
        );
        assert_eq!(f.total, Fen(100_000_000));
        let published = SignboardInput {
            public_phone: "0571-88881234",
            ..input.clone()
        };
        let office = facts("http://h", &published).unwrap().phone;
        assert_eq!(office.number, "0571-88881234");
        assert!(office.office_line);
        let hidden = SignboardInput {
            is_public: false,
            ..input
        };
        assert_eq!(facts("http://h", &hidden), Err(NotPrintable::NotPublic));
    }

    #[test]
    fn chinese_breaks_anywhere_and_latin_at_spaces() {
        assert_eq!(text_width("民心a"), 260);
        assert_eq!(wrap("老旧小区改造工程", 300), ["老旧小", "区改造", "工程"]);
        assert_eq!(
            wrap("Old residential area renewal", 700),
            ["Old", "residential", "area", "renewal"]
        );
        assert_eq!(
            wrap("Old residential area renewal", 1000),
            ["Old residential", "area renewal"]
        );
        assert_eq!(wrap("社区 canteen 食堂", 800), ["社区 canteen", "食堂"]);
        assert_eq!(wrap("abcdefgh", 300), ["abcde", "fgh"]);
        assert_eq!(wrap("一\n二", 1000), ["一", "二"]);
        assert!(wrap("   ", 1000).is_empty());
        for line in wrap("幸福路 1 号院 3 栋至 12 栋外立面及管网改造", 700) {
            assert!(text_width(&line) <= 700, "{line}");
        }
    }
}
