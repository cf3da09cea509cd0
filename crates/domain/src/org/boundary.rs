//! Community boundaries (社区边界) as the office imports them — GeoJSON polygons in WGS-84 —
//! and the one question routing asks of them: does this point lie inside? Polygons may have
//! holes and come as MultiPolygons; a point on an edge counts as inside, so a request on the
//! street between two communities is routed rather than lost.

use crate::kernel::geo::Point;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// One ring of a polygon, as (longitude, latitude) pairs like GeoJSON; closed or not.
pub type Ring = Vec<(f64, f64)>;

/// An area: polygons, each an outer ring followed by its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The polygons.
    pub polygons: Vec<Vec<Ring>>,
}

/// Why a GeoJSON boundary was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryError {
    /// Not JSON.
    NotJson,
    /// JSON, but no Polygon or MultiPolygon in it (a Feature or a FeatureCollection of one).
    NoPolygon,
    /// A ring with fewer than three distinct corners.
    DegenerateRing,
    /// A coordinate outside ±180° / ±90°, or not a number pair.
    BadCoordinate,
}

impl fmt::Display for BoundaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BoundaryError::NotJson => "the file is not JSON",
            BoundaryError::NoPolygon => "no Polygon or MultiPolygon geometry found",
            BoundaryError::DegenerateRing => "a ring has fewer than three corners",
            BoundaryError::BadCoordinate => "a coordinate is not a longitude, latitude pair",
        })
    }
}

impl std::error::Error for BoundaryError {}

fn ring(value: &Value) -> Result<Ring, BoundaryError> {
    let points = value.as_array().ok_or(BoundaryError::BadCoordinate)?;
    let mut out: Ring = Vec::with_capacity(points.len());
    for p in points {
        let pair = p.as_array().ok_or(BoundaryError::BadCoordinate)?;
        let (Some(lon), Some(lat)) = (
            pair.first().and_then(Value::as_f64),
            pair.get(1).and_then(Value::as_f64),
        ) else {
            return Err(BoundaryError::BadCoordinate);
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(BoundaryError::BadCoordinate);
        }
        out.push((lon, lat));
    }
    let mut corners = out.clone();
    corners.dedup();
    if corners.first() == corners.last() && corners.len() > 1 {
        corners.pop();
    }
    if corners.len() < 3 {
        return Err(BoundaryError::DegenerateRing);
    }
    Ok(out)
}

fn polygon(value: &Value) -> Result<Vec<Ring>, BoundaryError> {
    value
        .as_array()
        .filter(|rings| !rings.is_empty())
        .ok_or(BoundaryError::NoPolygon)?
        .iter()
        .map(ring)
        .collect()
}

