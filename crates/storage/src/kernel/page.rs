//! Paging and text matching shared by every list.

use sea_query::LikeExpr;
use serde::Serialize;

/// Which page of a list the caller wants; 1-based, with a bounded page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page number, starting at 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl PageRequest {
    /// The largest page size a caller may ask for.
    pub const MAX_PER_PAGE: u64 = 200;

    /// The highest page a caller may ask for; beyond it a list is empty anyway, and the offset
    /// stays far from the databases' integer limits (an offset past `i64::MAX` cannot be bound).
    pub const MAX_PAGE: u64 = 1_000_000;

    /// A request with out-of-range numbers pulled into range.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    /// SQL LIMIT.
    pub fn limit(self) -> u64 {
        self.per_page
    }

    /// SQL OFFSET.
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of a list, with what a pager needs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows in the whole list.
    pub total: i64,
    /// This page's number, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl<T> Page<T> {
    /// Wraps rows fetched for `request`.
    pub fn new(items: Vec<T>, total: i64, request: PageRequest) -> Self {
        Self {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }

    /// How many pages the list has (at least 1).
    pub fn pages(&self) -> u64 {
        (self.total.max(0) as u64).div_ceil(self.per_page).max(1)
    }
}

/// A LIKE pattern matching values that contain `text` literally (wildcards escaped).
pub fn contains(text: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_clamped() {
        let r = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((r.page, r.per_page), (1, 200));
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
        let far = PageRequest::new(Some(u64::MAX), Some(u64::MAX));
        assert_eq!(far.page, PageRequest::MAX_PAGE);
        assert!(
            i64::try_from(far.offset()).is_ok(),
            "the offset can be bound"
        );
    }

    #[test]
    fn pages_round_up() {
        let p = Page::new(Vec::<()>::new(), 41, PageRequest::new(None, Some(20)));
        assert_eq!(p.pages(), 3);
        let empty = Page::new(Vec::<()>::new(), 0, PageRequest::default());
        assert_eq!(empty.pages(), 1);
    }
}
