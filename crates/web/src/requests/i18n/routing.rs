//! Wording of the office's routing settings: why a boundary file or a rule was refused, naming
//! the feature of the file, in the caller's language.

use crate::kernel::i18n::Lang;
use minxin_domain::org::boundary::BoundaryError;
use minxin_domain::org::boundary_import::{BoundaryRefusal, MAX_FILE_BYTES};
use minxin_domain::requests::routing::RuleRefusal;

impl Lang {
    /// Why a boundary file was refused.
    pub fn boundary_refusal(self, refusal: &BoundaryRefusal) -> String {
        let n = |v: &usize| v.to_string();
        match refusal {
            BoundaryRefusal::NotJson => self.t("routing.refusal.not_json").into(),
            BoundaryRefusal::NoFeatures => self.t("routing.refusal.no_features").into(),
            BoundaryRefusal::TooLarge => self.fill(
                "routing.refusal.too_large",
                &[("max_mb", (MAX_FILE_BYTES / (1024 * 1024)).to_string())],
            ),
            BoundaryRefusal::Geometry { feature, error } => self.fill(
                "routing.refusal.geometry",
                &[
                    ("feature", n(feature)),
                    ("why", self.boundary_error(*error).to_owned()),
                ],
            ),
            BoundaryRefusal::NoCode { feature } => {
                self.fill("routing.refusal.no_code", &[("feature", n(feature))])
            }
            BoundaryRefusal::Repeated { feature, code } => self.fill(
                "routing.refusal.repeated",
                &[("feature", n(feature)), ("code", code.clone())],
            ),
            BoundaryRefusal::UnknownRegion { feature, code } => self.fill(
                "routing.refusal.unknown_region",
                &[("feature", n(feature)), ("code", code.clone())],
            ),
        }
    }

    /// What is wrong with a feature's geometry.
    fn boundary_error(self, error: BoundaryError) -> &'static str {
        match error {
            BoundaryError::NotJson => self.t("routing.geometry.not_json"),
            BoundaryError::NoPolygon => self.t("routing.geometry.no_polygon"),
            BoundaryError::DegenerateRing => self.t("routing.geometry.degenerate_ring"),
            BoundaryError::BadCoordinate => self.t("routing.geometry.bad_coordinate"),
        }
    }

    /// Why a routing rule was refused.
    pub fn rule_refusal(self, refusal: RuleRefusal) -> &'static str {
        match refusal {
            RuleRefusal::Duplicate => self.t("routing.refusal.duplicate"),
            RuleRefusal::BoundaryNeeded => self.t("routing.refusal.boundary_needed"),
        }
    }
}
