//! Which department a new service request goes to (SPEC §6): the office's rules by category
//! and community boundary. The most specific rule that fits wins — category and boundary, then
//! boundary alone, then category alone, then a catch-all — and among equally specific rules the
//! oldest. No rule fits: the request waits in the office's dispatch queue.

use serde::{Deserialize, Serialize};

/// Why a new rule was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleRefusal {
    /// A rule for the same category and boundary exists: the older one would always win, so the
    /// new one could never route anything.
    Duplicate,
    /// A rule without a boundary applies to the whole region tree, so only an office whose
    /// scope is the whole tree may set one.
    BoundaryNeeded,
}

/// Whether a new rule for `category` and `boundary` would repeat one of `existing` (pairs of
/// category and boundary): see [`RuleRefusal::Duplicate`].
pub fn repeats(
    existing: &[(Option<i64>, Option<i64>)],
    category: Option<i64>,
    boundary: Option<i64>,
) -> bool {
    existing.contains(&(category, boundary))
}

/// A routing rule as the office sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRule {
    /// Id; the older rule wins a tie.
    pub id: i64,
    /// The request category it applies to; any when `None`.
    pub category: Option<String>,
    /// The community boundary it applies to; anywhere when `None`.
    pub boundary: Option<i64>,
    /// The department it sends requests to.
    pub department: i64,
}

impl RoutingRule {
    fn fits(&self, category: &str, boundaries: &[i64]) -> bool {
        self.category.as_deref().is_none_or(|c| c == category)
            && self.boundary.is_none_or(|b| boundaries.contains(&b))
    }

    fn specificity(&self) -> u8 {
        u8::from(self.boundary.is_some()) * 2 + u8::from(self.category.is_some())
    }
}

/// The rule that routes a request of `category` located inside `boundaries` (the ids of the
/// community boundaries containing its point; empty without a location), if any.
pub fn route<'a>(
    rules: &'a [RoutingRule],
    category: &str,
    boundaries: &[i64],
) -> Option<&'a RoutingRule> {
    rules
        .iter()
        .filter(|r| r.fits(category, boundaries))
        .max_by(|a, b| {
            a.specificity()
                .cmp(&b.specificity())
                .then_with(|| b.id.cmp(&a.id))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        id: i64,
        category: Option<&str>,
        boundary: Option<i64>,
        department: i64,
    ) -> RoutingRule {
        RoutingRule {
            id,
            category: category.map(str::to_owned),
            boundary,
            department,
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let rules = [
            rule(1, None, None, 10),
            rule(2, Some("road"), None, 20),
            rule(3, None, Some(7), 30),
            rule(4, Some("road"), Some(7), 40),
        ];
        let to = |category, boundaries: &[i64]| {
            route(&rules, category, boundaries).map(|r| r.department)
        };
        assert_eq!(to("road", &[7]), Some(40));
        assert_eq!(
            to("light", &[7]),
            Some(30),
            "the boundary beats the catch-all"
        );
        assert_eq!(to("road", &[8]), Some(20));
        assert_eq!(to("light", &[]), Some(10));
    }

    #[test]
    fn a_rule_repeats_only_the_same_category_and_boundary() {
        let existing = [(Some(1), Some(7)), (None, Some(7)), (Some(1), None)];
        assert!(repeats(&existing, Some(1), Some(7)));
        assert!(repeats(&existing, None, Some(7)));
        assert!(!repeats(&existing, None, None));
        assert!(!repeats(&existing, Some(2), Some(7)));
    }

    #[test]
    fn ties_go_to_the_oldest_and_no_rule_means_the_queue() {
        let rules = [
            rule(5, Some("road"), None, 50),
            rule(2, Some("road"), None, 20),
        ];
        assert_eq!(route(&rules, "road", &[]).map(|r| r.department), Some(20));
        assert_eq!(route(&rules, "water", &[]), None);
        assert_eq!(route(&[], "road", &[1]), None);
    }
}
