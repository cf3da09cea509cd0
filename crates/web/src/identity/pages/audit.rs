//! The audit log (审计管理员): a filter form, the matching entries newest first with paging, and
//! a CSV download of every matching entry. The filter parsing and the CSV writer are shared with
//! the API (`/api/v1/audit`, `/api/v1/audit.csv`).

use crate::kernel::chrome::Chrome;
use crate::kernel::disposition::{CSV, download};
use crate::kernel::download::stamp;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{Choice, Pager, Params, page_request};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Days, NaiveDate, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::time::{format_local, shanghai};
use minxin_domain::{FieldProblem, Permission, Problem};
use minxin_storage::identity::audit::{Entry, Filter};
use minxin_storage::{PageRequest, Scoped, StoreError};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

/// The most rows one CSV download holds.
pub const EXPORT_CAP: u64 = 100_000;

/// The audit filters as typed, shared by the page, its CSV download and the API. Every field is
/// optional; dates are calendar days in Beijing time (UTC+8), both ends included.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First day to include, `YYYY-MM-DD` in Beijing time.
    from: Option<String>,
    /// Last day to include, `YYYY-MM-DD` in Beijing time.
    to: Option<String>,
    /// Exact user name of the actor.
    actor: Option<String>,
    /// Action code, e.g. `auth.sign_in`.
    action: Option<String>,
    /// Outcome code: `success`, `failure` or `denied`.
    outcome: Option<String>,
    /// Text contained in the target's label or the source address.
    q: Option<String>,
    /// Page number from 1.
    #[param(value_type = Option<u64>)]
    page: Option<String>,
    /// Rows per page (at most 200).
    #[param(value_type = Option<u64>)]
    per_page: Option<String>,
}

/// Midnight at the start of `day` in Beijing, as UTC.
fn beijing_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(shanghai())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn text(raw: &Option<String>) -> &str {
    raw.as_deref().map_or("", str::trim)
}

/// `None` for a blank value; otherwise what `parse` makes of it, with a problem on `field` when
/// it makes nothing.
fn parse_field<T>(
    field: &'static str,
    raw: &Option<String>,
    problems: &mut Vec<FieldProblem>,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let raw = text(raw);
    if raw.is_empty() {
        return None;
    }
    let parsed = parse(raw);
    if parsed.is_none() {
        problems.push(FieldProblem::new(field, Problem::Malformed));
    }
    parsed
}

impl AuditQuery {
    /// The filter the query describes, or what is wrong with it, by field.
    pub fn filter(&self) -> Result<Filter, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let day = |raw: &str| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
        let from = parse_field("from", &self.from, &mut problems, |raw| {
            day(raw).and_then(beijing_midnight)
        });
        let until = parse_field("to", &self.to, &mut problems, |raw| {
            day(raw)
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .and_then(beijing_midnight)
        });
        let action = parse_field("action", &self.action, &mut problems, |raw| {
            raw.parse().ok()
        });
        let outcome = parse_field("outcome", &self.outcome, &mut problems, |raw| {
            raw.parse().ok()
        });
        let words = |raw: &Option<String>| Some(text(raw).to_owned()).filter(|t| !t.is_empty());
        let filter = Filter {
            from,
            until,
            actor: words(&self.actor),
            action,
            outcome,
            text: words(&self.q),
        };
        if problems.is_empty() {
            Ok(filter)
        } else {
            Err(problems)
        }
    }

    /// The page asked for.
    pub fn page(&self) -> Result<PageRequest, Failure> {
        page_request(self.page.as_deref(), self.per_page.as_deref())
    }

    /// The filters as query pairs, without paging.
    fn pairs(&self) -> [(&'static str, &str); 6] {
        [
            ("from", text(&self.from)),
            ("to", text(&self.to)),
            ("actor", text(&self.actor)),
            ("action", text(&self.action)),
            ("outcome", text(&self.outcome)),
            ("q", text(&self.q)),
        ]
    }
}

/// The CSV columns; each is headed by the message `audit.col_<name>`.
const COLUMNS: [&str; 11] = [
    "id",
    "at",
    "actor",
    "address",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target",
    "before",
    "after",
];