/// The polygons of a geometry, Feature or FeatureCollection (all features' polygons together).
fn polygons(value: &Value, out: &mut Vec<Vec<Ring>>) -> Result<(), BoundaryError> {
    match value.get("type").and_then(Value::as_str) {
        Some("Polygon") => out.push(polygon(&value["coordinates"])?),
        Some("MultiPolygon") => {
            for p in value["coordinates"]
                .as_array()
                .ok_or(BoundaryError::NoPolygon)?
            {
                out.push(polygon(p)?);
            }
        }
        Some("Feature") => polygons(&value["geometry"], out)?,
        Some("FeatureCollection") => {
            for feature in value["features"].as_array().into_iter().flatten() {
                polygons(feature, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

impl Area {
    /// The area a GeoJSON text describes.
    pub fn from_geojson(text: &str) -> Result<Area, BoundaryError> {
        let value: Value = serde_json::from_str(text).map_err(|_| BoundaryError::NotJson)?;
        Area::from_value(&value)
    }

    /// The area of GeoJSON already parsed, so an import file is read once, not once a feature.
    pub(crate) fn from_value(value: &Value) -> Result<Area, BoundaryError> {
        let mut out = Vec::new();
        polygons(value, &mut out)?;
        if out.is_empty() {
            return Err(BoundaryError::NoPolygon);
        }
        Ok(Area { polygons: out })
    }

    /// Whether `p` lies inside (edges included): inside an outer ring and in none of its holes.
    pub fn contains(&self, p: Point) -> bool {
        self.polygons.iter().any(|rings| {
            let mut rings = rings.iter();
            rings.next().is_some_and(|outer| within(outer, p))
                && rings.all(|hole| !within(hole, p) || on_edge(hole, p))
        })
    }
}

fn edges(ring: &Ring) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
    ring.iter()
        .copied()
        .zip(ring.iter().copied().cycle().skip(1))
        .take(ring.len())
}

/// Whether `p` lies on an edge of `ring`, to within about a centimetre.
fn on_edge(ring: &Ring, p: Point) -> bool {
    const EPS: f64 = 1e-7;
    edges(ring).any(|((x1, y1), (x2, y2))| {
        let cross = (x2 - x1) * (p.lat - y1) - (y2 - y1) * (p.lon - x1);
        let length = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(EPS);
        cross.abs() / length < EPS
            && p.lon >= x1.min(x2) - EPS
            && p.lon <= x1.max(x2) + EPS
            && p.lat >= y1.min(y2) - EPS
            && p.lat <= y1.max(y2) + EPS
    })
}

/// Ray casting, with points on an edge inside.
fn within(ring: &Ring, p: Point) -> bool {
    if on_edge(ring, p) {
        return true;
    }
    let mut inside = false;
    for ((x1, y1), (x2, y2)) in edges(ring) {
        if (y1 > p.lat) != (y2 > p.lat) {
            let x = x1 + (p.lat - y1) * (x2 - x1) / (y2 - y1);
            if p.lon < x {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64) -> Point {
        Point { lat, lon }
    }

    const SQUARE_WITH_HOLE: &str = r#"{"type": "Feature", "properties": {"name": "东湖社区"},
      "geometry": {"type": "Polygon", "coordinates": [
        [[114.30, 30.60], [114.32, 30.60], [114.32, 30.62], [114.30, 30.62], [114.30, 30.60]],
        [[114.305, 30.605], [114.315, 30.605], [114.315, 30.615], [114.305, 30.615]]
      ]}}"#;

    #[test]
    fn a_polygon_with_a_hole() {
        let area = Area::from_geojson(SQUARE_WITH_HOLE).unwrap();
        assert!(area.contains(at(114.301, 30.601)));
        assert!(!area.contains(at(114.31, 30.61)), "inside the hole");
        assert!(!area.contains(at(114.33, 30.61)), "east of it");
        assert!(area.contains(at(114.30, 30.61)), "on the west edge");
        assert!(area.contains(at(114.32, 30.62)), "on a corner");
        assert!(area.contains(at(114.305, 30.61)), "on the hole's edge");
    }

    #[test]
    fn multipolygons_and_collections() {
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 1]]],
            [[[5, 5], [6, 5], [6, 6]]]
          ]}},
          {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9, 9]}}
        ]}"#;
        let area = Area::from_geojson(text).unwrap();
        assert_eq!(area.polygons.len(), 2);
        assert!(area.contains(at(0.5, 0.5)));
        assert!(area.contains(at(5.9, 5.1)));
        assert!(!area.contains(at(5.1, 5.9)), "outside the triangle");
        assert!(!area.contains(at(9.0, 9.0)));
    }

    #[test]
    fn bad_files_are_refused_by_reason() {
        assert_eq!(Area::from_geojson("not json"), Err(BoundaryError::NotJson));
        assert_eq!(
            Area::from_geojson(r#"{"type": "Point", "coordinates": [1, 2]}"#),
            Err(BoundaryError::NoPolygon)
        );
        assert_eq!(
            Area::from_geojson(r#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}"#),
            Err(BoundaryError::DegenerateRing)
        );
        assert_eq!(
            Area::from_geojson(
                r#"{"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 1]]]}"#
            ),
            Err(BoundaryError::BadCoordinate)
        );
        assert_eq!(
            Area::from_geojson(
                r#"{"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1]]]}"#
            ),
            Err(BoundaryError::BadCoordinate)
        );
    }
}
