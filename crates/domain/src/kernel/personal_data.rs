//! Personal data written into free text (issue 15 finding 12): residents put their mobile, home
//! phone, ID number or e-mail into the words of a complaint, and the office publishes those
//! words. This finds such data, so the publishing form can be prefilled with a redacted text and
//! a publication that still holds some can be refused unless a staff member confirms it.
//!
//! Digits are ASCII or full-width (phones' input methods write both). A number only counts where
//! it stands alone — not glued to other letters or digits — so project codes (`2026-MX-0104`),
//! amounts, dates and longer numbers are left as they are.

use crate::Problem;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A kind of personal data the scan recognises; `snake_case` in JSON, so pages and the API can
/// name it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    /// A mainland mobile number: 11 digits from `13`–`19`, maybe grouped 3-4-4 by spaces or
    /// dashes, maybe after `+86`/`86`.
    Mobile,
    /// A landline with its area code: `0` and 2–3 digits, an optional dash or space, 7–8 digits.
    Landline,
    /// An 18-character resident ID number: 17 digits and a check digit or `X`.
    IdNumber,
    /// An e-mail address.
    Email,
}

/// Where one piece of personal data stands in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// What it is.
    pub kind: PersonalData,
    /// Its byte range in the text.
    pub range: (usize, usize),
}

/// What an ID number is replaced with: nothing of it is left, since even a masked ID number
/// tells a birth date and a place.
pub const ID_NUMBER_MASK: &str = "[身份证号已隐去]";

/// What an e-mail address is replaced with.
pub const EMAIL_MASK: &str = "[邮箱已隐去]";

/// One pattern with a named group per kind, tried at each position in this order: an e-mail
/// first (its local part may be a phone number), then the 18-character ID number (which holds
/// 11-digit runs), then mobiles and landlines.
static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    let d = "[0-9０-９]";
    let sep = r"[ \-－]?";
    let pattern = format!(
        r"(?P<email>[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{{2,}})|(?P<id>{d}{{17}}[0-9０-９Xx])|(?P<mobile>(?:(?:\+|＋)?86{sep})?[1１][3-9３-９]{d}{sep}{d}{{4}}{sep}{d}{{4}})|(?P<landline>[0０]{d}{{2,3}}{sep}{d}{{7,8}})"
    );
    Regex::new(&pattern).expect("the personal data pattern is valid")
});

/// Every piece of personal data in `text`, in order and without overlaps.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(caps) = PATTERN.captures_at(text, at) {
        let whole = caps.get(0).expect("a match has a whole");
        let kind = if caps.name("email").is_some() {
            PersonalData::Email
        } else if caps.name("id").is_some() {
            PersonalData::IdNumber
        } else if caps.name("mobile").is_some() {
            PersonalData::Mobile
        } else {
            PersonalData::Landline
        };
        if stands_alone(text, whole.start(), whole.end()) {
            out.push(Found {
                kind,
                range: (whole.start(), whole.end()),
            });
            at = whole.end();
        } else {
            // Part of a longer word or number: look again from the next character, where a
            // shorter match may still stand alone.
            at = whole.start()
                + text[whole.start()..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
        }
    }
    out
}

