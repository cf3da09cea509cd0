//! `/projects/{id}/books`: a project's books (资金台账) — budget, approved, disbursed, paid and
//! remaining per funding source with the execution rate (支付进度), the contracts with what is
//! paid under each, and every money record with its corrections — and, for finance, the forms
//! to add a contract, record an approval / disbursement / payment and correct a record. Money
//! is typed in 元 and kept in fen; storage refuses overspending with the amounts in words.

use super::notice_of;
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Id, Input, optional_id, required_id, scoped};
use crate::projects::pages::{Redisplay, all_problems, optional_date, settle_on_page, source_name};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use minxin_domain::control::finance::{
    ContractInput, CorrectionInput, MoneyInput, MoneyKind, NewContract, NewCorrection, NewMoney,
    ProcurementMethod, ProjectMoney, execution_rate_bp,
};
use minxin_domain::control::light::percent_text;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{FieldProblem, Permission, Problem};
use minxin_storage::StoreError;
use minxin_storage::control::lights::today;
use minxin_storage::control::money::{Books, Contract, MoneyEntry};
use minxin_storage::projects::Project;
use serde::Deserialize;

/// An amount in 元 as typed: blank is required, anything else parsed by [`Fen::parse_yuan`].
fn yuan(field: &'static str, raw: &str, problems: &mut Vec<FieldProblem>) -> Option<Fen> {
    if raw.trim().is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
        return None;
    }
    Fen::parse_yuan(raw)
        .map_err(|p| problems.push(FieldProblem::new(field, p)))
        .ok()
}

/// A required date as typed.
fn date(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<chrono::NaiveDate> {
    if raw.trim().is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
        return None;
    }
    optional_date(field, raw, problems)
}

/// The contract form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContractForm {
    method: String,
    contractor: String,
    credit_code: String,
    amount: String,
    signed_on: String,
    starts_on: String,
    ends_on: String,
}

impl ContractForm {
    fn input(&self) -> Result<NewContract, StoreError> {
        let mut p = Vec::new();
        let input = ContractInput {
            method: self.method.clone(),
            contractor: self.contractor.clone(),
            credit_code: self.credit_code.clone(),
            amount_fen: yuan("amount", &self.amount, &mut p).map(|f| f.0),
            signed_on: date("signed_on", &self.signed_on, &mut p),
            starts_on: date("starts_on", &self.starts_on, &mut p),
            ends_on: date("ends_on", &self.ends_on, &mut p),
        };
        all_problems(p, input.parse())
    }
}

/// The money form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoneyForm {
    kind: String,
    source: String,
    amount: String,
    contract_id: String,
    occurred_on: String,
    note: String,
}

impl MoneyForm {
    fn blank(today: chrono::NaiveDate) -> Self {
        MoneyForm {
            occurred_on: today.to_string(),
            ..MoneyForm::default()
        }
    }

    fn input(&self) -> Result<NewMoney, StoreError> {
        let mut p = Vec::new();
        let input = MoneyInput {
            kind: self.kind.clone(),
            source: self.source.clone(),
            amount_fen: yuan("amount_fen", &self.amount, &mut p).map_or(0, |f| f.0),
            contract_id: optional_id("contract_id", &self.contract_id, &mut p),
            occurred_on: date("occurred_on", &self.occurred_on, &mut p),
            note: self.note.clone(),
        };
        all_problems(p, input.parse())
    }
}

/// The correction form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    record: String,
    amount: String,
    reason: String,
    occurred_on: String,
}

impl CorrectionForm {
    fn blank(today: chrono::NaiveDate) -> Self {
        CorrectionForm {
            occurred_on: today.to_string(),
            ..CorrectionForm::default()
        }
    }

    fn input(&self) -> Result<(i64, NewCorrection), StoreError> {
        let mut p = Vec::new();
        let record = required_id("record", &self.record, &mut p);
        let input = CorrectionInput {
            amount_fen: yuan("amount_fen", &self.amount, &mut p).map_or(0, |f| f.0),
            reason: self.reason.clone(),
            occurred_on: date("occurred_on", &self.occurred_on, &mut p),
        };
        all_problems(p, input.parse()).map(|input| (record, input))
    }
}

/// One funding source's line (or the total) of the summary.
pub struct SummaryRow {
    /// The source's name, or 合计.
    pub source: &'static str,
    /// Budget, approved, disbursed, paid and remaining, in 万元.
    pub amounts: [String; 5],
    /// The same in 元, for the cells' titles.
    pub exact: [String; 5],
    /// Paid against budget, e.g. `37.5%`; blank without a budget.
    pub rate: String,
}

