//! The security policy form (系统管理员): password rules, lockout thresholds and session
//! lifetimes. Every number is checked where it was typed, so a typo or an out-of-range value is
//! reported next to its field with the typed text kept.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::{NoticeQuery, html};
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{Input, Params, settle};
use askama::Template;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::identity::security_policy::SecurityPolicy;
use std::collections::HashMap;

/// The form's fields in order; the part before the first `_` names the group.
const FIELDS: [&str; 8] = [
    "password_min_length",
    "password_min_classes",
    "password_history",
    "lockout_account_failures",
    "lockout_address_failures",
    "lockout_minutes",
    "session_idle_minutes",
    "session_lifetime_hours",
];

const GROUPS: [&str; 3] = ["password", "lockout", "session"];

/// One number of the policy, reachable for reading and writing.
enum Slot<'a> {
    Count(&'a mut usize),
    Amount(&'a mut i64),
}

impl Slot<'_> {
    fn get(&self) -> String {
        match self {
            Slot::Count(v) => v.to_string(),
            Slot::Amount(v) => v.to_string(),
        }
    }

    /// Stores `n`; false when it cannot be held (a negative count).
    fn set(self, n: i64) -> bool {
        match self {
            Slot::Count(v) => usize::try_from(n).map(|n| *v = n).is_ok(),
            Slot::Amount(v) => {
                *v = n;
                true
            }
        }
    }
}

/// The numbers of `p` in the order of [`FIELDS`].
fn slots(p: &mut SecurityPolicy) -> [Slot<'_>; 8] {
    [
        Slot::Count(&mut p.password.min_length),
        Slot::Count(&mut p.password.min_classes),
        Slot::Count(&mut p.password.history),
        Slot::Count(&mut p.lockout.account_failures),
        Slot::Count(&mut p.lockout.address_failures),
        Slot::Amount(&mut p.lockout.minutes),
        Slot::Amount(&mut p.session.idle_minutes),
        Slot::Amount(&mut p.session.lifetime_hours),
    ]
}

fn assign(p: &mut SecurityPolicy, index: usize, n: i64) -> bool {
    slots(p).into_iter().nth(index).is_some_and(|s| s.set(n))
}

/// The form as typed, by field name.
type Typed = HashMap<String, String>;

fn typed(policy: &SecurityPolicy) -> Typed {
    let mut copy = policy.clone();
    FIELDS
        .iter()
        .zip(slots(&mut copy))
        .map(|(name, slot)| ((*name).to_owned(), slot.get()))
        .collect()
}

/// Reads the policy from the typed form. Each number must parse, and the policy with it (and the
/// numbers before it) must stay within the domain's bounds, so every problem lands on the field
/// that causes it.
fn policy_from(lang: Lang, form: &Typed) -> Result<SecurityPolicy, FormErrors> {
    let mut policy = SecurityPolicy::default();
    let mut errors = FormErrors::default();
    for (index, name) in FIELDS.iter().enumerate() {
        let raw = form.get(*name).map_or("", |v| v.trim());
        let Ok(n) = raw.parse::<i64>() else {
            errors.add(name, lang.t("security.not_a_number"));
            continue;
        };
        let mut probe = policy.clone();
        if !assign(&mut probe, index, n) || !probe.is_sane() {
            errors.add(name, lang.t("security.out_of_range"));
            continue;
        }
        policy = probe;
    }
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

/// One number field as shown.
struct NumberField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
}

/// A fieldset of the form.
struct Group {
    legend: &'static str,
    fields: Vec<NumberField>,
}

#[derive(Template)]
#[template(path = "security.html")]
struct PolicyPage {
    c: Chrome,
    errors: FormErrors,
    groups: Vec<Group>,
}

fn page(
    staff: &Staff,
    form: &Typed,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let lang = staff.lang();
    let groups = GROUPS
        .iter()
        .map(|group| Group {
            legend: lang.t(&format!("security.group_{group}")),
            fields: FIELDS
                .iter()
                .filter(|name| name.split('_').next() == Some(*group))
                .map(|name| NumberField {
                    name,
                    label: lang.t(&format!("security.{name}")),
                    hint: lang.t(&format!("security.{name}_hint")),
                    value: form.get(*name).cloned().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    html(&PolicyPage {
        c: staff.chrome("/admin/security").with_notice(notice),
        errors,
        groups,
    })
}

/// GET /admin/security
pub async fn show(staff: Staff, Params(q): Params<NoticeQuery>) -> Result<Response, Failure> {
    staff.permit(Permission::ManageConfiguration)?;
    let policy = staff.store().identity().security_policy().await?;
    let notice = notice(q.notice.as_deref());
    page(&staff, &typed(&policy), FormErrors::default(), notice)
}

/// POST /admin/security
pub async fn save(staff: Staff, Input(form): Input<Typed>) -> Result<Response, Failure> {
    let lang = staff.lang();
    match policy_from(lang, &form) {
        Err(errors) => page(&staff, &form, errors, None),
        Ok(policy) => {
            let result = staff.store().identity().set_security_policy(&policy).await;
            settle(
                lang,
                result,
                "/admin/security?notice=saved",
                |errors, _| async { page(&staff, &form, errors, None) },
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(changes: &[(&str, &str)]) -> Typed {
        let mut f = typed(&SecurityPolicy::default());
        for (k, v) in changes {
            f.insert((*k).to_owned(), (*v).to_owned());
        }
        f
    }

    #[test]
    fn the_defaults_read_back_unchanged() {
        assert_eq!(
            policy_from(Lang::Zh, &form(&[])).ok(),
            Some(SecurityPolicy::default())
        );
    }

    #[test]
    fn numbers_land_in_their_places() {
        let p = policy_from(
            Lang::Zh,
            &form(&[
                ("password_min_length", " 12 "),
                ("lockout_account_failures", "3"),
                ("lockout_address_failures", "3"),
                ("session_lifetime_hours", "8"),
            ]),
        )
        .ok()
        .expect("valid numbers are accepted");
        assert_eq!(p.password.min_length, 12);
        assert_eq!(
            (p.lockout.account_failures, p.lockout.address_failures),
            (3, 3)
        );
        assert_eq!(p.session.lifetime_hours, 8);
    }

    #[test]
    fn each_problem_is_on_its_field() {
        let Err(errors) = policy_from(
            Lang::En,
            &form(&[
                ("password_min_length", "ten"),
                ("password_history", "-1"),
                ("lockout_minutes", "0"),
                ("lockout_address_failures", "2"),
            ]),
        ) else {
            panic!("bad numbers were accepted");
        };
        assert_eq!(
            errors.of("password_min_length"),
            vec![Lang::En.t("security.not_a_number")]
        );
        assert!(errors.has("password_history"));
        assert!(errors.has("lockout_minutes"));
        assert!(errors.has("lockout_address_failures"));
        assert!(!errors.has("password_min_classes"));
        assert!(!errors.has("session_idle_minutes"));
    }

    #[test]
    fn every_field_has_its_words() {
        for lang in [Lang::Zh, Lang::En] {
            for name in FIELDS {
                for key in [format!("security.{name}"), format!("security.{name}_hint")] {
                    assert_ne!(lang.t(&key), key, "missing {key}");
                }
            }
            for group in GROUPS {
                let key = format!("security.group_{group}");
                assert_ne!(lang.t(&key), key, "missing {key}");
            }
        }
    }
}
