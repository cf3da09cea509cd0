//! The receipt code (查询码) a resident follows a request with. It is the only key to a
//! request's status and to its rating, so it must not be guessable: twelve symbols from an
//! alphabet without look-alikes (no 0/O, 1/I/L), 31 symbols each — about 59 bits drawn from the
//! operating system's random source by the caller. Shown in groups of four (`K7QM-3XRT-9HCW`)
//! and read back forgivingly: case, spaces and dashes do not matter.

use std::fmt;

/// The symbols a receipt code is written with.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many symbols a receipt code has.
pub const LENGTH: usize = 12;

/// A receipt code, stored without dashes in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReceiptCode(String);

impl ReceiptCode {
    /// The code drawn from `random`, one symbol per 64-bit word (reducing a 64-bit value modulo
    /// 31 favours some symbols by less than one part in 10^17).
    pub fn from_random(random: [u64; LENGTH]) -> ReceiptCode {
        let symbols = random
            .iter()
            .map(|r| char::from(ALPHABET[(r % ALPHABET.len() as u64) as usize]))
            .collect();
        ReceiptCode(symbols)
    }

    /// The code a resident typed, if it is one: dashes, spaces and case are ignored; a symbol
    /// outside the alphabet (0, 1, O, I, L) makes it no code rather than a guess at one.
    pub fn parse(typed: &str) -> Option<ReceiptCode> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)))
            .then_some(ReceiptCode(code))
    }

    /// The stored form, without dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, rest) = self.0.split_at(4);
        let (b, c) = rest.split_at(4);
        write!(f, "{a}-{b}-{c}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_read_back_forgivingly() {
        let code = ReceiptCode::from_random(std::array::from_fn(|i| i as u64 * 7 + 3));
        assert_eq!(code.as_str().len(), LENGTH);
        let shown = code.to_string();
        assert_eq!(shown.len(), LENGTH + 2);
        assert_eq!(shown.matches('-').count(), 2);
        assert_eq!(ReceiptCode::parse(&shown), Some(code.clone()));
        let sloppy = format!(" {} ", shown.to_lowercase().replace('-', " "));
        assert_eq!(ReceiptCode::parse(&sloppy), Some(code));
    }

    #[test]
    fn anything_else_is_not_a_code() {
        for typed in [
            "",
            "ABCD",
            "ABCD-EFGH-JKMN-P",
            "0000-0000-0000",
            "ABCD-EFGH-JKM1",
            "收据码收据码收据码收据码",
        ] {
            assert_eq!(ReceiptCode::parse(typed), None, "{typed}");
        }
    }

    #[test]
    fn every_symbol_can_be_drawn() {
        let code = ReceiptCode::from_random(std::array::from_fn(|i| u64::MAX - i as u64));
        assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
        let all: String = (0..31u64)
            .map(|r| ReceiptCode::from_random([r; LENGTH]).as_str()[..1].to_owned())
            .collect();
        assert_eq!(all.as_bytes(), ALPHABET);
    }
}
