//! Data scopes (数据权限): every account sees a subtree of the region tree, optionally narrowed to
//! some departments. Region subtrees are represented by materialised paths of region ids
//! (`/1/4/17/`), so "inside the subtree" is a prefix test both here and in SQL.

use serde::{Deserialize, Serialize};

/// A materialised region path such as `/1/4/17/`: the ids from the root down, each followed by `/`.
pub type RegionPath = str;

/// The smallest path greater than every path inside the subtree at `root`: paths end in `/`
/// and hold only digits, and `0` follows `/` in byte order, so the subtree is exactly the
/// half-open range `root..upper` — a range both databases answer from an index.
pub fn subtree_upper_bound(root: &RegionPath) -> String {
    let stem = root.strip_suffix('/').unwrap_or(root);
    format!("{stem}0")
}

/// The part of the data an account may see and change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataScope {
    /// Path of the region whose subtree is visible; `None` means nothing is visible yet.
    pub region_path: Option<String>,
    /// Departments the scope is narrowed to; empty means every department in the subtree.
    pub departments: Vec<i64>,
}

impl DataScope {
    /// A scope covering the whole subtree under `region_path`.
    pub fn region(region_path: impl Into<String>) -> Self {
        Self {
            region_path: Some(region_path.into()),
            departments: Vec::new(),
        }
    }

    /// Whether the scope is a whole tree (its root region has no parent), which also makes
    /// records that belong to no region visible.
    pub fn is_whole_tree(&self) -> bool {
        self.region_path
            .as_deref()
            .is_some_and(|p| p.matches('/').count() == 2)
    }

    /// Whether a record located in the region at `path` is visible.
    pub fn covers_region(&self, path: &RegionPath) -> bool {
        self.region_path
            .as_deref()
            .is_some_and(|root| path.starts_with(root))
    }

    /// Whether a record belonging to department `id`, located at `region_path`, is visible.
    pub fn covers_department(&self, id: i64, region_path: &RegionPath) -> bool {
        self.covers_region(region_path)
            && (self.departments.is_empty() || self.departments.contains(&id))
    }

    /// Whether `inner` shows nothing that `self` does not: what a granter may hand out.
    pub fn contains(&self, inner: &DataScope) -> bool {
        let Some(inner_root) = inner.region_path.as_deref() else {
            return true;
        };
        if !self.covers_region(inner_root) {
            return false;
        }
        self.departments.is_empty()
            || (!inner.departments.is_empty()
                && inner
                    .departments
                    .iter()
                    .all(|d| self.departments.contains(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_is_a_path_prefix() {
        let s = DataScope::region("/1/2/");
        assert!(s.covers_region("/1/2/"));
        assert!(s.covers_region("/1/2/9/"));
        assert!(!s.covers_region("/1/"));
        assert!(!s.covers_region("/1/3/"));
        // "/1/2/" must not cover "/1/22/": the trailing slash makes the prefix exact.
        assert!(!s.covers_region("/1/22/"));
    }

    #[test]
    fn the_upper_bound_closes_the_subtree() {
        let upper = subtree_upper_bound("/1/2/");
        assert_eq!(upper, "/1/20");
        for inside in ["/1/2/", "/1/2/9/", "/1/2/99/100/"] {
            assert!(inside >= "/1/2/" && inside < upper.as_str(), "{inside}");
        }
        for outside in ["/1/20/", "/1/3/", "/1/", "/1/19/"] {
            assert!(
                !(outside >= "/1/2/" && outside < upper.as_str()),
                "{outside}"
            );
        }
    }

    #[test]
    fn whole_tree_is_a_root_path() {
        assert!(DataScope::region("/1/").is_whole_tree());
        assert!(!DataScope::region("/1/2/").is_whole_tree());
        assert!(!DataScope::default().is_whole_tree());
    }

    #[test]
    fn empty_scope_sees_nothing() {
        let s = DataScope::default();
        assert!(!s.covers_region("/1/"));
        assert!(!s.covers_department(1, "/1/"));
    }

    #[test]
    fn departments_narrow_the_scope() {
        let s = DataScope {
            region_path: Some("/1/".into()),
            departments: vec![7],
        };
        assert!(s.covers_department(7, "/1/2/"));
        assert!(!s.covers_department(8, "/1/2/"));
        assert!(!s.covers_department(7, "/3/"));
    }

    #[test]
    fn containment_for_granting() {
        let city = DataScope::region("/1/");
        let district = DataScope::region("/1/2/");
        let narrowed = DataScope {
            region_path: Some("/1/2/".into()),
            departments: vec![5],
        };
        assert!(city.contains(&district));
        assert!(!district.contains(&city));
        assert!(district.contains(&narrowed));
        assert!(!narrowed.contains(&district));
        assert!(narrowed.contains(&narrowed.clone()));
        assert!(district.contains(&DataScope::default()));
    }
}
