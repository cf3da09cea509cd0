//! The project form read back: a stored project shown as typed text, and typed text parsed
//! into a project's draft — numbers, dates, coordinates, money in 元 or 万元 read here, then
//! the domain's one parse of the registry fields — with every field's problem at once.

use crate::kernel::widgets::{optional_id, required_id};
use crate::projects::pages::{optional_date, optional_int, required_int};
use chrono::Datelike;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::projects::{Project, ProjectDraft, ProjectInput};
use std::collections::BTreeMap;

use super::{ProjectForm, budget_field};

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn coordinate_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

impl ProjectForm {
    /// An empty form for a new project of this year (`today`'s).
    pub(super) fn blank(today: chrono::NaiveDate) -> Self {
        ProjectForm {
            year: today.year().to_string(),
            ..Default::default()
        }
    }

    /// The form showing `p` as stored.
    pub(super) fn of(p: &Project) -> Self {
        let mut form = ProjectForm {
            code: p.code.clone(),
            name: p.name.clone(),
            category_id: p.category_id.to_string(),
            year: p.year.to_string(),
            region_id: p.region_id.to_string(),
            lead_department_id: p.lead_department_id.to_string(),
            partner_department_ids: p.partners.iter().map(|d| d.id.to_string()).collect(),
            manager_id: p.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            owner_name: p.owner_name.clone(),
            owner_phone: p.owner_phone.clone(),
            public_phone: p.public_phone.clone(),
            latitude: coordinate_text(p.latitude),
            longitude: coordinate_text(p.longitude),
            address: p.address.clone(),
            planned_start: date_text(p.planned_start),
            planned_end: date_text(p.planned_end),
            beneficiaries: p.beneficiaries.map(|b| b.to_string()).unwrap_or_default(),
            description: p.description.clone(),
            goals: p.goals.clone(),
            is_public: if p.is_public {
                "on".into()
            } else {
                String::new()
            },
            version: p.version.to_string(),
            ..Default::default()
        };
        for line in &p.budget {
            if let Ok(source) = line.source.parse::<FundingSource>() {
                *form.budget_mut(source) = Fen(line.amount_fen).yuan_plain();
            }
        }
        form
    }

    /// The amount typed for `source`.
    pub(super) fn budget(&self, source: FundingSource) -> &str {
        match source {
            FundingSource::Central => &self.budget_central,
            FundingSource::Provincial => &self.budget_provincial,
            FundingSource::Municipal => &self.budget_municipal,
            FundingSource::County => &self.budget_county,
            FundingSource::SocialCapital => &self.budget_social,
            FundingSource::Residents => &self.budget_residents,
        }
    }

    pub(super) fn budget_mut(&mut self, source: FundingSource) -> &mut String {
        match source {
            FundingSource::Central => &mut self.budget_central,
            FundingSource::Provincial => &mut self.budget_provincial,
            FundingSource::Municipal => &mut self.budget_municipal,
            FundingSource::County => &mut self.budget_county,
            FundingSource::SocialCapital => &mut self.budget_social,
            FundingSource::Residents => &mut self.budget_residents,
        }
    }

    /// Whether the partner checkbox of department `id` is ticked.
    pub(super) fn partners(&self) -> &[String] {
        &self.partner_department_ids
    }

