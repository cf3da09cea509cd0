//! The post of a form that creates or edits a record, written once for every page: parse what
//! was typed, write it through storage, and either redirect with a notice or show the form
//! again with every message beside its field (after a concurrent edit, with the record's
//! current version, so that saving again overwrites knowingly).

use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::widgets::{settle, version};
use axum::response::Response;
use minxin_storage::StoreError;

/// A form as typed that reads into storage's input; what it cannot read is reported in the
/// shape storage reports its own refusals (see [`crate::kernel::widgets::parsed`]).
pub trait Typed {
    /// What storage takes.
    type Input;
    /// The input, or the field problems found while reading it.
    fn input(&self) -> Result<Self::Input, StoreError>;
}

/// A typed form that edits a record read at a version, kept in a hidden field.
pub trait Versioned: Typed {
    /// The hidden version field as typed.
    fn version_field(&mut self) -> &mut String;
}

/// A stored record with the version a form reads it at.
pub trait Record {
    /// The record's current version.
    fn version(&self) -> i64;
}

/// The post of a creating form: on success a redirect to `to`; on a refusal the user can fix,
/// `again` shows the form with its messages; anything else is a failure page.
pub async fn create<F: Typed, T>(
    lang: Lang,
    form: F,
    to: &str,
    write: impl AsyncFnOnce(&F::Input) -> Result<T, StoreError>,
    again: impl AsyncFnOnce(F, FormErrors) -> Result<Response, Failure>,
) -> Result<Response, Failure> {
    let result = match form.input() {
        Ok(input) => write(&input).await,
        Err(e) => Err(e),
    };
    settle(lang, result, to, |errors, _| again(form, errors)).await
}

/// The post of an edit form: `write` gets the version the form was read at and the input; on
/// a refusal the user can fix, the record is read again (`reread`), the form takes its version
/// after a conflict, and `again` shows both with the messages.
pub async fn update<F: Versioned, R: Record, T, E>(
    lang: Lang,
    mut form: F,
    to: &str,
    write: impl AsyncFnOnce(i64, &F::Input) -> Result<T, StoreError>,
    reread: impl AsyncFnOnce() -> Result<R, E>,
    again: impl AsyncFnOnce(F, R, FormErrors) -> Result<Response, Failure>,
) -> Result<Response, Failure>
where
    Failure: From<E>,
{
    let result = match form.input() {
        Ok(input) => write(version(form.version_field()), &input).await,
        Err(e) => Err(e),
    };
    settle(lang, result, to, |errors, conflict| async move {
        let current = reread().await?;
        if conflict {
            *form.version_field() = current.version().to_string();
        }
        again(form, current, errors).await
    })
    .await
}

/// Implements [`Versioned`] for a form whose hidden field is `version` and, when named,
/// [`Record`] for the stored record it edits, whose field is `version` too.
macro_rules! versioned {
    ($form:ty $(, $record:ty)?) => {
        impl $crate::kernel::edit::Versioned for $form {
            fn version_field(&mut self) -> &mut String {
                &mut self.version
            }
        }
        $(
            impl $crate::kernel::edit::Record for $record {
                fn version(&self) -> i64 {
                    self.version
                }
            }
        )?
    };
}
pub(crate) use versioned;
