//! The office's import of community boundaries (issue 6, item 3): one GeoJSON file — a
//! FeatureCollection, a single Feature, or a bare Polygon or MultiPolygon — split into one
//! boundary per community. Each feature names its community by region code in the property
//! `region_code` (or `code`); a feature without one takes the code typed beside the upload, so
//! a bare geometry can be imported for one community. Every feature is checked before anything
//! is stored, and a refusal names the feature by its number in the file, so the office can find
//! it; storage then refuses region codes that are unknown or outside the office's scope the same
//! way, and stores all or nothing.

use crate::org::boundary::{Area, BoundaryError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The largest import file, in bytes: a district's communities with detailed edges fit well
/// below it, and it bounds what one upload makes the server parse.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The feature properties read for the region code, the first present wins.
pub const CODE_PROPERTIES: [&str; 2] = ["region_code", "code"];

/// One community's boundary as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedBoundary {
    /// The feature's number in the file, from 1.
    pub feature: usize,
    /// The region code it names.
    pub code: String,
    /// Its geometry alone as GeoJSON text: what is stored and what intake reads.
    pub geojson: String,
    /// The area, already checked.
    pub area: Area,
}

/// Why an import file was refused; features are numbered from 1 in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum BoundaryRefusal {
    /// The file is not JSON.
    NotJson,
    /// JSON without a feature or geometry to import.
    NoFeatures,
    /// A feature whose geometry is refused.
    Geometry {
        /// The feature's number.
        feature: usize,
        /// What is wrong with it.
        error: BoundaryError,
    },
    /// A feature naming no region code, with none typed beside the upload.
    NoCode {
        /// The feature's number.
        feature: usize,
    },
    /// A second feature for a region code already given earlier in the file.
    Repeated {
        /// The feature's number.
        feature: usize,
        /// The code.
        code: String,
    },
    /// A region code that is unknown or outside the importer's scope.
    UnknownRegion {
        /// The feature's number.
        feature: usize,
        /// The code.
        code: String,
    },
    /// A file larger than [`MAX_FILE_BYTES`].
    TooLarge,
}

/// The code a feature names in [`CODE_PROPERTIES`] (a string or a number), else `fallback`.
fn code_of(feature: &Value, fallback: &str) -> String {
    let named = CODE_PROPERTIES.iter().find_map(|key| {
        match feature.get("properties").and_then(|p| p.get(key)) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    });
    named.unwrap_or_else(|| fallback.trim().to_owned())
}

/// The features of the file: those of a collection, a lone feature, or a bare geometry.
fn features(value: &Value) -> Vec<&Value> {
    match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => value["features"].as_array().into_iter().flatten().collect(),
        Some("Feature" | "Polygon" | "MultiPolygon") => vec![value],
        _ => Vec::new(),
    }
}

/// Reads an import file into one boundary per community, or the first refusal; `fallback` is
/// the code for features that name none (blank for none).
pub fn read_import(text: &str, fallback: &str) -> Result<Vec<ImportedBoundary>, BoundaryRefusal> {
    if text.len() > MAX_FILE_BYTES {
        return Err(BoundaryRefusal::TooLarge);
    }
    let value: Value = serde_json::from_str(text).map_err(|_| BoundaryRefusal::NotJson)?;
    let features = features(&value);
    if features.is_empty() {
        return Err(BoundaryRefusal::NoFeatures);
    }
    let mut out: Vec<ImportedBoundary> = Vec::with_capacity(features.len());
    for (i, feature) in features.into_iter().enumerate() {
        let number = i + 1;
        let geometry = if feature["type"] == "Feature" {
            &feature["geometry"]
        } else {
            feature
        };
        let area = Area::from_value(geometry).map_err(|error| BoundaryRefusal::Geometry {
            feature: number,
            error,
        })?;
        let code = code_of(feature, fallback);
        if code.is_empty() {
            return Err(BoundaryRefusal::NoCode { feature: number });
        }
        if out.iter().any(|b| b.code == code) {
            return Err(BoundaryRefusal::Repeated {
                feature: number,
                code,
            });
        }
        out.push(ImportedBoundary {
            feature: number,
            code,
            geojson: geometry.to_string(),
            area,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::geo::Point;

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#;

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn feature(properties: &str, geometry: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{properties},"geometry":{geometry}}}"#)
    }

    #[test]
    fn a_collection_gives_one_boundary_per_code() {
        let text = collection(&[
            feature(
                r#"{"region_code":"990101001001","name":"东湖社区"}"#,
                SQUARE,
            ),
            feature(r#"{"code":990101001002}"#, SQUARE),
        ]);
        let read = read_import(&text, "").unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].code, "990101001001");
        assert_eq!(read[1].code, "990101001002", "a numeric code is read too");
        assert_eq!(read[1].feature, 2);
        let stored = Area::from_geojson(&read[0].geojson).unwrap();
        assert!(stored.contains(Point { lat: 0.5, lon: 0.5 }));
    }

    #[test]
    fn a_bare_geometry_takes_the_typed_code() {
        let read = read_import(SQUARE, " 990101001001 ").unwrap();
        assert_eq!(read[0].code, "990101001001");
        assert_eq!(
            read_import(SQUARE, ""),
            Err(BoundaryRefusal::NoCode { feature: 1 })
        );
        let named = feature(r#"{"code":"990101001009"}"#, SQUARE);
        assert_eq!(
            read_import(&named, "990101001001").unwrap()[0].code,
            "990101001009",
            "the file's own code wins"
        );
    }

    #[test]
    fn refusals_name_the_feature() {
        assert_eq!(read_import("{", ""), Err(BoundaryRefusal::NotJson));
        assert_eq!(
            read_import(r#"{"type":"FeatureCollection","features":[]}"#, ""),
            Err(BoundaryRefusal::NoFeatures)
        );
        assert_eq!(
            read_import(r#"{"type":"Point","coordinates":[1,2]}"#, "1"),
            Err(BoundaryRefusal::NoFeatures)
        );
        let text = collection(&[
            feature(r#"{"code":"1"}"#, SQUARE),
            feature(r#"{"code":"2"}"#, r#"{"type":"Point","coordinates":[1,2]}"#),
        ]);
        assert_eq!(
            read_import(&text, ""),
            Err(BoundaryRefusal::Geometry {
                feature: 2,
                error: BoundaryError::NoPolygon
            })
        );
        let text = collection(&[
            feature(r#"{"code":"1"}"#, SQUARE),
            feature(r#"{"code":"1"}"#, SQUARE),
        ]);
        assert_eq!(
            read_import(&text, ""),
            Err(BoundaryRefusal::Repeated {
                feature: 2,
                code: "1".into()
            })
        );
        let big = " ".repeat(MAX_FILE_BYTES + 1);
        assert_eq!(read_import(&big, ""), Err(BoundaryRefusal::TooLarge));
    }
}
