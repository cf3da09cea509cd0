//! How the organisation words its refusals (a community boundary file) for the kernel's
//! [`Refusal`]: catalogue keys naming the feature of the file, no language.

use crate::kernel::refusal::{Message, Refusal};
use crate::org::boundary::BoundaryError;
use crate::org::boundary_import::{BoundaryRefusal, MAX_FILE_BYTES};

impl Refusal for BoundaryRefusal {
    fn code(&self) -> &'static str {
        "boundary"
    }

    fn message(&self) -> Message {
        use BoundaryRefusal as R;
        match self {
            R::NotJson => Message::new("routing.refusal.not_json"),
            R::NoFeatures => Message::new("routing.refusal.no_features"),
            R::TooLarge => {
                Message::new("routing.refusal.too_large").text("max_mb", MAX_FILE_BYTES >> 20)
            }
            R::Geometry { feature, error } => Message::new("routing.refusal.geometry")
                .text("feature", feature)
                .key("why", geometry_key(*error)),
            R::NoCode { feature } => {
                Message::new("routing.refusal.no_code").text("feature", feature)
            }
            R::Repeated { feature, code } => Message::new("routing.refusal.repeated")
                .text("feature", feature)
                .text("code", code),
            R::UnknownRegion { feature, code } => Message::new("routing.refusal.unknown_region")
                .text("feature", feature)
                .text("code", code),
        }
    }
}

fn geometry_key(error: BoundaryError) -> &'static str {
    match error {
        BoundaryError::NotJson => "routing.geometry.not_json",
        BoundaryError::NoPolygon => "routing.geometry.no_polygon",
        BoundaryError::DegenerateRing => "routing.geometry.degenerate_ring",
        BoundaryError::BadCoordinate => "routing.geometry.bad_coordinate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::refusal::Arg;

    #[test]
    fn a_bad_geometry_names_its_feature_and_why() {
        let m = BoundaryRefusal::Geometry {
            feature: 3,
            error: BoundaryError::NoPolygon,
        }
        .message();
        assert_eq!(m.key, "routing.refusal.geometry");
        assert_eq!(
            m.args,
            vec![
                ("feature", Arg::Text("3".into())),
                ("why", Arg::Key("routing.geometry.no_polygon".into()))
            ]
        );
    }
}
