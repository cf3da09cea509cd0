//! Set-ups and checks that several storage test modules share: the problems a refused write
//! carries, money recorded in one line, and the audit log as the city-wide auditor reads it.
//! (The fixture itself is `minxin_storage::testing`; this is only what the tests repeat.)

use minxin_domain::Problem;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::refusal::Refusal;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::control::money::{MoneyEntry, MoneyInput};
use minxin_storage::identity::audit::{Entry, Filter};
use minxin_storage::testing::Fixture;
use minxin_storage::{Page, PageRequest, Scoped, StoreError};

/// The budget of the project inputs the registry and import suites check field by field:
/// 1,234,567.89 元 from the county and 50,000 元 from residents.
pub const BUDGET: [(FundingSource, i64); 2] = [
    (FundingSource::County, 123_456_789),
    (FundingSource::Residents, 5_000_000),
];

/// Every field's problem of an `Invalid` error, by field name.
pub fn problems(e: StoreError) -> Vec<(&'static str, Problem)> {
    match e {
        StoreError::Invalid(p) => p.into_iter().map(|f| (f.field, f.problem)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// The problem of the first field of an `Invalid` error: what a refused write says.
pub fn refusal(e: StoreError) -> Problem {
    match e {
        StoreError::Invalid(mut p) => p.remove(0).problem,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The refusal of context type `T` that `e` carries.
pub fn refusal_of<T: Refusal + Clone>(e: StoreError) -> T {
    let problem = refusal(e);
    match &problem {
        Problem::Refused(refused) => refused.get::<T>().cloned(),
        _ => None,
    }
    .unwrap_or_else(|| panic!("expected another refusal, got {problem:?}"))
}

/// Records `input` in project `id`'s books as `s`'s caller.
pub async fn record(s: &Scoped<'_>, id: i64, input: MoneyInput) -> Result<MoneyEntry, StoreError> {
    s.control().record_money(id, &input.parse().unwrap()).await
}

/// Records every one of `inputs` in project `id`'s books; each must pass.
pub async fn record_all(s: &Scoped<'_>, id: i64, inputs: impl IntoIterator<Item = MoneyInput>) {
    for input in inputs {
        record(s, id, input).await.expect("the record passes");
    }
}

/// The first page of the audit log's entries of `action`, as the city-wide auditor sees it.
pub async fn audited(f: &Fixture, action: AuditAction) -> Page<Entry> {
    let auditor = f.actor("auditor").await;
    f.store
        .scoped(&auditor, "t")
        .identity()
        .audit_log(&of(action), PageRequest::default())
        .await
        .expect("the auditor reads the audit log")
}

/// The audit log's entries of `action`, at most `limit`, as the city-wide auditor exports them.
pub async fn exported(f: &Fixture, action: AuditAction, limit: u64) -> Vec<Entry> {
    let auditor = f.actor("auditor").await;
    f.store
        .scoped(&auditor, "t")
        .identity()
        .audit_export(&of(action), limit)
        .await
        .expect("the auditor exports the audit log")
}

/// The audit log's filter for entries of `action`.
fn of(action: AuditAction) -> Filter {
    Filter {
        action: Some(action),
        ..Filter::default()
    }
}

/// Whether `r` failed as `NotFound`: a record that does not exist or is outside the scope.
pub fn not_found<T>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

/// Whether `r` failed as `Forbidden`: the caller's roles do not allow the call.
pub fn forbidden<T>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Forbidden))
}
