//! The vocabulary of the audit log (操作日志): which actions are recorded and how they ended.
//! Codes are stable strings because the log outlives any version of the program.

use crate::kernel::codes::coded;
use serde_json::{Map, Value};

coded! {
    /// A recorded action.
    AuditAction {
        /// A sign-in attempt (success or failure).
        SignIn => "auth.sign_in",
        /// A sign-out.
        SignOut => "auth.sign_out",
        /// A password change by the account itself.
        PasswordChange => "auth.password_change",
        /// The second factor was switched on or off.
        TotpChange => "auth.totp_change",
        /// An API token was issued.
        TokenCreate => "auth.token_create",
        /// An API token was revoked.
        TokenRevoke => "auth.token_revoke",
        /// An account was created.
        AccountCreate => "account.create",
        /// An account's details, state or password were changed by an administrator.
        AccountUpdate => "account.update",
        /// Roles or data scope of an account were changed.
        RoleChange => "account.role_change",
        /// A region was created.
        RegionCreate => "region.create",
        /// A region was changed.
        RegionUpdate => "region.update",
        /// A region was removed.
        RegionDelete => "region.delete",
        /// A department was created.
        DepartmentCreate => "department.create",
        /// A department was changed.
        DepartmentUpdate => "department.update",
        /// A department was removed.
        DepartmentDelete => "department.delete",
        /// A project was created.
        ProjectCreate => "project.create",
        /// A project's registry fields or progress were changed.
        ProjectUpdate => "project.update",
        /// A project moved in its lifecycle.
        ProjectTransition => "project.transition",
        /// A milestone was planned, changed, done or removed.
        MilestoneChange => "project.milestone",
        /// A document was attached to or removed from a project.
        AttachmentChange => "project.attachment",
        /// An annual plan was imported.
        ProjectImport => "project.import",
        /// The category dictionary was extended.
        CategoryCreate => "category.create",
        /// A category of the dictionary was renamed.
        CategoryUpdate => "category.update",
        /// A contract or money record (approval, disbursement, payment, correction).
        MoneyRecord => "project.money",
        /// A progress report filed, refiled, accepted or returned.
        ReportChange => "project.report",
        /// Traffic-light thresholds or the report due day of a region changed.
        LightRulesChange => "light.rules",
        /// A reminder was marked read by the account it was sent to.
        ReminderRead => "reminder.read",
        /// A month's light snapshot was taken for the bulletins.
        SnapshotTake => "bulletin.snapshot",
        /// A resident's service request was received (by any channel).
        RequestSubmit => "request.submit",
        /// A service request was dispatched, accepted, transferred, answered, rated or merged.
        RequestChange => "request.change",
        /// An Open311 API key was issued.
        Open311KeyCreate => "open311.key_create",
        /// An Open311 API key was revoked.
        Open311KeyRevoke => "open311.key_revoke",
        /// The office imported community boundaries (one entry per community).
        BoundaryImport => "boundary.import",
        /// The office removed a community boundary, and with it the rules naming it.
        BoundaryDelete => "boundary.delete",
        /// The office added or removed a routing rule.
        RoutingChange => "routing.change",
        /// The office entered (or corrected) a year of the working-day calendar.
        CalendarEnter => "calendar.enter",
        /// A system administrator cancelled a background job before it ran.
        JobCancel => "job.cancel",
        /// A system administrator queued a failed or cancelled background job again.
        JobRetry => "job.retry",
        /// A configuration value was changed.
        ConfigurationChange => "config.change",
        /// Someone tried something their role or scope does not allow.
        AccessDenied => "access.denied",
    }
}

coded! {
    /// How an audited action ended.
    AuditOutcome {
        /// It was done.
        Success => "success",
        /// It was attempted and failed (wrong password, invalid input).
        Failure => "failure",
        /// It was refused by a role or scope check, or by a lockout.
        Denied => "denied",
    }
}