/// The kinds of personal data in `text`, each once, in [`PersonalData`] order; empty when there
/// is none.
pub fn kinds_in(text: &str) -> Vec<PersonalData> {
    let mut kinds: Vec<PersonalData> = find(text).into_iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Whether `text` may be published for everyone to read: when it still holds personal data it
/// may only go out with `confirmed` — a staff member's explicit word that what the scan found is
/// not personal (an office's public line, say). Returns the kinds found (empty for clean text),
/// so that the confirmation can be audited.
pub fn check_publishable(text: &str, confirmed: bool) -> Result<Vec<PersonalData>, Problem> {
    let found = kinds_in(text);
    if found.is_empty() || confirmed {
        Ok(found)
    } else {
        Err(Problem::PersonalData { found })
    }
}

/// `text` with every piece of personal data masked: mobiles as `138****1234`, landlines as
/// `0571-****1234`, ID numbers as [`ID_NUMBER_MASK`] and e-mails as [`EMAIL_MASK`]. What comes
/// out holds no personal data by [`find`] (so redacting twice changes nothing).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in find(text) {
        let (start, end) = found.range;
        out.push_str(&text[last..start]);
        out.push_str(&mask(found.kind, &text[start..end]));
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// The mask of one piece of personal data of `kind`.
fn mask(kind: PersonalData, value: &str) -> String {
    let digits: Vec<char> = value.chars().filter_map(ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    match kind {
        PersonalData::Mobile => {
            // The country code, if written, is not part of the number.
            let number = &digits[digits.len() - 11..];
            let head: String = number[..3].iter().collect();
            format!("{head}****{tail}")
        }
        PersonalData::Landline => {
            let local_len = if digits.len() >= 11 { 8 } else { 7 };
            let area_len = match value.find([' ', '-', '－']) {
                Some(at) => value[..at].chars().count(),
                None => digits.len() - local_len,
            };
            let area: String = digits[..area_len].iter().collect();
            format!("{area}-****{tail}")
        }
        PersonalData::IdNumber => ID_NUMBER_MASK.to_owned(),
        PersonalData::Email => EMAIL_MASK.to_owned(),
    }
}

fn is_digit(c: char) -> bool {
    ascii_digit(c).is_some()
}

/// `c` as an ASCII digit, if it is one or its full-width form.
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// Whether the match at `start..end` is not glued to a letter or digit on either side.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let glued = |c: char| c.is_ascii_alphanumeric() || is_digit(c) || matches!(c, 'Ｘ' | 'ｘ');
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(glued) && !after.is_some_and(glued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PersonalData> {
        find(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn mobiles_are_found_however_they_are_written() {
        for text in [
            "电话13812341234",
            "电话 138 1234 1234，谢谢",
            "138-1234-1234",
            "+86 13812341234",
            "+86-138-1234-1234",
            "8613812341234",
            "１３８１２３４１２３４",
        ] {
            assert_eq!(kinds(text), [PersonalData::Mobile], "{text}");
            assert!(redact(text).contains("138****1234"), "{text}");
        }
        assert_eq!(redact("请打13812341234找我"), "请打138****1234找我");
        assert_eq!(redact("+86 138-1234-5678"), "138****5678");
    }

    #[test]
    fn landlines_keep_their_area_code_and_last_four_digits() {
        assert_eq!(redact("座机0571-88881234"), "座机0571-****1234");
        assert_eq!(redact("010 62345678"), "010-****5678");
        assert_eq!(redact("057188881234"), "0571-****1234");
        assert_eq!(redact("0571-8888123"), "0571-****8123");
        assert_eq!(kinds("0571-88881234"), [PersonalData::Landline]);
    }

    #[test]
    fn id_numbers_and_emails_are_hidden_whole() {
        assert_eq!(
            redact("身份证110101199001011234，邮箱 wang.xm@example.com"),
            format!("身份证{ID_NUMBER_MASK}，邮箱 {EMAIL_MASK}")
        );
        assert_eq!(kinds("11010119900101123X"), [PersonalData::IdNumber]);
        assert_eq!(kinds("11010119900101123x号"), [PersonalData::IdNumber]);
        assert_eq!(kinds("13812341234@qq.com"), [PersonalData::Email]);
    }

    #[test]
    fn codes_amounts_dates_and_longer_numbers_are_left_alone() {
        for text in [
            "项目 2026-MX-0104 的进度",
            "预算 1,381,234 元",
            "2026-03-15 至 2026-12-31",
            "工单号 202603151234567",
            "编号 1381234123456",
            "门牌 12 号 3 单元 0501 室",
            "金额 0.5 万元，面积 1200 平方米",
            "A13812341234",
            "138****1234",
            "ref 1101011990010112345",
        ] {
            assert_eq!(kinds(text), [], "{text}");
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn every_kind_is_named_once_and_redacting_twice_changes_nothing() {
        let text = "王小明 13812341234，13912345678，0571-88881234，110101199001011234，a@b.cn";
        assert_eq!(
            kinds_in(text),
            [
                PersonalData::Mobile,
                PersonalData::Landline,
                PersonalData::IdNumber,
                PersonalData::Email,
            ]
        );
        let once = redact(text);
        assert_eq!(kinds_in(&once), []);
        assert_eq!(redact(&once), once);
        assert_eq!(kinds_in("路灯不亮"), []);
    }

    #[test]
    fn text_with_personal_data_is_published_only_when_confirmed() {
        assert_eq!(check_publishable("路灯不亮", false), Ok(vec![]));
        let text = "联系 13812341234 或 a@b.cn";
        let found = vec![PersonalData::Mobile, PersonalData::Email];
        assert_eq!(
            check_publishable(text, false),
            Err(Problem::PersonalData {
                found: found.clone()
            })
        );
        assert_eq!(check_publishable(text, true), Ok(found));
        assert_eq!(check_publishable(&redact(text), false), Ok(vec![]));
    }
}
