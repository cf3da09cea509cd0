//! The password policy (等保 level 3 / OWASP ASVS level 2): length, character classes and no
//! reuse of recent passwords. The history comparison itself needs the hashes, so storage does it
//! and this module only decides on the plain text.

use crate::kernel::problem::Problem;
use serde::{Deserialize, Serialize};

/// Configurable password rules; the defaults are the ones the project promises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_length: usize,
    /// How many of upper case, lower case, digit and symbol must appear.
    pub min_classes: usize,
    /// How many previous passwords may not be reused.
    pub history: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            min_classes: 3,
            history: 5,
        }
    }
}

/// The longest password accepted; argon2 would take any length, but unbounded input is a
/// denial-of-service lever.
pub const MAX_PASSWORD_LENGTH: usize = 128;

impl PasswordPolicy {
    /// Every way `password` breaks the policy for the account `username`.
    pub fn check(&self, password: &str, username: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        let length = password.chars().count();
        if length < self.min_length {
            problems.push(Problem::PasswordTooShort {
                min: self.min_length,
            });
        }
        if length > MAX_PASSWORD_LENGTH {
            problems.push(Problem::TooLong {
                max: MAX_PASSWORD_LENGTH,
            });
        }
        if character_classes(password) < self.min_classes {
            problems.push(Problem::PasswordTooSimple {
                classes: self.min_classes,
            });
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            problems.push(Problem::PasswordContainsUsername);
        }
        problems
    }

    /// Whether the policy's own numbers make sense (a sysadmin may edit them).
    pub fn is_sane(&self) -> bool {
        (6..=64).contains(&self.min_length) && self.min_classes <= 4 && self.history <= 24
    }
}

/// How many of the four classes (upper, lower, digit, other) appear in `password`.
pub fn character_classes(password: &str) -> usize {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    [
        has(char::is_ascii_uppercase),
        has(char::is_ascii_lowercase),
        has(char::is_ascii_digit),
        has(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|b| *b)
    .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_accepts_three_classes_of_eight() {
        let p = PasswordPolicy::default();
        assert!(p.check("Minxin2026", "office").is_empty());
        assert!(p.check("minxin-2026", "office").is_empty());
        assert!(p.check("民心工程Ab12", "office").is_empty());
        assert!(!p.check("民心工程Ab1", "office").is_empty());
    }

    #[test]
    fn default_policy_refuses_short_simple_and_named() {
        let p = PasswordPolicy::default();
        assert_eq!(
            p.check("Ab1!", "x"),
            vec![Problem::PasswordTooShort { min: 8 }]
        );
        assert_eq!(
            p.check("abcdefgh", "x"),
            vec![Problem::PasswordTooSimple { classes: 3 }]
        );
        assert_eq!(
            p.check("Office2026!", "office"),
            vec![Problem::PasswordContainsUsername]
        );
        let long = "Aa1!".repeat(40);
        assert_eq!(p.check(&long, "x"), vec![Problem::TooLong { max: 128 }]);
    }

    #[test]
    fn exactly_at_the_edges() {
        let p = PasswordPolicy::default();
        assert!(p.check("Abcdefg1", "x").is_empty());
        assert!(!p.check("Abcdef1", "x").is_empty());
        assert!(p.check(&"Aa1".repeat(42)[..126], "x").is_empty());
    }

    #[test]
    fn classes_are_counted() {
        assert_eq!(character_classes(""), 0);
        assert_eq!(character_classes("aA"), 2);
        assert_eq!(character_classes("aA1"), 3);
        assert_eq!(character_classes("aA1 "), 4);
        assert_eq!(character_classes("中文"), 1);
    }

    #[test]
    fn sanity_bounds() {
        assert!(PasswordPolicy::default().is_sane());
        assert!(
            !PasswordPolicy {
                min_length: 2,
                ..Default::default()
            }
            .is_sane()
        );
        assert!(
            !PasswordPolicy {
                min_classes: 5,
                ..Default::default()
            }
            .is_sane()
        );
    }
}
