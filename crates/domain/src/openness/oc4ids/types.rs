//! The parts of an OC4IDS 0.9 project package that Minxin publishes, as serde types named
//! after the schema (`project-package-schema.json`, `project-schema.json`). Empty texts and
//! lists are left out rather than written empty, because the schema gives most of them
//! `minLength`/`minItems` 1.

use crate::kernel::money::Fen;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// A package of projects with who published it and when.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// Where this package is published.
    pub uri: String,
    /// The OC4IDS version, major.minor.
    pub version: &'static str,
    /// The last change to the contents, RFC 3339.
    pub published_date: String,
    /// The publisher.
    pub publisher: Publisher,
    /// The projects.
    pub projects: Vec<Project>,
}

/// The organisation responsible for publishing.
#[derive(Debug, Clone, Serialize)]
pub struct Publisher {
    /// Its name.
    pub name: String,
    /// A URI identifying it (the portal).
    pub uri: String,
}

/// One project.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Stable identifier: the configured prefix and the project code.
    pub id: String,
    /// When the project's data last changed, RFC 3339.
    pub updated: String,
    /// Language of the texts.
    pub language: &'static str,
    /// The project's name.
    pub title: String,
    /// What is built or provided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What it should achieve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// projectStatus code.
    pub status: &'static str,
    /// projectType code, when the category tells it.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// projectSector codes (parent code included with a subsector).
    pub sector: Vec<&'static str>,
    /// The lead unit.
    pub public_authority: OrganizationReference,
    /// Planned start and end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Actual start and end of the works.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation_period: Option<Period>,
    /// The budget, by funding source.
    pub budget: Budget,
    /// Where it is.
    pub locations: Vec<Location>,
    /// Units, contractors and funders.
    pub parties: Vec<Organization>,
    /// Planned and met milestones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// Disbursements and payments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<Transaction>,
    /// Contracts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracting_processes: Vec<ContractingProcess>,
}

/// An amount in 元 (written as an exact JSON number, see [`Yuan`]) with its currency.
#[derive(Debug, Clone, Serialize)]
pub struct Value {
    /// The amount.
    pub amount: Yuan,
    /// Always CNY.
    pub currency: &'static str,
}

impl Value {
    /// `fen` as a CNY value.
    pub fn cny(fen: Fen) -> Value {
        Value {
            amount: Yuan(fen),
            currency: "CNY",
        }
    }
}

/// Fen written as a JSON number of 元, exactly: the number's text is built from integer fen by
/// integer division (`123456` → `1234.56`) and emitted verbatim as a raw JSON number. Nothing
/// goes through `f64` on the way out, so no amount ever gains a rounding tail such as
/// `1234.5600000000001`; readers that parse JSON numbers as binary floats are on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yuan(pub Fen);

impl Serialize for Yuan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.yuan_plain()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// A period with optional ends, as RFC 3339 date-times.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

/// The budget with its breakdown by funding source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// The total planned budget.
    pub amount: Value,
    /// Breakdown groups (one: by funding source), left out when there are no budget lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budget_breakdowns: Vec<BudgetBreakdowns>,
}

/// A group of budget lines sharing one dimension.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetBreakdowns {
    /// Group id.
    pub id: &'static str,
    /// What the group breaks down by.
    pub description: &'static str,
    /// The lines.
    pub budget_breakdown: Vec<BudgetBreakdown>,
}

/// One budget line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetBreakdown {
    /// Line id (the funding source code).
    pub id: String,
    /// The funding source in words.
    pub description: String,
    /// The amount.
    pub amount: Value,
    /// The funder party.
    pub source_party: OrganizationReference,
}

/// A place: a GeoJSON point when the coordinates are known, and the address.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    /// Location id within the project.
    pub id: &'static str,
    /// The address in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
    /// The postal address.
    pub address: Address,
}

/// A GeoJSON geometry; Minxin only has points.
#[derive(Debug, Clone, Serialize)]
pub struct Geometry {
    /// Always "Point".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// [longitude, latitude] in WGS-84.
    pub coordinates: [Degrees; 2],
}

/// A coordinate in decimal degrees, written with at most six decimals (about 0.1 m), so the
/// float noise of stored values (`30.589000000000002`) does not reach the published data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Degrees(pub f64);

impl Serialize for Degrees {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = format!("{:.6}", self.0);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        let raw = RawValue::from_string(text.to_owned()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// A postal address.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Street and number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// The street or community (region) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Always 中国.
    pub country_name: &'static str,
}

/// A party to the project.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// Party id, referred to from elsewhere in the project.
    pub id: String,
    /// Name.
    pub name: String,
    /// Registered identifier (contractors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// partyRole codes.
    pub roles: Vec<&'static str>,
    /// Whom to contact (the accountable person of the lead unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<ContactPoint>,
}

/// A registered identifier of an organisation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    /// org-id.guide scheme of the unified social credit code.
    pub scheme: &'static str,
    /// The code.
    pub id: String,
    /// The registered name.
    pub legal_name: String,
}

/// A contact, by name only: phone numbers of people are personal data and are not published.
#[derive(Debug, Clone, Serialize)]
pub struct ContactPoint {
    /// The accountable person's name.
    pub name: String,
}

/// A reference to a party.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationReference {
    /// Party id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A milestone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    /// Milestone id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// milestoneType code.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Planned date.
    pub due_date: String,
    /// Actual date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_met: Option<String>,
    /// milestoneStatus code: met or scheduled.
    pub status: &'static str,
}

/// A disbursement or payment.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    /// Transaction id.
    pub id: String,
    /// When the money moved.
    pub date: String,
    /// How much (negative for a correction).
    pub value: Value,
    /// Who paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<OrganizationReference>,
    /// Who received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payee: Option<OrganizationReference>,
}

/// A contract, as a contracting process summary.
#[derive(Debug, Clone, Serialize)]
pub struct ContractingProcess {
    /// Process id.
    pub id: String,
    /// The summary.
    pub summary: ContractingProcessSummary,
}

/// What is known of a contract.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractingProcessSummary {
    /// What the contract is for.
    pub title: String,
    /// contractNature codes.
    pub nature: Vec<&'static str>,
    /// contractingProcessStatus code.
    pub status: &'static str,
    /// How it was procured.
    pub tender: Tender,
    /// The contractor.
    pub suppliers: Vec<OrganizationReference>,
    /// The contract amount.
    pub contract_value: Value,
    /// The contract period.
    pub contract_period: Period,
}

/// The procurement of a contract.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    /// method code (open, selective, limited, direct).
    pub procurement_method: &'static str,
    /// The Chinese procurement method.
    pub procurement_method_details: &'static str,
    /// The lead unit.
    pub procuring_entity: OrganizationReference,
}
