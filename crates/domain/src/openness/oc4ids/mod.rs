//! Open data in OC4IDS 0.9 (Open Contracting for Infrastructure Data Standard, SPEC §9): the
//! facts of a public project, as plain input types, mapped to an OC4IDS project and gathered
//! into a project package. Only what a public page may show goes in — no phone number, no
//! account name, no internal note — so the export cannot carry more than the portal.

pub mod codes;
pub mod types;

use crate::control::finance::{MoneyKind, ProcurementMethod};
use crate::kernel::money::Fen;
use crate::kernel::time::shanghai;
use crate::projects::project::{FundingSource, Hold, Stage};
use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use types::{
    Address, Budget, BudgetBreakdown, BudgetBreakdowns, ContactPoint, ContractingProcess,
    ContractingProcessSummary, Degrees, Geometry, Identifier, Location, Milestone, Organization,
    OrganizationReference, Package, Period, Project, Publisher, Tender, Transaction, Value,
};

/// The OC4IDS version the package follows (major.minor, as the package schema wants it).
pub const VERSION: &str = "0.9";

/// The default prefix of project ids: stable, and unlikely to collide with other publishers'
/// ids when packages are combined. Deployments may choose their own.
pub const DEFAULT_ID_PREFIX: &str = "oc4ids-minxin-";

/// Who publishes, where, and how project ids are formed.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The portal's base URL without a trailing slash, e.g. `https://mx.example.gov.cn`.
    pub base_url: String,
    /// The publisher's name (the project office).
    pub publisher: String,
    /// Prefix of project ids, see [`DEFAULT_ID_PREFIX`].
    pub id_prefix: String,
}

impl Publication {
    /// The package's identifying URI: where the package of all public projects is served.
    pub fn package_uri(&self) -> String {
        format!("{}/open-data/oc4ids.json", self.base_url)
    }
}

/// A government unit (lead or partner department) by id and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Id in Minxin.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A money record of a project (corrections have negative amounts).
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyFact {
    /// Id in Minxin.
    pub id: i64,
    /// Approval, disbursement or payment.
    pub kind: MoneyKind,
    /// Funding source.
    pub source: FundingSource,
    /// Amount.
    pub amount: Fen,
    /// The contract a payment was made under.
    pub contract_id: Option<i64>,
    /// When the money moved.
    pub occurred_on: NaiveDate,
}

/// A contract of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractFact {
    /// Id in Minxin.
    pub id: i64,
    /// Procurement method, if known.
    pub method: Option<ProcurementMethod>,
    /// The contractor's registered name.
    pub contractor: String,
    /// The contractor's unified social credit code.
    pub credit_code: String,
    /// Contract amount.
    pub amount: Fen,
    /// Contract period start.
    pub starts_on: NaiveDate,
    /// Contract period end.
    pub ends_on: NaiveDate,
}

/// A milestone of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFact {
    /// Id in Minxin.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Planned date.
    pub planned: NaiveDate,
    /// Actual date, once met.
    pub actual: Option<NaiveDate>,
}

/// Everything the export needs of one public project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFacts {
    /// Project code (项目编号).
    pub code: String,
    /// Name.
    pub name: String,
    /// What is built or provided.
    pub description: String,
    /// What it should achieve.
    pub goals: String,
    /// Category code, e.g. `public_service.elderly`.
    pub category_code: String,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Running, suspended or cancelled.
    pub hold: Hold,
    /// Street or community name.
    pub region_name: String,
    /// Street address.
    pub address: String,
    /// Latitude, WGS-84.
    pub latitude: Option<f64>,
    /// Longitude, WGS-84.
    pub longitude: Option<f64>,
    /// The lead unit.
    pub lead: Unit,
    /// Partner units.
    pub partners: Vec<Unit>,
    /// The accountable person's name (public; the phone is not).
    pub owner_name: String,
    /// Planned start.
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    pub planned_end: Option<NaiveDate>,
    /// Actual start.
    pub actual_start: Option<NaiveDate>,
    /// Actual end.
    pub actual_end: Option<NaiveDate>,
    /// Budget lines by source.
    pub budget: Vec<(FundingSource, Fen)>,
    /// Money records, oldest first.
    pub money: Vec<MoneyFact>,
    /// Contracts, oldest first.
    pub contracts: Vec<ContractFact>,
    /// Milestones, in plan order.
    pub milestones: Vec<MilestoneFact>,
    /// When anything about the project last changed.
    pub updated: DateTime<Utc>,
}

