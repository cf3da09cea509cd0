//! The one rule of every phone field, and the mask that lets the public see that a person is
//! reachable without learning the number. Projects, service requests, the audit log and the
//! public pages all use them, so they sit in the kernel.

use crate::kernel::problem::Problem;
use crate::kernel::text::Line;
use std::fmt;

/// The longest phone number accepted, in characters: room for a country code, an area code and
/// an extension written with dashes.
pub const MAX_CHARS: usize = 20;

/// A phone number as typed, trimmed and checked by [`is_phone_number`], at most [`MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a phone number that must be given; every problem of the text at once.
    pub fn parse(raw: &str) -> Result<PhoneNumber, Vec<Problem>> {
        let trimmed = raw.trim();
        let mut found = Line::<MAX_CHARS>::required(trimmed)
            .err()
            .unwrap_or_default();
        if !trimmed.is_empty() && !is_phone_number(trimmed) {
            found.push(Problem::Malformed);
        }
        if found.is_empty() {
            Ok(PhoneNumber(trimmed.to_owned()))
        } else {
            Err(found)
        }
    }

    /// Parses a phone number that may be left empty (`None`).
    pub fn optional(raw: &str) -> Result<Option<PhoneNumber>, Vec<Problem>> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        PhoneNumber::parse(raw).map(Some)
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `phone` is written as a phone number: at least one digit, and nothing but digits,
/// `-` and `+` — a mobile, a landline with its area code (`0571-88881234`) or a hotline such
/// as `12345`. The one rule of every phone field (the owner's, the office's published line and
/// their import columns), so none of them can hold free text such as "请找王主任".
pub fn is_phone_number(phone: &str) -> bool {
    phone.bytes().any(|b| b.is_ascii_digit())
        && phone
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
}

/// A phone number with its middle hidden, so residents see that a person is reachable through
/// the office without the number becoming public: mobiles `13812341234` → `138****1234`;
/// landlines keep the area code and the last four digits (`0571-88881234` → `0571-****1234`);
/// a `+86`/`86` prefix is dropped; anything too short to mask keeps nothing but `****`.
pub fn mask_phone(phone: &str) -> String {
    let trimmed = phone.trim();
    let without_country = trimmed
        .strip_prefix("+86")
        .or_else(|| trimmed.strip_prefix("0086"))
        .unwrap_or(trimmed)
        .trim_start_matches([' ', '-']);
    let digits: String = without_country
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let last4 = |d: &str| d[d.len() - 4..].to_owned();
    if digits.len() == 11 && digits.starts_with('1') {
        return format!("{}****{}", &digits[..3], last4(&digits));
    }
    if digits.len() < 7 {
        return "****".to_owned();
    }
    // A landline: the area code is what was written before the first separator, or the
    // usual length of Chinese area codes (3 digits for 010/02x, else 4) when run together.
    let area = match without_country.split_once(['-', ' ']) {
        Some((area, _)) if area.chars().all(|c| c.is_ascii_digit()) && area.len() <= 4 => {
            area.to_owned()
        }
        _ if digits.starts_with("010") || digits.starts_with("02") => digits[..3].to_owned(),
        _ if digits.starts_with('0') => digits[..4].to_owned(),
        _ => String::new(),
    };
    if area.is_empty() {
        format!("****{}", last4(&digits))
    } else {
        format!("{area}-****{}", last4(&digits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_keep_three_and_four_digits() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone(" 138 1234 1234 "), "138****1234");
        assert_eq!(mask_phone("+86 138-1234-1234"), "138****1234");
        assert_eq!(mask_phone("008613812341234"), "138****1234");
    }

    #[test]
    fn landlines_keep_the_area_code() {
        assert_eq!(mask_phone("0571-88881234"), "0571-****1234");
        assert_eq!(mask_phone("010-62345678"), "010-****5678");
        assert_eq!(mask_phone("02168881234"), "021-****1234");
        assert_eq!(mask_phone("057188881234"), "0571-****1234");
        assert_eq!(mask_phone("88881234"), "****1234");
    }

    #[test]
    fn phone_numbers_are_digits_with_dashes_and_plus() {
        assert!(is_phone_number("13812341234"));
        assert!(is_phone_number("0571-88881234"));
        assert!(is_phone_number("+86-571-88881234"));
        assert!(is_phone_number("12345"));
        assert!(!is_phone_number(""));
        assert!(!is_phone_number("---"));
        assert!(!is_phone_number("0571 88881234"));
        assert!(!is_phone_number("请找王主任"));
        assert!(!is_phone_number("12345转8"));
    }

    #[test]
    fn phone_numbers_parse_trimmed_with_every_problem() {
        assert_eq!(PhoneNumber::parse(" 12345 ").unwrap().as_str(), "12345");
        assert_eq!(PhoneNumber::parse(""), Err(vec![Problem::Required]));
        assert_eq!(
            PhoneNumber::parse("请找王主任"),
            Err(vec![Problem::Malformed])
        );
        assert_eq!(PhoneNumber::parse("--"), Err(vec![Problem::Malformed]));
        let twenty = "1".repeat(MAX_CHARS);
        assert_eq!(PhoneNumber::parse(&twenty).unwrap().to_string(), twenty);
        assert_eq!(
            PhoneNumber::parse(&format!("{twenty}1")),
            Err(vec![Problem::TooLong { max: MAX_CHARS }])
        );
        assert_eq!(
            PhoneNumber::parse("a\tb"),
            Err(vec![Problem::ControlCharacter, Problem::Malformed])
        );
        assert_eq!(
            PhoneNumber::parse(&"x".repeat(MAX_CHARS + 1)),
            Err(vec![
                Problem::TooLong { max: MAX_CHARS },
                Problem::Malformed
            ])
        );
        assert_eq!(PhoneNumber::optional("  "), Ok(None));
        assert_eq!(PhoneNumber::optional("x"), Err(vec![Problem::Malformed]));
    }

    #[test]
    fn short_or_odd_numbers_reveal_nothing() {
        assert_eq!(mask_phone(""), "****");
        assert_eq!(mask_phone("12345"), "****");
        assert_eq!(mask_phone("分机"), "****");
        assert!(!mask_phone("0571-8888 1234").contains("8888"));
    }
}
