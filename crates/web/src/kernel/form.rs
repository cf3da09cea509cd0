//! Form plumbing shared by every page: field errors in the user's language, and turning a
//! storage refusal into either "show the form again with messages" or a failure page.

use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use minxin_storage::StoreError;

/// Messages attached to form fields (or to the whole form under the name `_form`).
#[derive(Default)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

/// The pseudo-field for errors about the form as a whole.
pub const WHOLE_FORM: &str = "_form";

impl FormErrors {
    /// Whether `field` has an error.
    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }

    /// The messages for `field`.
    pub fn of(&self, field: &str) -> Vec<&str> {
        self.items
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect()
    }

    /// Whether there are no errors at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a message.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.items.push((field.to_owned(), message.into()));
    }

    /// Errors to show with the form for a refusal the user can fix by editing it (invalid input,
    /// or a conflicting concurrent edit); any other error becomes a [`Failure`].
    pub fn from_store(lang: Lang, e: StoreError) -> Result<FormErrors, Failure> {
        let mut errors = FormErrors::default();
        match e {
            StoreError::Invalid(problems) => {
                for p in problems {
                    errors.add(p.field, lang.problem(&p.problem));
                }
            }
            StoreError::Conflict => errors.add(WHOLE_FORM, lang.t("error.conflict")),
            other => return Err(other.into()),
        }
        Ok(errors)
    }
}

/// Maps the `notice` query value of a redirect to a message key (only known ones are shown).
pub fn notice(value: Option<&str>) -> Option<&'static str> {
    match value? {
        "saved" => Some("notice.saved"),
        "created" => Some("notice.created"),
        "deleted" => Some("notice.deleted"),
        "password" => Some("notice.password_changed"),
        "totp_on" => Some("notice.totp_on"),
        "totp_off" => Some("notice.totp_off"),
        "revoked" => Some("notice.revoked"),
        "signed_out" => Some("notice.signed_out"),
        _ => None,
    }
}
