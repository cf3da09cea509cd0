//! What the public may see of a project (SPEC §8): which projects are public at all, and how
//! the facts that reach anonymous visitors are cut down first — the owner's phone masked unless
//! the office published a line of its own. Storage applies these rules in its public reads, so
//! no page, feed or export has to remember them.

use crate::project::Stage;
use crate::report::ReportState;

/// Whether a project is shown to the public: the office marked it public *and* it belongs to
/// the annual plan. Candidates in the demand or reserve pool are not public commitments yet,
/// whatever their flag says.
pub fn is_shown(is_public: bool, stage: Stage) -> bool {
    is_public && stage.in_annual_plan()
}

/// The stages whose projects may be public, for queries that filter in the database.
pub fn shown_stages() -> impl Iterator<Item = Stage> {
    Stage::ALL.iter().copied().filter(|s| s.in_annual_plan())
}

/// Whether a progress report may be shown: only what the office accepted. Submitted reports
/// are unchecked claims; returned ones were found wanting.
pub fn report_is_shown(state: ReportState) -> bool {
    state == ReportState::Accepted
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

/// The phone number the public sees for a project, and whose it is, so pages can say which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPhone {
    /// The number as shown: the office line in full, or the owner's phone masked; empty when
    /// neither is on record (nothing is shown rather than a row of stars).
    pub number: String,
    /// Whether it is the line the office chose to publish (公开电话) rather than the owner's
    /// personal phone, masked (负责人电话（已隐藏）).
    pub office_line: bool,
}

/// The phone the public sees (issue 5): the office line in full when the office published one —
/// it is the office's own number, meant to be called — else the owner's personal phone masked
/// by [`mask_phone`], never in full.
pub fn public_contact_phone(public_phone: &str, owner_phone: &str) -> ContactPhone {
    let office = public_phone.trim();
    if !office.is_empty() {
        return ContactPhone {
            number: office.to_owned(),
            office_line: true,
        };
    }
    ContactPhone {
        number: if owner_phone.trim().is_empty() {
            String::new()
        } else {
            mask_phone(owner_phone)
        },
        office_line: false,
    }
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
    fn only_public_projects_of_the_annual_plan_are_shown() {
        assert!(is_shown(true, Stage::Approved));
        assert!(is_shown(true, Stage::Construction));
        assert!(is_shown(true, Stage::Archived));
        assert!(!is_shown(true, Stage::Reserve));
        assert!(!is_shown(true, Stage::Demand));
        assert!(!is_shown(false, Stage::Construction));
        assert_eq!(shown_stages().count(), Stage::ALL.len() - 2);
        assert!(shown_stages().all(|s| is_shown(true, s)));
    }

    #[test]
    fn only_accepted_reports_are_shown() {
        assert!(report_is_shown(ReportState::Accepted));
        assert!(!report_is_shown(ReportState::Submitted));
        assert!(!report_is_shown(ReportState::Returned));
    }

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
    fn the_office_line_is_shown_in_full_else_the_owner_phone_masked() {
        assert_eq!(
            public_contact_phone(" 0571-88881234 ", "13812341234"),
            ContactPhone {
                number: "0571-88881234".into(),
                office_line: true,
            }
        );
        assert_eq!(
            public_contact_phone("12345", ""),
            ContactPhone {
                number: "12345".into(),
                office_line: true,
            }
        );
        assert_eq!(
            public_contact_phone("  ", "13812341234"),
            ContactPhone {
                number: "138****1234".into(),
                office_line: false,
            }
        );
        assert_eq!(
            public_contact_phone("", " "),
            ContactPhone {
                number: String::new(),
                office_line: false,
            }
        );
    }

    #[test]
    fn short_or_odd_numbers_reveal_nothing() {
        assert_eq!(mask_phone(""), "****");
        assert_eq!(mask_phone("12345"), "****");
        assert_eq!(mask_phone("分机"), "****");
        assert!(!mask_phone("0571-8888 1234").contains("8888"));
    }
}
