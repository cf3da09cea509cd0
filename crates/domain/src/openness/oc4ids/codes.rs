//! Minxin's codes turned into OC4IDS codelist codes: lifecycle stages to `projectStatus`,
//! category codes to `projectSector` (and `projectType` where the category tells it),
//! procurement methods to OCDS `method`, funding sources to funder names.

use crate::control::finance::ProcurementMethod;
use crate::projects::project::{FundingSource, Hold, Stage};

/// The projectStatus code of a stage and hold. A cancelled project is `cancelled` whatever
/// its stage; a suspended one keeps its stage's status (the codelist has no pause).
/// Acceptance and evaluation close the works out (`completion`); maintenance and the archive
/// are the asset in use (`maintenance`).
pub fn status(stage: Stage, hold: Hold) -> &'static str {
    if hold == Hold::Cancelled {
        return "cancelled";
    }
    match stage {
        Stage::Demand | Stage::Reserve => "identification",
        Stage::Approved => "preparation",
        Stage::Procurement | Stage::Construction => "implementation",
        Stage::Acceptance | Stage::Evaluation => "completion",
        Stage::Maintenance | Stage::Archived => "maintenance",
    }
}

/// projectSector codes by subcategory code (`parent.child`), parent code first wherever a
/// subsector is used, as the codelist asks.
const SECTORS: [(&str, &[&str]); 18] = [
    ("infrastructure.old_housing", &["socialHousing"]),
    ("infrastructure.lifts", &["socialHousing"]),
    ("infrastructure.roads", &["transport", "transport.road"]),
    ("infrastructure.water", &["waterAndWaste"]),
    ("infrastructure.parking", &["transport", "transport.urban"]),
    ("public_service.education", &["education"]),
    ("public_service.health", &["health"]),
    // The codelist's health sector includes "human services": elder care.
    ("public_service.elderly", &["health"]),
    ("public_service.childcare", &["education"]),
    (
        "public_service.culture_sport",
        &["cultureSportsAndRecreation"],
    ),
    ("public_service.employment", &["economy"]),
    ("environment.waste", &["waterAndWaste"]),
    ("environment.parks", &["cultureSportsAndRecreation"]),
    ("environment.sewage", &["waterAndWaste"]),
    ("environment.rural_living", &["waterAndWaste"]),
    ("governance.safety", &["governance"]),
    ("governance.community", &["governance"]),
    ("governance.smart", &["governance"]),
];

/// The sector of a subcategory the dictionary did not ship with, by its top-level category.
const PARENT_SECTORS: [(&str, &str); 4] = [
    ("infrastructure", "socialHousing"),
    ("public_service", "health"),
    ("environment", "naturalResources"),
    ("governance", "governance"),
];

/// The projectSector codes of a category code such as `public_service.elderly`: the
/// subcategory's own mapping, else its top-level category's, else `governance` (public
/// administration), so every project has at least one sector as the schema requires.
pub fn sectors(category_code: &str) -> Vec<&'static str> {
    if let Some((_, codes)) = SECTORS.iter().find(|(c, _)| *c == category_code) {
        return codes.to_vec();
    }
    let parent = category_code.split('.').next().unwrap_or_default();
    let code = PARENT_SECTORS
        .iter()
        .find(|(p, _)| *p == parent)
        .map_or("governance", |(_, s)| s);
    vec![code]
}

/// The projectType of a category when it says what kind of work it is: renovating old
/// residential areas and adding lifts rehabilitate existing assets; other categories mix new
/// building and renewal, so no type is claimed for them.
pub fn project_type(category_code: &str) -> Option<&'static str> {
    matches!(
        category_code,
        "infrastructure.old_housing" | "infrastructure.lifts"
    )
    .then_some("rehabilitation")
}

/// The OCDS `method` of a procurement method, with the Chinese name as its details: tenders
/// open to all are `open`; invited tenders and framework agreements admit qualified suppliers
/// (`selective`); negotiation, consultation and inquiry ask a few suppliers (`limited`);
/// single-source and small direct purchases are `direct`.
pub fn procurement(method: ProcurementMethod) -> (&'static str, &'static str) {
    match method {
        ProcurementMethod::OpenTender => ("open", "公开招标"),
        ProcurementMethod::InvitedTender => ("selective", "邀请招标"),
        ProcurementMethod::Framework => ("selective", "框架协议采购"),
        ProcurementMethod::CompetitiveNegotiation => ("limited", "竞争性谈判"),
        ProcurementMethod::CompetitiveConsultation => ("limited", "竞争性磋商"),
        ProcurementMethod::Inquiry => ("limited", "询价"),
        ProcurementMethod::SingleSource => ("direct", "单一来源采购"),
        ProcurementMethod::Other => ("direct", "其他方式"),
    }
}

/// The funder behind a funding source, as a party name in the package's language (Chinese).
pub fn funder_name(source: FundingSource) -> &'static str {
    match source {
        FundingSource::Central => "中央财政",
        FundingSource::Provincial => "省级财政",
        FundingSource::Municipal => "市级财政",
        FundingSource::County => "县（区）级财政",
        FundingSource::SocialCapital => "社会资本",
        FundingSource::Residents => "群众自筹",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_map_to_project_status() {
        assert_eq!(status(Stage::Approved, Hold::Active), "preparation");
        assert_eq!(
            status(Stage::Construction, Hold::Suspended),
            "implementation"
        );
        assert_eq!(status(Stage::Construction, Hold::Cancelled), "cancelled");
        assert_eq!(status(Stage::Acceptance, Hold::Active), "completion");
        assert_eq!(status(Stage::Archived, Hold::Active), "maintenance");
        assert_eq!(status(Stage::Reserve, Hold::Active), "identification");
    }

    #[test]
    fn categories_map_to_sectors_with_fallbacks() {
        assert_eq!(sectors("public_service.elderly"), ["health"]);
        assert_eq!(
            sectors("infrastructure.roads"),
            ["transport", "transport.road"]
        );
        assert_eq!(sectors("environment.new_thing"), ["naturalResources"]);
        assert_eq!(sectors("unknown"), ["governance"]);
        assert_eq!(project_type("infrastructure.lifts"), Some("rehabilitation"));
        assert_eq!(project_type("public_service.elderly"), None);
    }

    #[test]
    fn every_procurement_method_has_an_ocds_method() {
        for m in ProcurementMethod::ALL {
            let (method, details) = procurement(*m);
            assert!(["open", "selective", "limited", "direct"].contains(&method));
            assert!(!details.is_empty());
        }
    }
}
