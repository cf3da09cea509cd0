//! A project's registry fields, parsed once at the edge: [`ProjectInput`] is the raw shape the
//! API receives and the form and the importer fill in, [`ProjectInput::parse`] the one parse
//! that turns it into a [`ProjectDraft`] of valid values or returns every field's problems at
//! once. Storage takes only drafts and checks what needs the database (codes taken, regions,
//! departments, categories and managers in scope).

use crate::kernel::geo::Coordinates;
use crate::kernel::phone::PhoneNumber;
use crate::kernel::problem::{FieldProblem, Problem, attach};
use crate::kernel::time::Period;
use crate::projects::code::ProjectCode;
use crate::projects::fields::{
    Address, Beneficiaries, Budget, Description, Goals, OwnerName, PlanYear, ProjectName,
};
use crate::projects::project::FundingSource;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every registry field of a project as received, before any rule is applied.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProjectInput {
    /// Project code; empty to generate the next one of the year.
    #[serde(default)]
    pub code: String,
    /// Name.
    pub name: String,
    /// Subcategory id.
    pub category_id: i64,
    /// Plan year.
    pub year: i32,
    /// Street or community.
    pub region_id: i64,
    /// Lead department.
    pub lead_department_id: i64,
    /// Partner departments.
    #[serde(default)]
    pub partner_department_ids: Vec<i64>,
    /// Accountable person.
    pub owner_name: String,
    /// Owner's phone.
    pub owner_phone: String,
    /// The office line published instead of the owner's masked phone (公开联系电话): a phone
    /// number (digits, `-`, `+`), or empty to show the owner's phone masked.
    #[serde(default)]
    pub public_phone: String,
    /// Project manager account.
    #[serde(default)]
    pub manager_id: Option<i64>,
    /// Latitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Planned start.
    #[serde(default)]
    pub planned_start: Option<NaiveDate>,
    /// Planned end.
    #[serde(default)]
    pub planned_end: Option<NaiveDate>,
    /// Budget in fen by funding source code (central, provincial, municipal, county, social,
    /// residents).
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, i64>)]
    pub budget: BTreeMap<FundingSource, i64>,
    /// People who benefit.
    #[serde(default)]
    pub beneficiaries: Option<i64>,
    /// What is built or provided.
    #[serde(default)]
    pub description: String,
    /// What it should achieve.
    #[serde(default)]
    pub goals: String,
    /// Whether the public portal shows it.
    #[serde(default)]
    pub is_public: bool,
}

/// Every registry field of a project, each a value its rules accept. The ids are what the
/// caller chose; whether they exist and are in the caller's scope only storage can tell.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDraft {
    /// The edited code; `None` generates the next one of the year (or keeps it on an edit).
    pub code: Option<ProjectCode>,
    /// Name.
    pub name: ProjectName,
    /// Subcategory id.
    pub category_id: i64,
    /// Plan year.
    pub year: PlanYear,
    /// Street or community.
    pub region_id: i64,
    /// Lead department.
    pub lead_department_id: i64,
    /// Partner departments, as chosen.
    pub partner_department_ids: Vec<i64>,
    /// Accountable person.
    pub owner_name: OwnerName,
    /// Owner's phone.
    pub owner_phone: PhoneNumber,
    /// The published office line; `None` shows the owner's phone masked.
    pub public_phone: Option<PhoneNumber>,
    /// Project manager account.
    pub manager_id: Option<i64>,
    /// Where it is, if given.
    pub location: Option<Coordinates>,
    /// Street address.
    pub address: Address,
    /// Planned start and end.
    pub planned: Period,
    /// Planned money by funding source.
    pub budget: Budget,
    /// People who benefit.
    pub beneficiaries: Option<Beneficiaries>,
    /// What is built or provided.
    pub description: Description,
    /// What it should achieve.
    pub goals: Goals,
    /// Whether the public portal shows it.
    pub is_public: bool,
}

/// A rule that yields one problem, as a parse result [`attach`] files.
fn one<T>(parsed: Result<T, Problem>) -> Result<T, Vec<Problem>> {
    parsed.map_err(|p| vec![p])
}

/// The location of a latitude and longitude given together, or of neither. Only one of them
/// is a missing longitude (the form names that field); a point off the globe is a malformed
/// latitude.
fn location(
    lat: Option<f64>,
    lon: Option<f64>,
    problems: &mut Vec<FieldProblem>,
) -> Option<Coordinates> {
    match (lat, lon) {
        (Some(lat), Some(lon)) => attach("latitude", one(Coordinates::new(lat, lon)), problems),
        (None, None) => None,
        _ => {
            problems.push(FieldProblem::new("longitude", Problem::Required));
            None
        }
    }
}