    /// The typed values as a draft, or every problem of the form: a value that cannot be read
    /// is a problem on its field, and the draft's rules add theirs on the fields that could.
    pub(super) fn draft(&self) -> Result<ProjectDraft, StoreError> {
        let mut p = Vec::new();
        let manager_id = optional_id("manager_id", &self.manager_id, &mut p);
        let category_id = required_id("category_id", &self.category_id, &mut p);
        let year = required_int("year", &self.year, &mut p);
        let region_id = required_id("region_id", &self.region_id, &mut p);
        let lead_department_id =
            required_id("lead_department_id", &self.lead_department_id, &mut p);
        let mut partner_department_ids = Vec::new();
        for raw in self
            .partner_department_ids
            .iter()
            .filter(|r| !r.trim().is_empty())
        {
            match raw.trim().parse() {
                Ok(id) => partner_department_ids.push(id),
                Err(_) => {
                    p.push(FieldProblem::new(
                        "partner_department_ids",
                        Problem::Malformed,
                    ));
                    break;
                }
            }
        }
        let unread = p.len();
        let latitude = coordinate("latitude", &self.latitude, &mut p);
        let longitude = coordinate("longitude", &self.longitude, &mut p);
        // An unreadable coordinate leaves the location out, so the other is not "missing".
        let (latitude, longitude) = if p.len() > unread {
            (None, None)
        } else {
            (latitude, longitude)
        };
        let planned_start = optional_date("planned_start", &self.planned_start, &mut p);
        let planned_end = optional_date("planned_end", &self.planned_end, &mut p);
        let mut budget = BTreeMap::new();
        for source in FundingSource::ALL {
            let raw = self.budget(*source).trim();
            if raw.is_empty() {
                continue;
            }
            match Fen::parse_yuan(raw) {
                Ok(fen) if fen.0 < 0 => {
                    p.push(FieldProblem::new(budget_field(*source), Problem::Malformed));
                }
                Ok(fen) => {
                    budget.insert(*source, fen.0);
                }
                Err(problem) => p.push(FieldProblem::new(budget_field(*source), problem)),
            }
        }
        let beneficiaries = optional_int("beneficiaries", &self.beneficiaries, &mut p);
        let input = ProjectInput {
            code: self.code.clone(),
            name: self.name.clone(),
            category_id,
            year,
            region_id,
            lead_department_id,
            partner_department_ids,
            owner_name: self.owner_name.clone(),
            owner_phone: self.owner_phone.clone(),
            public_phone: self.public_phone.clone(),
            manager_id,
            latitude,
            longitude,
            address: self.address.clone(),
            planned_start,
            planned_end,
            budget,
            beneficiaries,
            description: self.description.clone(),
            goals: self.goals.clone(),
            is_public: !self.is_public.is_empty(),
        };
        match input.parse() {
            Ok(draft) if p.is_empty() => Ok(draft),
            Ok(_) => Err(StoreError::Invalid(p)),
            Err(found) => {
                let unreadable: Vec<&str> = p.iter().map(|f| f.field).collect();
                p.extend(found.into_iter().filter(|f| !unreadable.contains(&f.field)));
                Err(StoreError::Invalid(p))
            }
        }
    }
}

/// A coordinate in decimal degrees; blank is `None`.
fn coordinate(field: &'static str, raw: &str, problems: &mut Vec<FieldProblem>) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            problems.push(FieldProblem::new(field, Problem::Malformed));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProjectForm {
        ProjectForm {
            name: "示例项目".into(),
            category_id: "5".into(),
            year: "2026".into(),
            region_id: "3".into(),
            lead_department_id: "1".into(),
            owner_name: "张三".into(),
            owner_phone: "13800000000".into(),
            ..Default::default()
        }
    }

    fn problems(f: &ProjectForm) -> Vec<FieldProblem> {
        match f.draft() {
            Err(StoreError::Invalid(p)) => p,
            Err(other) => panic!("{other}"),
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn money_is_read_in_yuan_or_wan_per_source() {
        let mut f = form();
        f.budget_central = "1,234.50".into();
        f.budget_county = "12.5万元".into();
        f.budget_social = " ".into();
        f.manager_id = "9".into();
        let draft = f.draft().unwrap();
        assert_eq!(
            draft.budget.lines().collect::<Vec<_>>(),
            [
                (FundingSource::Central, Fen(123_450)),
                (FundingSource::County, Fen(12_500_000))
            ]
        );
        assert_eq!(draft.manager_id, Some(9));

        f.budget_provincial = "12.345".into();
        f.budget_residents = "-5".into();
        f.budget_municipal = "abc".into();
        assert_eq!(
            problems(&f),
            vec![
                FieldProblem::new("budget_provincial", Problem::MoneyPrecision),
                FieldProblem::new("budget_municipal", Problem::Malformed),
                FieldProblem::new("budget_residents", Problem::Malformed),
            ]
        );
    }

    #[test]
    fn unreadable_values_become_field_problems() {
        let mut f = form();
        f.year = "二〇二六".into();
        f.category_id = String::new();
        f.latitude = "NaN".into();
        f.longitude = "120.1".into();
        f.planned_start = "2026-13-01".into();
        f.beneficiaries = "1e3".into();
        f.partner_department_ids = vec!["2".into(), "x".into()];
        let fields: Vec<&str> = problems(&f).iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "category_id",
                "year",
                "partner_department_ids",
                "latitude",
                "planned_start",
                "beneficiaries"
            ],
            "no second problem on a field that could not be read, nor on its pair"
        );
    }

    #[test]
    fn every_problem_comes_back_in_one_pass() {
        let mut f = form();
        f.name = String::new();
        f.budget_central = "abc".into();
        f.planned_start = "2026-05-01".into();
        f.planned_end = "2026-04-01".into();
        f.year = "1999".into();
        assert_eq!(
            problems(&f),
            vec![
                FieldProblem::new("budget_central", Problem::Malformed),
                FieldProblem::new("name", Problem::Required),
                FieldProblem::new("year", Problem::Malformed),
                FieldProblem::new("planned_end", Problem::EndBeforeStart),
            ]
        );
    }
}
