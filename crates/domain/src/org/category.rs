//! Whose a project category is (issue 15 finding 11). The shipped dictionary belongs to no
//! region and is everyone's; a category an office adds belongs to a region, and is seen from
//! that region, the regions above it (whose offices oversee its projects) and those below it
//! (which inherit it) — never from a sibling district. Only an office whose scope covers every
//! region using a category may change it, so one district cannot rename another's.

use crate::org::scope::{DataScope, RegionPath};

/// Longest category name, in characters.
pub const NAME_MAX: usize = 50;

/// Whether a category homed at `home` (`None`: the shipped dictionary) is seen from the region
/// at `from`: it is the region's own, inherited from above, or added below it.
pub fn visible(home: Option<&RegionPath>, from: &RegionPath) -> bool {
    home.is_none_or(|home| from.starts_with(home) || home.starts_with(from))
}

/// Whether `scope` may change a category homed at `home` and used by projects in the regions
/// at `used_in`: the scope must cover its home and every one of those regions. A shipped
/// category belongs to no region, so only a scope over the whole tree covers it.
pub fn may_change<'a>(
    scope: &DataScope,
    home: Option<&RegionPath>,
    used_in: impl IntoIterator<Item = &'a RegionPath>,
) -> bool {
    home.map_or(scope.is_whole_tree(), |home| scope.covers_region(home))
        && used_in.into_iter().all(|path| scope.covers_region(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: &str = "/1/";
    const A: &str = "/1/2/";
    const A_STREET: &str = "/1/2/4/";
    const B: &str = "/1/3/";

    #[test]
    fn a_district_sees_its_own_what_is_above_and_below_not_its_siblings() {
        assert!(visible(None, A), "the shipped dictionary");
        assert!(visible(Some(CITY), A), "inherited from the city");
        assert!(visible(Some(A), A), "its own");
        assert!(visible(Some(A_STREET), A), "added by one of its streets");
        assert!(visible(Some(A), A_STREET), "its streets inherit it");
        assert!(visible(Some(A), CITY), "the city oversees it");
        assert!(!visible(Some(A), B), "a sibling district's");
        assert!(!visible(Some(A_STREET), B));
        assert!(!visible(Some("/1/2/"), "/1/20/"), "paths compare whole ids");
    }

    #[test]
    fn only_a_scope_over_its_home_and_every_user_changes_it() {
        let a = DataScope::region(A);
        let city = DataScope::region(CITY);
        assert!(may_change(&a, Some(A), [A, A_STREET]));
        assert!(!may_change(&a, Some(A), [A, B]), "used in district B too");
        assert!(!may_change(&a, Some(CITY), [A]), "inherited from above");
        assert!(!may_change(&DataScope::region(B), Some(A), []));
        assert!(!may_change(&a, None, []), "the shipped dictionary");
        assert!(may_change(&city, None, [A, B]));
        assert!(may_change(&city, Some(A), [A, B]));
        assert!(!may_change(&DataScope::default(), Some(A), []));
    }
}
