//! What a storage operation can report. Callers turn these into pages and JSON errors; only
//! [`StoreError::Database`], [`StoreError::Config`] and [`StoreError::Blob`] are the server's
//! fault.

use minxin_domain::FieldProblem;

/// The outcome of a refused or failed storage operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller's roles do not allow the operation.
    #[error("forbidden")]
    Forbidden,
    /// The record does not exist, or lies outside the caller's data scope (indistinguishable on
    /// purpose, so scope boundaries do not leak what exists beyond them).
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("stale version")]
    Conflict,
    /// The input breaks one or more rules; each problem names its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldProblem>),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The storage configuration is unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// The file store (attachments' content) failed or is unreachable.
    #[error("file store: {0}")]
    Blob(String),
}

impl StoreError {
    /// A single-field validation failure.
    pub fn invalid(field: &'static str, problem: minxin_domain::Problem) -> Self {
        StoreError::Invalid(vec![FieldProblem::new(field, problem)])
    }

    /// Whether the database refused a write because other rows still refer to the row. SQLite
    /// reports a violation met while carrying out another key's `ON DELETE` action with a
    /// trigger constraint code, so its message is what marks it there.
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e))
            if e.is_foreign_key_violation() || e.message().contains("FOREIGN KEY constraint failed"))
    }

    /// Whether the database refused a write because of a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// Turns a unique-constraint failure into a "taken" problem on `field`, passing other errors on.
/// A record read as `None` is "not found", also when it lies outside the caller's scope.
pub(crate) trait Found<T> {
    /// The record, or [`StoreError::NotFound`].
    fn found(self) -> Result<T, StoreError>;
}

impl<T> Found<T> for Option<T> {
    fn found(self) -> Result<T, StoreError> {
        self.ok_or(StoreError::NotFound)
    }
}

pub(crate) fn taken_as(field: &'static str) -> impl FnOnce(StoreError) -> StoreError {
    move |e| {
        if e.is_unique_violation() {
            StoreError::invalid(field, minxin_domain::Problem::Taken)
        } else {
            e
        }
    }
}

/// Turns a foreign-key failure of a delete into an "in use" problem on `field` (the row is
/// still referred to), passing other errors on.
pub(crate) fn in_use_as(field: &'static str) -> impl FnOnce(StoreError) -> StoreError {
    move |e| {
        if e.is_foreign_key_violation() {
            StoreError::invalid(field, minxin_domain::Problem::InUse)
        } else {
            e
        }
    }
}
