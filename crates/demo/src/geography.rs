//! Where the demo district lies (issue 15): 示例区 covers 30.55–30.64° N, 114.25–114.37° E, cut
//! into its six streets (three columns, two rows) and each street into strips, one per
//! community. The boundaries are shipped as GeoJSON that the demo seeding imports the way the
//! office does, and the demo's projects and requests lie inside their own community's strip,
//! so routing and placement work on the demo as they do on real data.

use crate::data::STREETS;
use crate::dice::Dice;

const SOUTH: f64 = 30.55;
const WEST: f64 = 114.25;
const STREET_HEIGHT: f64 = 0.045;
const STREET_WIDTH: f64 = 0.04;
const COLUMNS: usize = 3;
/// The demo district whose streets are laid out here.
const DISTRICT: &str = "990101";

/// A rectangle in degrees (WGS-84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Southern edge.
    pub south: f64,
    /// Western edge.
    pub west: f64,
    /// Northern edge.
    pub north: f64,
    /// Eastern edge.
    pub east: f64,
}

impl Cell {
    /// A point well inside the cell (a tenth of its size from every edge), picked by `dice`.
    pub(crate) fn pick(&self, dice: &mut Dice) -> (f64, f64) {
        let along = |low: f64, high: f64, dice: &mut Dice| {
            let margin = (high - low) / 10.0;
            low + margin + (high - low - 2.0 * margin) * dice.below(1_000) as f64 / 1_000.0
        };
        (
            along(self.south, self.north, dice),
            along(self.west, self.east, dice),
        )
    }

    fn geojson(&self) -> String {
        let Cell {
            south: s,
            west: w,
            north: n,
            east: e,
        } = *self;
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}"#
        )
    }
}

/// Every street and community of the demo district with its cell: (region code, cell).
pub fn cells() -> Vec<(String, Cell)> {
    let mut out = Vec::new();
    let streets = STREETS
        .iter()
        .filter(|(district, ..)| *district == DISTRICT);
    for (i, (_, code, _, communities)) in streets.enumerate() {
        let south = SOUTH + (i / COLUMNS) as f64 * STREET_HEIGHT;
        let west = WEST + (i % COLUMNS) as f64 * STREET_WIDTH;
        let street = Cell {
            south,
            west,
            north: south + STREET_HEIGHT,
            east: west + STREET_WIDTH,
        };
        out.push(((*code).to_owned(), street));
        let strip = STREET_WIDTH / communities.len() as f64;
        for j in 0..communities.len() {
            out.push((
                format!("{code}{:03}", j + 1),
                Cell {
                    west: west + j as f64 * strip,
                    east: west + (j + 1) as f64 * strip,
                    ..street
                },
            ));
        }
    }
    out
}

/// The cell of the street or community with region code `code`, if it is the demo district's.
pub fn cell_of(code: &str) -> Option<Cell> {
    cells()
        .into_iter()
        .find(|(c, _)| c == code)
        .map(|(_, cell)| cell)
}

/// The boundaries of the demo district's streets and communities as the office's GeoJSON
/// import reads them: a FeatureCollection naming each region in `region_code`.
pub fn boundaries_geojson() -> String {
    let features: Vec<String> = cells()
        .iter()
        .map(|(code, cell)| {
            format!(
                r#"{{"type":"Feature","properties":{{"region_code":"{code}"}},"geometry":{}}}"#,
                cell.geojson()
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::kernel::geo::Point;
    use minxin_domain::org::boundary_import::read_import;

    #[test]
    fn every_street_and_community_of_the_district_has_a_boundary_the_import_takes() {
        let imported = read_import(&boundaries_geojson(), "").unwrap();
        let expected: usize = STREETS
            .iter()
            .filter(|(d, ..)| *d == DISTRICT)
            .map(|(.., c)| 1 + c.len())
            .sum();
        assert_eq!(imported.len(), expected);
        assert_eq!(imported.len(), 28);
    }

    #[test]
    fn a_point_picked_in_a_community_lies_in_it_and_its_street_only() {
        let imported = read_import(&boundaries_geojson(), "").unwrap();
        let mut dice = Dice::new();
        for (code, cell) in cells().iter().filter(|(c, _)| c.len() == 12) {
            for _ in 0..20 {
                let (lat, lon) = cell.pick(&mut dice);
                let holding: Vec<&str> = imported
                    .iter()
                    .filter(|b| b.area.contains(Point { lat, lon }))
                    .map(|b| b.code.as_str())
                    .collect();
                assert_eq!(holding, [&code[..9], code.as_str()], "{lat},{lon}");
            }
        }
    }
}