impl ProjectInput {
    /// Parses every field: the draft, or every problem found, each on its field.
    pub fn parse(&self) -> Result<ProjectDraft, Vec<FieldProblem>> {
        let mut p = Vec::new();
        let name = attach("name", ProjectName::required(&self.name), &mut p);
        let owner_name = attach("owner_name", OwnerName::required(&self.owner_name), &mut p);
        let owner_phone = attach("owner_phone", PhoneNumber::parse(&self.owner_phone), &mut p);
        let public_phone = attach(
            "public_phone",
            PhoneNumber::optional(&self.public_phone),
            &mut p,
        );
        let address = attach("address", Address::optional(&self.address), &mut p);
        let description = attach(
            "description",
            Description::optional(&self.description),
            &mut p,
        );
        let goals = attach("goals", Goals::optional(&self.goals), &mut p);
        let code = attach("code", one(ProjectCode::parse(&self.code)), &mut p);
        let year = attach("year", one(PlanYear::new(self.year)), &mut p);
        let planned = attach(
            "planned_end",
            one(Period::new(self.planned_start, self.planned_end)),
            &mut p,
        );
        let location = location(self.latitude, self.longitude, &mut p);
        let budget = attach("budget", one(Budget::new(&self.budget)), &mut p);
        let beneficiaries = attach(
            "beneficiaries",
            one(self.beneficiaries.map(Beneficiaries::new).transpose()),
            &mut p,
        );
        match (
            name,
            owner_name,
            owner_phone,
            public_phone,
            address,
            description,
            goals,
            code,
            year,
            planned,
            budget,
            beneficiaries,
        ) {
            (
                Some(name),
                Some(owner_name),
                Some(owner_phone),
                Some(public_phone),
                Some(address),
                Some(description),
                Some(goals),
                Some(code),
                Some(year),
                Some(planned),
                Some(budget),
                Some(beneficiaries),
            ) if p.is_empty() => Ok(ProjectDraft {
                code,
                name,
                category_id: self.category_id,
                year,
                region_id: self.region_id,
                lead_department_id: self.lead_department_id,
                partner_department_ids: self.partner_department_ids.clone(),
                owner_name,
                owner_phone,
                public_phone,
                manager_id: self.manager_id,
                location,
                address,
                planned,
                budget,
                beneficiaries,
                description,
                goals,
                is_public: self.is_public,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::money::Fen;

    fn input() -> ProjectInput {
        ProjectInput {
            name: " 老年食堂 ".into(),
            category_id: 5,
            year: 2026,
            region_id: 3,
            lead_department_id: 1,
            partner_department_ids: vec![2],
            owner_name: "王建国".into(),
            owner_phone: "13800001234".into(),
            latitude: Some(30.6),
            longitude: Some(114.3),
            planned_start: NaiveDate::from_ymd_opt(2026, 3, 1),
            planned_end: NaiveDate::from_ymd_opt(2026, 10, 31),
            budget: [(FundingSource::County, 123_456)].into_iter().collect(),
            beneficiaries: Some(1200),
            ..ProjectInput::default()
        }
    }

    fn fields(input: &ProjectInput) -> Vec<(&'static str, Problem)> {
        input
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.problem))
            .collect()
    }

    #[test]
    fn a_valid_input_becomes_a_draft() {
        let draft = input().parse().unwrap();
        assert_eq!(draft.name.as_str(), "老年食堂");
        assert_eq!(draft.code, None);
        assert_eq!(draft.year.get(), 2026);
        assert_eq!(draft.public_phone, None);
        assert_eq!(draft.location.unwrap().point().lon, 114.3);
        assert_eq!(draft.budget.total(), Fen(123_456));
        assert_eq!(draft.beneficiaries.map(Beneficiaries::get), Some(1200));
        assert_eq!(draft.planned.end(), NaiveDate::from_ymd_opt(2026, 10, 31));
        let mut located_nowhere = input();
        located_nowhere.latitude = None;
        located_nowhere.longitude = None;
        assert_eq!(located_nowhere.parse().unwrap().location, None);
    }

    #[test]
    fn every_field_problem_comes_back_at_once_in_form_order() {
        let mut bad = input();
        bad.name = "  ".into();
        bad.owner_name = "名".repeat(51);
        bad.owner_phone = "phone".into();
        bad.public_phone = "请找王主任".into();
        bad.address = "一\n二".into();
        bad.description = "a\0".into();
        bad.goals = "目".repeat(2001);
        bad.code = "ab".into();
        bad.year = 1999;
        bad.planned_end = NaiveDate::from_ymd_opt(2026, 1, 1);
        bad.latitude = Some(91.0);
        bad.budget = [(FundingSource::Central, -1)].into_iter().collect();
        bad.beneficiaries = Some(-1);
        assert_eq!(
            fields(&bad),
            [
                ("name", Problem::Required),
                ("owner_name", Problem::TooLong { max: 50 }),
                ("owner_phone", Problem::Malformed),
                ("public_phone", Problem::Malformed),
                ("address", Problem::ControlCharacter),
                ("description", Problem::ControlCharacter),
                ("goals", Problem::TooLong { max: 2000 }),
                ("code", Problem::Malformed),
                ("year", Problem::Malformed),
                ("planned_end", Problem::EndBeforeStart),
                ("latitude", Problem::Malformed),
                ("budget", Problem::MoneyTooLarge),
                ("beneficiaries", Problem::Malformed),
            ]
        );
    }

    #[test]
    fn half_a_location_is_a_missing_longitude() {
        for (lat, lon) in [(Some(30.6), None), (None, Some(114.3))] {
            let mut half = input();
            half.latitude = lat;
            half.longitude = lon;
            assert_eq!(fields(&half), [("longitude", Problem::Required)]);
        }
    }

    #[test]
    fn the_raw_shape_reads_the_api_json() {
        let json = r#"{"name":"食堂","category_id":5,"year":2026,"region_id":3,
            "lead_department_id":1,"owner_name":"王","owner_phone":"12345",
            "budget":{"county":100}}"#;
        let raw: ProjectInput = serde_json::from_str(json).unwrap();
        let draft = raw.parse().unwrap();
        assert_eq!(draft.budget.total(), Fen(100));
        assert!(draft.code.is_none() && !draft.is_public);
    }
}