/// How a field of an audited record may appear in the log, decided by its name wherever it
/// sits in the record (the same names are used by every record that carries such data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    /// A phone number: masked as the public sees it (`138****1234`).
    Phone,
    /// A national ID number: masked to its first three and last four characters.
    IdNumber,
    /// A person's name (a resident, a project's contact person): surname only.
    PersonName,
    /// Free text (descriptions, notes, published wording, addresses): never copied, only
    /// referenced by the record it belongs to, since no mask can find every name in prose.
    FreeText,
    /// Anything else: kept, with any mobile or ID number written inside it masked.
    Plain,
}

fn field_kind(key: &str) -> FieldKind {
    let is = |base: &str| key == base || key.ends_with(&format!("_{base}"));
    // The line the office publishes (公开电话) is its own number, shown to everyone in full.
    if key == "public_phone" {
        FieldKind::Plain
    } else if is("phone") {
        FieldKind::Phone
    } else if is("id_number") || is("id_card") {
        FieldKind::IdNumber
    } else if ["owner_name", "contact_name", "resident_name", "complainant"]
        .iter()
        .any(|k| is(k))
    {
        FieldKind::PersonName
    } else if [
        "description",
        "goals",
        "note",
        "reason",
        "comment",
        "answer",
        "text",
        "wording",
        "content",
        "message",
        "address",
    ]
    .iter()
    .any(|k| is(k))
    {
        FieldKind::FreeText
    } else {
        FieldKind::Plain
    }
}

/// A national ID number with all but its first three and last four characters hidden
/// (`110101199001011234` → `110***********1234`); anything shorter keeps nothing but `****`.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() < 10 {
        return "****".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A person's name with only the surname left (`王小明` → `王**`), which is enough to tell
/// entries apart without naming anyone.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// `text` with every mobile number (11 digits from 1) and ID number (17 digits and a digit or
/// X) written in it masked, for fields that are not expected to hold any.
pub fn mask_embedded(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 17 && i < chars.len() && matches!(chars[i], 'X' | 'x') {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let glued = i < chars.len() && chars[i].is_ascii_alphanumeric();
        if glued {
            out.push_str(&run);
        } else if run.len() == 11 && run.starts_with('1') {
            out.push_str(&crate::kernel::phone::mask_phone(&run));
        } else if run.len() == 18 {
            out.push_str(&mask_id_number(&run));
        } else {
            out.push_str(&run);
        }
    }
    out
}

/// A value as it may be written to the log under `kind`; `reference` names the record
/// (`service_request/42`) free text is referred to. Values already masked stay as they are,
/// so entries can be masked again when read.
fn redact(kind: FieldKind, value: &Value, reference: &str) -> Value {
    match (kind, value) {
        (_, Value::Object(fields)) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), redact(field_kind(k), v, reference)))
                .collect(),
        ),
        (_, Value::Array(items)) => {
            Value::Array(items.iter().map(|v| redact(kind, v, reference)).collect())
        }
        (_, Value::String(text)) if text.trim().is_empty() => value.clone(),
        (FieldKind::FreeText, Value::String(_)) => {
            serde_json::json!({ "see": reference })
        }
        (FieldKind::Phone | FieldKind::IdNumber | FieldKind::PersonName, Value::String(text))
            if text.contains('*') =>
        {
            value.clone()
        }
        (FieldKind::Phone, Value::String(text)) => {
            Value::String(crate::kernel::phone::mask_phone(text))
        }
        (FieldKind::IdNumber, Value::String(text)) => Value::String(mask_id_number(text)),
        (FieldKind::PersonName, Value::String(text)) => Value::String(mask_name(text)),
        (_, Value::String(text)) => Value::String(mask_embedded(text)),
        _ => value.clone(),
    }
}