/// A date as an RFC 3339 date-time at the start of the day in Beijing.
fn date_time(date: NaiveDate) -> String {
    date.and_time(NaiveTime::MIN)
        .and_local_timezone(shanghai())
        .single()
        .map_or_else(|| date.to_string(), |t| t.to_rfc3339())
}

/// A moment as RFC 3339 in Beijing time, to the second.
pub fn moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn period(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<Period> {
    (start.is_some() || end.is_some()).then(|| Period {
        start_date: start.map(date_time),
        end_date: end.map(date_time),
    })
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn unit_ref(unit: &Unit) -> OrganizationReference {
    OrganizationReference {
        id: format!("unit-{}", unit.id),
        name: unit.name.clone(),
    }
}

fn funder_ref(source: FundingSource) -> OrganizationReference {
    OrganizationReference {
        id: format!("funder-{}", source.code()),
        name: codes::funder_name(source).to_owned(),
    }
}

fn contractor_ref(contract: &ContractFact) -> OrganizationReference {
    let key = if contract.credit_code.is_empty() {
        format!("contract-{}", contract.id)
    } else {
        contract.credit_code.clone()
    };
    OrganizationReference {
        id: format!("contractor-{key}"),
        name: contract.contractor.clone(),
    }
}

/// The parties: the lead unit (public authority and buyer, with the accountable person as
/// contact), partner units, each contractor once, and a funder per funding source used.
fn parties(p: &ProjectFacts) -> Vec<Organization> {
    let unit = |u: &Unit, roles: Vec<&'static str>, contact: Option<ContactPoint>| {
        let r = unit_ref(u);
        Organization {
            id: r.id,
            name: r.name,
            identifier: None,
            roles,
            contact_point: contact,
        }
    };
    let contact = text(&p.owner_name).map(|name| ContactPoint { name });
    let mut out = vec![unit(&p.lead, vec!["publicAuthority", "buyer"], contact)];
    for partner in p.partners.iter().filter(|u| u.id != p.lead.id) {
        out.push(unit(partner, vec!["interestedParty"], None));
    }
    for c in &p.contracts {
        let r = contractor_ref(c);
        if out.iter().any(|o| o.id == r.id) {
            continue;
        }
        out.push(Organization {
            identifier: (!c.credit_code.is_empty()).then(|| Identifier {
                // org-id.guide's scheme for China's register of enterprises, which issues the
                // unified social credit code.
                scheme: "CN-SAIC",
                id: c.credit_code.clone(),
                legal_name: c.contractor.clone(),
            }),
            id: r.id,
            name: r.name,
            roles: vec!["supplier", "payee"],
            contact_point: None,
        });
    }
    for source in FundingSource::ALL {
        let used = p.budget.iter().any(|(s, _)| s == source)
            || p.money.iter().any(|m| m.source == *source);
        if used {
            let r = funder_ref(*source);
            out.push(Organization {
                id: r.id,
                name: r.name,
                identifier: None,
                roles: vec!["funder"],
                contact_point: None,
            });
        }
    }
    out
}

fn budget(p: &ProjectFacts) -> Budget {
    let total = p.budget.iter().fold(Fen::ZERO, |sum, (_, f)| sum.plus(*f));
    let lines: Vec<BudgetBreakdown> = FundingSource::ALL
        .iter()
        .filter_map(|source| {
            let amount = p
                .budget
                .iter()
                .filter(|(s, _)| s == source)
                .fold(None, |sum: Option<Fen>, (_, f)| {
                    Some(sum.unwrap_or(Fen::ZERO).plus(*f))
                })?;
            Some(BudgetBreakdown {
                id: source.code().to_owned(),
                description: codes::funder_name(*source).to_owned(),
                amount: Value::cny(amount),
                source_party: funder_ref(*source),
            })
        })
        .collect();
    Budget {
        amount: Value::cny(total),
        budget_breakdowns: if lines.is_empty() {
            Vec::new()
        } else {
            vec![BudgetBreakdowns {
                id: "fundingSource",
                description: "按资金来源",
                budget_breakdown: lines,
            }]
        },
    }
}

fn location(p: &ProjectFacts) -> Location {
    Location {
        id: "1",
        description: text(&p.address),
        geometry: match (p.longitude, p.latitude) {
            (Some(lon), Some(lat)) => Some(Geometry {
                kind: "Point",
                coordinates: [Degrees(lon), Degrees(lat)],
            }),
            _ => None,
        },
        address: Address {
            street_address: text(&p.address),
            locality: text(&p.region_name),
            country_name: "中国",
        },
    }
}

/// Disbursements go from the funder to the lead unit, payments from the lead unit to the
/// contractor; approvals are budget decisions, not transactions, and stay in the budget.
fn transactions(p: &ProjectFacts) -> Vec<Transaction> {
    p.money
        .iter()
        .filter_map(|m| {
            let (payer, payee) = match m.kind {
                MoneyKind::Approval => return None,
                MoneyKind::Disbursement => (Some(funder_ref(m.source)), Some(unit_ref(&p.lead))),
                MoneyKind::Payment => (
                    Some(unit_ref(&p.lead)),
                    m.contract_id
                        .and_then(|id| p.contracts.iter().find(|c| c.id == id))
                        .map(contractor_ref),
                ),
            };
            Some(Transaction {
                id: format!("{}-{}", m.kind.code(), m.id),
                date: date_time(m.occurred_on),
                value: Value::cny(m.amount),
                payer,
                payee,
            })
        })
        .collect()
}

fn contracting_processes(p: &ProjectFacts) -> Vec<ContractingProcess> {
    let closed = p.stage >= Stage::Acceptance || p.hold == Hold::Cancelled;
    p.contracts
        .iter()
        .map(|c| {
            let (method, details) =
                codes::procurement(c.method.unwrap_or(ProcurementMethod::Other));
            ContractingProcess {
                id: format!("contract-{}", c.id),
                summary: ContractingProcessSummary {
                    title: format!("{}（{}）", p.name, c.contractor),
                    nature: vec!["construction"],
                    status: if closed { "closed" } else { "active" },
                    tender: Tender {
                        procurement_method: method,
                        procurement_method_details: details,
                        procuring_entity: unit_ref(&p.lead),
                    },
                    suppliers: vec![contractor_ref(c)],
                    contract_value: Value::cny(c.amount),
                    contract_period: Period {
                        start_date: Some(date_time(c.starts_on)),
                        end_date: Some(date_time(c.ends_on)),
                    },
                },
            }
        })
        .collect()
}

/// One public project as OC4IDS; its id is `prefix + code`, stable for the project's life.
pub fn project(p: &ProjectFacts, publication: &Publication) -> Project {
    Project {
        id: format!("{}{}", publication.id_prefix, p.code),
        updated: moment(p.updated),
        language: "zh",
        title: p.name.clone(),
        description: text(&p.description),
        purpose: text(&p.goals),
        status: codes::status(p.stage, p.hold),
        kind: codes::project_type(&p.category_code),
        sector: codes::sectors(&p.category_code),
        public_authority: unit_ref(&p.lead),
        period: period(p.planned_start, p.planned_end),
        implementation_period: period(p.actual_start, p.actual_end),
        budget: budget(p),
        locations: vec![location(p)],
        parties: parties(p),
        milestones: p
            .milestones
            .iter()
            .map(|m| Milestone {
                id: format!("milestone-{}", m.id),
                title: m.name.clone(),
                kind: "delivery",
                due_date: date_time(m.planned),
                date_met: m.actual.map(date_time),
                status: if m.actual.is_some() {
                    "met"
                } else {
                    "scheduled"
                },
            })
            .collect(),
        transactions: transactions(p),
        contracting_processes: contracting_processes(p),
    }
}

/// The publisher block of a package.
fn publisher(publication: &Publication) -> Publisher {
    Publisher {
        name: publication.publisher.clone(),
        uri: format!("{}/", publication.base_url),
    }
}

/// A package of `projects`, published as of their latest change (the package is generated on
/// demand, so the schema asks for the date of the last change to its contents).
pub fn package(projects: &[ProjectFacts], uri: String, publication: &Publication) -> Package {
    let latest = projects.iter().map(|p| p.updated).max();
    Package {
        uri,
        version: VERSION,
        published_date: latest.map_or_else(String::new, moment),
        publisher: publisher(publication),
        projects: projects.iter().map(|p| project(p, publication)).collect(),
    }
}

/// The opening of a package written piece by piece (for packages too large to hold in memory):
/// `{…, "projects":[`, then projects separated by commas, then [`stream_close`]. The keys are
/// those of [`package`]; only their order differs, so the published date can come last, once
/// every project has been seen.
pub fn stream_open(publication: &Publication) -> String {
    let head = serde_json::json!({
        "uri": publication.package_uri(),
        "version": VERSION,
        "publisher": publisher(publication),
    });
    let mut text = head.to_string();
    text.pop(); // the closing brace; the object goes on
    text.push_str(",\"projects\":[");
    text
}

/// The end of a streamed package: closes the project list and adds the published date.
pub fn stream_close(latest: Option<DateTime<Utc>>) -> String {
    let date = serde_json::Value::String(latest.map_or_else(String::new, moment));
    format!("],\"publishedDate\":{date}}}")
}

#[cfg(test)]
mod tests;
