//! Money in integer fen (分), end to end. Parsing accepts what people type into forms and
//! spreadsheets — `1234.5`, `1,234.50`, `1 234.50 元`, `12.5万元`, `12.5万` — and never goes
//! through floating point; formatting shows 元 with two decimals or 万元.

use crate::kernel::problem::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen. Negative amounts exist (corrections) but not in budgets.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// The largest amount accepted from input: 10^13 元 (ten trillion), far above any project, and
/// far below `i64::MAX` fen so sums of many amounts cannot overflow.
pub const MAX_YUAN: i64 = 10_000_000_000_000;

impl Fen {
    /// Zero.
    pub const ZERO: Fen = Fen(0);

    /// From whole 元.
    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// Adds without overflow (saturating at the bounds, which input limits keep far away).
    pub fn plus(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }

    /// Parses an amount typed in 元 (or 万元 with the unit 万/万元), with optional thousands
    /// separators and at most two decimals in 元 (six in 万元).
    pub fn parse_yuan(input: &str) -> Result<Fen, Problem> {
        let mut text: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，' && *c != '¥' && *c != '￥')
            .collect();
        let mut scale_digits = 2; // decimals of fen in one unit: 元 = 10^2 fen
        if let Some(stripped) = text
            .strip_suffix("万元")
            .or_else(|| text.strip_suffix('万'))
        {
            text = stripped.to_owned();
            scale_digits = 6; // 万元 = 10^6 fen
        } else if let Some(stripped) = text.strip_suffix('元') {
            text = stripped.to_owned();
        }
        let negative = text.starts_with('-');
        let digits = text.trim_start_matches(['-', '+']);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Problem::Malformed);
        }
        if fraction.len() > scale_digits {
            return Err(Problem::MoneyPrecision);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| Problem::MoneyTooLarge)?
        };
        let limit = if scale_digits == 6 {
            MAX_YUAN / 10_000
        } else {
            MAX_YUAN
        };
        if whole > limit {
            return Err(Problem::MoneyTooLarge);
        }
        let padded = format!("{fraction:0<width$}", width = scale_digits);
        let fraction: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| Problem::Malformed)?
        };
        let fen = whole * 10_i64.pow(scale_digits as u32) + fraction;
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// `1,234,567.89` (元 with thousands separators and two decimals).
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = group_thousands(abs / 100);
        format!("{sign}{whole}.{:02}", abs % 100)
    }

    /// `123.46` (万元, rounded half up to two decimals) for summaries.
    pub fn wan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        // 1 万元 = 1,000,000 fen; two decimals of 万元 = 10,000 fen.
        let hundredths = (abs + 5_000) / 10_000;
        format!(
            "{sign}{}.{:02}",
            group_thousands(hundredths / 100),
            hundredths % 100
        )
    }

    /// The plain decimal 元 value for forms and spreadsheets, e.g. `1234567.89`.
    pub fn yuan_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 元", self.yuan_text())
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Fen::parse_yuan("1234.5"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan("1,234.50"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan(" 1 234.50 元"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan("￥88"), Ok(Fen(8_800)));
        assert_eq!(Fen::parse_yuan("12.5万元"), Ok(Fen(12_500_000)));
        assert_eq!(Fen::parse_yuan("12.5万"), Ok(Fen(12_500_000)));
        assert_eq!(Fen::parse_yuan("0.000001万元"), Ok(Fen(1)));
        assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse_yuan("0"), Ok(Fen(0)));
        assert_eq!(Fen::parse_yuan("-3.01"), Ok(Fen(-301)));
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert_eq!(Fen::parse_yuan(""), Err(Problem::Malformed));
        assert_eq!(Fen::parse_yuan("abc"), Err(Problem::Malformed));
        assert_eq!(Fen::parse_yuan("1.2.3"), Err(Problem::Malformed));
        assert_eq!(Fen::parse_yuan("1e5"), Err(Problem::Malformed));
        assert_eq!(Fen::parse_yuan("1.234"), Err(Problem::MoneyPrecision));
        assert_eq!(Fen::parse_yuan("1.0000001万"), Err(Problem::MoneyPrecision));
        assert_eq!(
            Fen::parse_yuan("99999999999999999999"),
            Err(Problem::MoneyTooLarge)
        );
        assert_eq!(
            Fen::parse_yuan("10000000000001"),
            Err(Problem::MoneyTooLarge)
        );
    }

    #[test]
    fn formats_yuan_and_wan() {
        assert_eq!(Fen(123_456_789).yuan_text(), "1,234,567.89");
        assert_eq!(Fen(5).yuan_text(), "0.05");
        assert_eq!(Fen(-123_450).yuan_text(), "-1,234.50");
        assert_eq!(Fen(12_345_678).wan_text(), "12.35");
        assert_eq!(Fen(12_344_999).wan_text(), "12.34");
        assert_eq!(Fen(1_000_000_000_000).wan_text(), "1,000,000.00");
        assert_eq!(Fen(123_450).yuan_plain(), "1234.50");
        assert_eq!(Fen(8_800).to_string(), "88.00 元");
    }

    #[test]
    fn round_trips_without_drift() {
        for fen in [0, 1, 99, 100, 12_345, 987_654_321, 1_000_000_000_001] {
            let f = Fen(fen);
            assert_eq!(Fen::parse_yuan(&f.yuan_plain()), Ok(f));
            assert_eq!(Fen::parse_yuan(&f.yuan_text()), Ok(f));
        }
    }
}