/// What of a change reaches the audit log (issue 15): when both sides are records, only the
/// fields that changed; in every value phones, ID numbers and people's names masked and free
/// text replaced by a reference to `reference`, the record it belongs to. The auditor learns
/// who changed which fields of what, never the personal data or the prose itself.
pub fn redact_change(
    before: Option<&Value>,
    after: Option<&Value>,
    reference: &str,
) -> (Option<Value>, Option<Value>) {
    let side = |v: &Value| redact(FieldKind::Plain, v, reference);
    match (before, after) {
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let changed = |key: &String| old.get(key) != new.get(key);
            let keep = |from: &Map<String, Value>| {
                Value::Object(
                    from.iter()
                        .filter(|(k, _)| changed(k))
                        .map(|(k, v)| (k.clone(), redact(field_kind(k), v, reference)))
                        .collect(),
                )
            };
            (Some(keep(old)), Some(keep(new)))
        }
        _ => (before.map(side), after.map(side)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(a.code().parse::<AuditAction>(), Ok(*a));
            assert!(seen.insert(a.code()));
        }
        for o in AuditOutcome::ALL {
            assert_eq!(o.code().parse::<AuditOutcome>(), Ok(*o));
        }
    }

    #[test]
    fn personal_values_are_masked_and_free_text_referenced() {
        let before = serde_json::json!({
            "name": "幸福路改造", "owner_name": "王小明", "owner_phone": "13812341234",
            "budget_fen": 100, "description": "联系王小明 13812341234", "stage": "approved",
            "public_phone": "0571-88881234", "version": 1,
        });
        let after = serde_json::json!({
            "name": "幸福路改造", "owner_name": "李四", "owner_phone": "13912345678",
            "budget_fen": 250, "description": "新的说明", "stage": "approved",
            "public_phone": "12345", "version": 2,
        });
        let (old, new) = redact_change(Some(&before), Some(&after), "project/7");
        let (old, new) = (old.unwrap(), new.unwrap());
        let keys: Vec<&String> = new.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "budget_fen",
                "description",
                "owner_name",
                "owner_phone",
                "public_phone",
                "version"
            ],
            "only what changed"
        );
        assert_eq!(old["owner_phone"], "138****1234");
        assert_eq!(new["owner_phone"], "139****5678");
        assert_eq!(old["owner_name"], "王**");
        assert_eq!(new["owner_name"], "李*");
        assert_eq!(
            old["public_phone"], "0571-88881234",
            "the office's public line"
        );
        assert_eq!(old["budget_fen"], 100);
        assert_eq!(new["budget_fen"], 250);
        assert_eq!(
            old["description"],
            serde_json::json!({ "see": "project/7" })
        );
        let text = format!("{old}{new}");
        assert!(!text.contains("13812341234") && !text.contains("小明") && !text.contains("联系"));
    }

    #[test]
    fn one_sided_entries_are_masked_whole_and_masking_is_idempotent() {
        let published = serde_json::json!({
            "is_published": true,
            "public_description": "张三 110101199001011234 电话 13812341234 反映路灯不亮",
            "contact": { "contact_name": "张三", "contact_phone": "+86 138 1234 1234" },
            "label": "身份证 11010119900101123X 的居民",
            "codes": ["2026-0001", "13812341234"],
        });
        let (old, new) = redact_change(None, Some(&published), "service_request/42");
        assert_eq!(old, None);
        let new = new.unwrap();
        assert_eq!(new["is_published"], true);
        assert_eq!(
            new["public_description"],
            serde_json::json!({ "see": "service_request/42" })
        );
        assert_eq!(new["contact"]["contact_name"], "张*");
        assert_eq!(new["contact"]["contact_phone"], "138****1234");
        assert_eq!(new["label"], "身份证 110***********123X 的居民");
        assert_eq!(
            new["codes"],
            serde_json::json!(["2026-0001", "138****1234"])
        );
        let (_, again) = redact_change(None, Some(&new), "service_request/42");
        assert_eq!(again.unwrap(), new, "masking twice changes nothing");
    }

    #[test]
    fn masks_keep_only_what_tells_entries_apart() {
        assert_eq!(mask_id_number("110101199001011234"), "110***********1234");
        assert_eq!(mask_id_number("123"), "****");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(" "), "");
        assert_eq!(
            mask_embedded("订单 2026-01-01 号 12345"),
            "订单 2026-01-01 号 12345"
        );
        assert_eq!(mask_embedded("tel13812341234"), "tel138****1234");
        assert_eq!(
            mask_embedded("138123412345"),
            "138123412345",
            "not a mobile"
        );
        assert_eq!(
            mask_embedded("13812341234ab"),
            "13812341234ab",
            "part of a code"
        );
    }
}
