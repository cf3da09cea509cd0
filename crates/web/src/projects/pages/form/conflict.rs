//! After a save over someone else's newer save is refused: which fields of the form differ
//! from the latest saved project, and what was saved there, in the reader's language.

use crate::kernel::i18n::Lang;
use minxin_domain::kernel::money::Fen;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::projects::Project;

use super::ProjectForm;

/// A field whose latest saved value differs from the input, shown after a conflict.
pub struct Difference {
    /// The field's label.
    pub label: &'static str,
    /// The latest saved value, readable.
    pub saved: String,
}

/// Whether two typed values mean the same: equal text, or equal numbers.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b
        || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        || matches!((Fen::parse_yuan(a), Fen::parse_yuan(b)), (Ok(x), Ok(y)) if x == y)
        || (a.is_empty() && Fen::parse_yuan(b) == Ok(Fen::ZERO))
        || (b.is_empty() && Fen::parse_yuan(a) == Ok(Fen::ZERO))
}

/// The fields where `mine` differs from the saved project `theirs`.
pub(super) fn differences(lang: Lang, mine: &ProjectForm, theirs: &Project) -> Vec<Difference> {
    let saved = ProjectForm::of(theirs);
    let mut out = Vec::new();
    let mut check = |label: &'static str, a: &str, b: &str, shown: String| {
        if !same(a, b) {
            out.push(Difference {
                label,
                saved: if shown.is_empty() {
                    lang.t("projects.empty_value").to_owned()
                } else {
                    shown
                },
            });
        }
    };
    let t = |key: &str| lang.t(key);
    check(
        t("project.field.code"),
        &mine.code,
        &saved.code,
        saved.code.clone(),
    );
    check(
        t("project.field.name"),
        &mine.name,
        &saved.name,
        saved.name.clone(),
    );
    check(
        t("project.field.category"),
        &mine.category_id,
        &saved.category_id,
        theirs.category_name.clone(),
    );
    check(
        t("project.field.year"),
        &mine.year,
        &saved.year,
        saved.year.clone(),
    );
    check(
        t("project.field.region"),
        &mine.region_id,
        &saved.region_id,
        theirs.region_name.clone(),
    );
    check(
        t("project.field.lead"),
        &mine.lead_department_id,
        &saved.lead_department_id,
        theirs.lead_department_name.clone(),
    );
    let mut mine_partners = mine.partner_department_ids.clone();
    let mut their_partners = saved.partner_department_ids.clone();
    mine_partners.sort();
    their_partners.sort();
    if mine_partners != their_partners {
        check(
            t("project.field.partners"),
            "a",
            "b",
            theirs
                .partners
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    check(
        t("project.field.owner_name"),
        &mine.owner_name,
        &saved.owner_name,
        saved.owner_name.clone(),
    );
    check(
        t("project.field.owner_phone"),
        &mine.owner_phone,
        &saved.owner_phone,
        saved.owner_phone.clone(),
    );
    check(
        t("project.field.public_phone"),
        &mine.public_phone,
        &saved.public_phone,
        saved.public_phone.clone(),
    );
    check(
        t("project.field.latitude"),
        &mine.latitude,
        &saved.latitude,
        saved.latitude.clone(),
    );
    check(
        t("project.field.longitude"),
        &mine.longitude,
        &saved.longitude,
        saved.longitude.clone(),
    );
    check(
        t("project.field.address"),
        &mine.address,
        &saved.address,
        saved.address.clone(),
    );
    check(
        t("project.field.planned_start"),
        &mine.planned_start,
        &saved.planned_start,
        saved.planned_start.clone(),
    );
    check(
        t("project.field.planned_end"),
        &mine.planned_end,
        &saved.planned_end,
        saved.planned_end.clone(),
    );
    for source in FundingSource::ALL {
        let theirs_text = saved.budget(*source).to_owned();
        check(
            crate::projects::pages::source_name(lang, *source),
            mine.budget(*source),
            &theirs_text,
            theirs_text.clone(),
        );
    }
    check(
        t("project.field.beneficiaries"),
        &mine.beneficiaries,
        &saved.beneficiaries,
        saved.beneficiaries.clone(),
    );
    check(
        t("project.field.description"),
        &mine.description,
        &saved.description,
        saved.description.clone(),
    );
    check(
        t("project.field.goals"),
        &mine.goals,
        &saved.goals,
        saved.goals.clone(),
    );
    if mine.is_public.is_empty() != saved.is_public.is_empty() {
        let shown = if theirs.is_public {
            t("projects.yes")
        } else {
            t("projects.no")
        };
        check(t("project.field.is_public"), "a", "b", shown.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_values_in_other_spellings_are_not_differences() {
        assert!(same("1200000.00", "120万"));
        assert!(same("", "0.00"));
        assert!(same("30.5", "30.50"));
        assert!(same(" 老旧小区 ", "老旧小区"));
        assert!(!same("A", "B"));
    }
}
