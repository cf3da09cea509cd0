//! The data scope in SQL: the conditions that narrow a query to an actor's region subtree. Every
//! context and the audit log's reads use them, so they sit in the kernel, below the region
//! tree itself (`org::regions`).

use minxin_domain::org::scope::{DataScope, subtree_upper_bound};
use sea_query::{Expr, ExprTrait};

/// The condition "the path in `path_col` lies inside `scope`".
pub(crate) fn within(scope: &DataScope, path_col: Expr) -> Expr {
    match &scope.region_path {
        Some(root) => under(path_col, root),
        None => Expr::val(1).eq(0),
    }
}

/// The condition "the path in `path_col` lies in the subtree at `root`", as a range that an
/// index answers (path columns compare bytewise on both engines: see the migrations).
pub(crate) fn under(path_col: Expr, root: &str) -> Expr {
    path_col
        .clone()
        .gte(root)
        .and(path_col.lt(subtree_upper_bound(root)))
}