/// Writes `entries` as CSV in `lang`: UTF-8 with a byte-order mark (so Excel reads Chinese
/// correctly), times in Beijing time, and cells that a spreadsheet would run as a formula
/// defused with a leading apostrophe.
pub fn csv_bytes(lang: Lang, entries: &[Entry]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(COLUMNS.iter().map(|c| lang.t(&format!("audit.col_{c}"))))?;
    for e in entries {
        out.write_record([
            e.id.to_string(),
            format_local(e.at),
            defuse(&e.actor_name),
            defuse(&e.address),
            action_name(lang, &e.action).to_owned(),
            outcome_name(lang, &e.outcome).to_owned(),
            defuse(&e.target_type),
            defuse(e.target_id.as_deref().unwrap_or("")),
            defuse(&e.target_label),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A cell that cannot start a spreadsheet formula (CSV injection).
pub(crate) fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The name of an action code in `lang`; an unknown code is shown as it is.
fn action_name(lang: Lang, code: &str) -> &'static str {
    lang.t(&format!("audit_action.{code}"))
}

/// The name of an outcome code in `lang`.
fn outcome_name(lang: Lang, code: &str) -> &'static str {
    lang.t(&format!("audit_outcome.{code}"))
}

/// Every entry matching `query` that `store`'s actor may read, up to [`EXPORT_CAP`], as a CSV
/// download; the page and the API both answer with this.
pub async fn export(
    store: &Scoped<'_>,
    lang: Lang,
    query: &AuditQuery,
) -> Result<Response, Failure> {
    let filter = query.filter().map_err(Failure::invalid)?;
    let entries = store.identity().audit_export(&filter, EXPORT_CAP).await?;
    let body = csv_bytes(lang, &entries).map_err(|e| {
        tracing::error!(error = %e, "CSV export failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })?;
    let name = format!("minxin-audit-{}.csv", stamp(store.now()));
    Ok(download(body, CSV, &name, &name))
}

/// The changes an entry records, one line per field: `field: before → after` where both sides
/// exist, otherwise the values on the side that does. The version counter is left out.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let shown = |v: Option<&Value>| {
        let full = match v {
            None | Some(Value::Null) => "—".to_owned(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        if full.chars().count() > 80 {
            format!("{}…", full.chars().take(80).collect::<String>())
        } else {
            full
        }
    };
    match (parse(before), parse(after)) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| *k != "version" && b.get(*k) != a.get(*k))
                .map(|k| format!("{k}: {} → {}", shown(b.get(k)), shown(a.get(k))))
                .collect()
        }
        (Some(Value::Object(one)), None) | (None, Some(Value::Object(one))) => one
            .iter()
            .filter(|(k, _)| *k != "version")
            .map(|(k, v)| format!("{k}: {}", shown(Some(v))))
            .collect(),
        (b, a) => [b, a].iter().flatten().map(|v| shown(Some(v))).collect(),
    }
}

/// An entry as a row of the results table.
struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    address: String,
    action: &'static str,
    outcome: &'static str,
    outcome_code: String,
    target: String,
    changes: Vec<String>,
    before: Option<String>,
    after: Option<String>,
}

impl AuditRow {
    fn new(lang: Lang, e: Entry) -> Self {
        let target = match &e.target_id {
            Some(id) => format!("{} #{id} {}", e.target_type, e.target_label),
            None => format!("{} {}", e.target_type, e.target_label),
        };
        AuditRow {
            id: e.id,
            at: format_local(e.at),
            action: action_name(lang, &e.action),
            outcome: outcome_name(lang, &e.outcome),
            changes: changes(e.before.as_deref(), e.after.as_deref()),
            target: target.trim().to_owned(),
            actor: e.actor_name,
            address: e.address,
            outcome_code: e.outcome,
            before: e.before,
            after: e.after,
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    errors: FormErrors,
    from: String,
    to: String,
    actor: String,
    q: String,
    actions: Vec<Choice>,
    outcomes: Vec<Choice>,
    rows: Vec<AuditRow>,
    /// Present when the filter was valid and the log was searched.
    pager: Option<Pager>,
    /// The CSV download of the same filter.
    csv_href: String,
    /// Whether more rows match than one download holds.
    capped: bool,
    cap: u64,
}

/// GET /audit
pub async fn show(staff: Staff, Params(query): Params<AuditQuery>) -> Result<Response, Failure> {
    let lang = staff.lang();
    let (rows, pager, errors) = match query.filter() {
        Ok(filter) => {
            let page = staff
                .store()
                .identity()
                .audit_log(&filter, query.page()?)
                .await?;
            let pager = Pager::new(lang, &page, "/audit", &query.pairs());
            let rows = page
                .items
                .into_iter()
                .map(|e| AuditRow::new(lang, e))
                .collect();
            (rows, Some(pager), FormErrors::default())
        }
        Err(problems) => {
            staff.permit(Permission::ReadAudit)?;
            let errors = FormErrors::from_store(lang, StoreError::Invalid(problems))?;
            (Vec::new(), None, errors)
        }
    };
    let pairs = query.pairs();
    let [from, to, actor, action, outcome, q] = pairs.map(|(_, v)| v.to_owned());
    html(&AuditPage {
        c: staff.chrome("/audit"),
        errors,
        actions: AuditAction::ALL
            .iter()
            .map(|a| Choice::new(a.code(), action_name(lang, a.code()), &action))
            .collect(),
        outcomes: AuditOutcome::ALL
            .iter()
            .map(|o| Choice::new(o.code(), outcome_name(lang, o.code()), &outcome))
            .collect(),
        capped: pager.as_ref().is_some_and(|p| p.total > EXPORT_CAP as i64),
        cap: EXPORT_CAP,
        csv_href: format!(
            "/audit.csv?{}",
            serde_urlencoded::to_string(
                pairs
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default()
        ),
        rows,
        pager,
        from,
        to,
        actor,
        q,
    })
}

/// GET /audit.csv
pub async fn csv(staff: Staff, Params(query): Params<AuditQuery>) -> Result<Response, Failure> {
    export(&staff.store(), staff.lang(), &query).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn query(pairs: &[(&str, &str)]) -> AuditQuery {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).unwrap()).unwrap()
    }

    #[test]
    fn days_are_beijing_days_with_both_ends_included() {
        let f = query(&[("from", "2026-03-01"), ("to", "2026-03-31")])
            .filter()
            .unwrap();
        assert_eq!(
            f.from,
            Some(Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap())
        );
        assert_eq!(
            f.until,
            Some(Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap())
        );
    }

    #[test]
    fn blank_fields_filter_nothing_and_bad_ones_are_named() {
        let f = query(&[("from", ""), ("actor", " "), ("q", " 示例 ")])
            .filter()
            .unwrap();
        assert!(f.from.is_none() && f.actor.is_none() && f.action.is_none());
        assert_eq!(f.text.as_deref(), Some("示例"));
        let f = query(&[("action", "account.create"), ("outcome", "denied")])
            .filter()
            .unwrap();
        assert_eq!(f.action, Some(AuditAction::AccountCreate));
        assert_eq!(f.outcome, Some(AuditOutcome::Denied));
        let problems = query(&[("from", "2026-13-01"), ("to", "yesterday"), ("action", "x")])
            .filter()
            .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["from", "to", "action"]);
    }

    fn entry(label: &str, before: Option<&str>, after: Option<&str>) -> Entry {
        Entry {
            id: 7,
            at: Utc.with_ymd_and_hms(2026, 12, 31, 16, 30, 0).unwrap(),
            actor_id: Some(1),
            actor_name: "sysadmin".into(),
            address: "127.0.0.1".into(),
            action: "region.update".into(),
            outcome: "success".into(),
            target_type: "region".into(),
            target_id: Some("3".into()),
            target_label: label.into(),
            before: before.map(Into::into),
            after: after.map(Into::into),
        }
    }

    #[test]
    fn csv_has_a_bom_local_times_names_and_no_formulas() {
        let bytes = csv_bytes(
            Lang::Zh,
            &[entry("=HYPERLINK(\"x\")", Some(r#"{"name":"甲"}"#), None)],
        )
        .unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with(Lang::Zh.t("audit.col_id")));
        let row = lines.next().unwrap();
        assert!(row.contains("2027-01-01 00:30:00"), "{row}");
        assert!(
            row.contains(Lang::Zh.t("audit_action.region.update")),
            "{row}"
        );
        assert!(row.contains("'=HYPERLINK"), "{row}");
        assert!(row.contains(r#"{""name"":""甲""}"#), "{row}");
    }

    #[test]
    fn changes_show_only_what_changed() {
        assert_eq!(
            changes(
                Some(r#"{"name":"甲","code":"1","version":1}"#),
                Some(r#"{"name":"乙","code":"1","version":2}"#)
            ),
            vec!["name: 甲 → 乙"]
        );
        assert_eq!(
            changes(None, Some(r#"{"roles":["office"]}"#)),
            vec![r#"roles: ["office"]"#]
        );
        assert_eq!(changes(None, None), Vec::<String>::new());
        assert_eq!(changes(Some("not json"), None), Vec::<String>::new());
    }

    #[test]
    fn every_code_has_a_name_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let mut keys: Vec<String> = AuditAction::ALL
                .iter()
                .map(|a| format!("audit_action.{}", a.code()))
                .chain(
                    AuditOutcome::ALL
                        .iter()
                        .map(|o| format!("audit_outcome.{}", o.code())),
                )
                .chain(
                    minxin_domain::Role::ALL
                        .iter()
                        .map(|r| format!("role.{}", r.code())),
                )
                .chain(
                    minxin_domain::org::region::RegionLevel::ALL
                        .iter()
                        .map(|l| format!("level.{}", l.code())),
                )
                .collect();
            keys.extend(COLUMNS.iter().map(|c| format!("audit.col_{c}")));
            for key in keys {
                assert_ne!(lang.t(&key), key, "missing {key}");
            }
        }
    }
}