impl SummaryRow {
    fn of(source: &'static str, amounts: [Fen; 5]) -> Self {
        SummaryRow {
            source,
            amounts: amounts.map(Fen::wan_text),
            exact: amounts.map(Fen::yuan_text),
            rate: execution_rate_bp(amounts[0], amounts[3])
                .map(|bp| format!("{}%", percent_text(bp)))
                .unwrap_or_default(),
        }
    }
}

/// The summary of a project's books as rows: one per funding source, and the total (also on
/// the public project page).
pub fn summary_rows(lang: Lang, money: &ProjectMoney) -> (Vec<SummaryRow>, SummaryRow) {
    let t = money.total;
    let rows = money
        .per_source
        .iter()
        .map(|l| {
            SummaryRow::of(
                source_name(lang, l.source),
                [l.budget, l.approved, l.disbursed, l.paid, l.remaining],
            )
        })
        .collect();
    let total = SummaryRow::of(
        lang.t("books.total"),
        [t.budget, t.approved, t.disbursed, t.paid, t.remaining],
    );
    (rows, total)
}

/// A contract as a row.
pub struct ContractRow {
    /// Id.
    pub id: i64,
    /// The procurement method in words.
    pub method: &'static str,
    /// Contractor.
    pub contractor: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Amount in 元.
    pub amount: String,
    /// Paid so far in 元.
    pub paid: String,
    /// Signing date.
    pub signed_on: String,
    /// Contract period.
    pub period: String,
}

/// A money record as a row.
pub struct RecordRow {
    /// Id.
    pub id: i64,
    /// Kind in words.
    pub kind: &'static str,
    /// Funding source in words.
    pub source: &'static str,
    /// Amount in 元 (negative for a correction).
    pub amount: String,
    /// The contractor of a payment's contract.
    pub contract: String,
    /// When.
    pub occurred_on: String,
    /// Note, or a correction's reason.
    pub note: String,
    /// Who recorded it.
    pub who: String,
    /// The record a correction reverses.
    pub reverses: Option<i64>,
    /// The corrections of this record, by id.
    pub corrected_by: Vec<i64>,
}

#[derive(Template)]
#[template(path = "project_books.html")]
struct BooksPage {
    c: Chrome,
    errors: FormErrors,
    p: Project,
    summary: Vec<SummaryRow>,
    total: SummaryRow,
    contracts: Vec<ContractRow>,
    records: Vec<RecordRow>,
    finance: bool,
    contract_form: ContractForm,
    money_form: MoneyForm,
    correction_form: CorrectionForm,
    methods: Vec<Choice>,
    kinds: Vec<Choice>,
    sources: Vec<Choice>,
    contract_choices: Vec<Choice>,
    record_choices: Vec<Choice>,
}

/// What the page shows again after a refused form.
#[derive(Default)]
pub(super) struct Again {
    errors: FormErrors,
    contract: Option<ContractForm>,
    money: Option<MoneyForm>,
    correction: Option<CorrectionForm>,
}

fn kind_name(lang: Lang, code: &str) -> &'static str {
    lang.t(&format!("books.kinds.{code}"))
}

fn source_of(lang: Lang, code: &str) -> &'static str {
    code.parse::<FundingSource>()
        .map_or("", |s| source_name(lang, s))
}

fn record_rows(lang: Lang, books: &Books) -> Vec<RecordRow> {
    let contractor = |id: Option<i64>| {
        id.and_then(|id| books.contracts.iter().find(|c| c.id == id))
            .map(|c| c.contractor.clone())
            .unwrap_or_default()
    };
    books
        .records
        .iter()
        .map(|r: &MoneyEntry| RecordRow {
            id: r.id,
            kind: kind_name(lang, &r.kind),
            source: source_of(lang, &r.source),
            amount: Fen(r.amount_fen).yuan_text(),
            contract: contractor(r.contract_id),
            occurred_on: r.occurred_on.to_string(),
            note: r.note.clone(),
            who: r.created_by_name.clone(),
            reverses: r.reverses,
            corrected_by: books
                .records
                .iter()
                .filter(|c| c.reverses == Some(r.id))
                .map(|c| c.id)
                .collect(),
        })
        .collect()
}

fn contract_row(lang: Lang, c: &Contract) -> ContractRow {
    ContractRow {
        id: c.id,
        method: lang.t(&format!("books.methods.{}", c.method)),
        contractor: c.contractor.clone(),
        credit_code: c.credit_code.clone(),
        amount: Fen(c.amount_fen).yuan_text(),
        paid: Fen(c.paid_fen).yuan_text(),
        signed_on: c.signed_on.to_string(),
        period: format!("{} – {}", c.starts_on, c.ends_on),
    }
}

impl Redisplay for Again {
    const BELOW: &'static str = "/books";

    fn errors(&mut self) -> &mut FormErrors {
        &mut self.errors
    }

    fn notice(value: Option<&str>) -> Option<&'static str> {
        notice_of(value)
    }

    /// The books page, with `self` filled in after a refused form.
    async fn page(
        self,
        state: &AppState,
        s: &Signed,
        id: i64,
        notice: Option<&'static str>,
    ) -> Result<Response, Failure> {
        let again = self;
        let lang = s.client.lang;
        let store = scoped(state, s);
        let p = store.projects().get(id).await?;
        let books = store.control().books(id).await?;
        let contract_form = again.contract.unwrap_or_default();
        let today = today(state.clock.now());
        let money_form = again.money.unwrap_or_else(|| MoneyForm::blank(today));
        let correction_form = again
            .correction
            .unwrap_or_else(|| CorrectionForm::blank(today));
        let (summary, total) = summary_rows(lang, &books.summary);
        let page = BooksPage {
            c: Chrome::signed(state, s, &format!("/projects/{id}")).with_notice(notice),
            errors: again.errors,
            summary,
            total,
            contracts: books
                .contracts
                .iter()
                .map(|c| contract_row(lang, c))
                .collect(),
            records: record_rows(lang, &books),
            finance: s.session.actor.may(Permission::RecordMoney),
            methods: ProcurementMethod::ALL
                .iter()
                .map(|m| {
                    Choice::new(
                        m.code(),
                        lang.t(&format!("books.methods.{}", m.code())),
                        &contract_form.method,
                    )
                })
                .collect(),
            kinds: MoneyKind::ALL
                .iter()
                .map(|k| Choice::new(k.code(), kind_name(lang, k.code()), &money_form.kind))
                .collect(),
            sources: FundingSource::ALL
                .iter()
                .map(|src| Choice::new(src.code(), source_name(lang, *src), &money_form.source))
                .collect(),
            contract_choices: books
                .contracts
                .iter()
                .map(|c| {
                    Choice::new(
                        c.id,
                        format!(
                            "{}（{} {}）",
                            c.contractor,
                            Fen(c.amount_fen).yuan_text(),
                            lang.t("books.yuan")
                        ),
                        &money_form.contract_id,
                    )
                })
                .collect(),
            record_choices: books
                .records
                .iter()
                .filter(|r| r.reverses.is_none())
                .map(|r| {
                    Choice::new(
                        r.id,
                        format!(
                            "#{} {} {} {} {} {}",
                            r.id,
                            r.occurred_on,
                            kind_name(lang, &r.kind),
                            source_of(lang, &r.source),
                            Fen(r.amount_fen).yuan_text(),
                            lang.t("books.yuan")
                        ),
                        &correction_form.record,
                    )
                })
                .collect(),
            contract_form,
            money_form,
            correction_form,
            p,
        };
        html(&page)
    }
}

/// POST /projects/{id}/books/contracts
pub async fn add_contract(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<ContractForm>,
) -> Result<Response, Failure> {
    scoped(&state, &s).require(Permission::RecordMoney).await?;
    let result = match form.input() {
        Ok(input) => scoped(&state, &s).control().add_contract(id, &input).await,
        Err(e) => Err(e),
    };
    let again = Again {
        contract: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "contract", "ct_", again).await
}

/// POST /projects/{id}/books/money
pub async fn record(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<MoneyForm>,
) -> Result<Response, Failure> {
    scoped(&state, &s).require(Permission::RecordMoney).await?;
    let result = match form.input() {
        Ok(input) => scoped(&state, &s).control().record_money(id, &input).await,
        Err(e) => Err(e),
    };
    let again = Again {
        money: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "money", "mn_", again).await
}

/// POST /projects/{id}/books/corrections
pub async fn correct(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<CorrectionForm>,
) -> Result<Response, Failure> {
    scoped(&state, &s).require(Permission::RecordMoney).await?;
    let result = match form.input() {
        Ok((record, input)) => {
            scoped(&state, &s)
                .control()
                .correct_money(id, record, &input)
                .await
        }
        Err(e) => Err(e),
    };
    let again = Again {
        correction: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "corrected", "co_", again).await
}
