//! The portal's map of public projects ("一张图"): how much a phone is sent for one view. Up to
//! [`MAX_MARKERS`] projects in the visible area come as individual markers (the browser
//! clusters them); beyond that the area is cut into a grid of [`CELLS_ACROSS`] cells along its
//! longer side and each occupied cell comes as one cluster with its count, which the visitor
//! zooms into. The grid works on whole micro-degrees so that the database can assign cells with
//! integer arithmetic, identically on SQLite and PostgreSQL.

use crate::kernel::geo::{BoundingBox, Point};

/// The most markers one view sends; a district view of a large plan is sent as clusters.
pub const MAX_MARKERS: usize = 5_000;

/// Grid cells along the longer side of the visible area when it is sent as clusters.
pub const CELLS_ACROSS: i64 = 16;

/// Micro-degrees per degree.
const MICRO: f64 = 1_000_000.0;

/// A coordinate in whole micro-degrees (about 0.1 m), as the database compares them.
pub fn micro_degrees(degrees: f64) -> i64 {
    (degrees * MICRO).round() as i64
}

/// Square cells laid over a visible area, counted from its south-west corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// The south edge, in micro-degrees.
    pub south: i64,
    /// The west edge, in micro-degrees.
    pub west: i64,
    /// The side of a cell, in micro-degrees (at least 1).
    pub cell: i64,
}

impl Grid {
    /// The grid for `area`: [`CELLS_ACROSS`] cells along its longer side.
    pub fn over(area: &BoundingBox) -> Grid {
        let south = micro_degrees(area.south_west.lat);
        let west = micro_degrees(area.south_west.lon);
        let height = micro_degrees(area.north_east.lat) - south;
        let width = micro_degrees(area.north_east.lon) - west;
        Grid {
            south,
            west,
            cell: (height.max(width) / CELLS_ACROSS).max(1),
        }
    }

    /// The cell (row, column) a point inside the area falls in; the database computes the same
    /// with `(CAST(latitude * 1000000 AS BIGINT) - south) / cell`.
    pub fn cell_of(&self, p: Point) -> (i64, i64) {
        (
            (micro_degrees(p.lat) - self.south).max(0) / self.cell,
            (micro_degrees(p.lon) - self.west).max(0) / self.cell,
        )
    }
}

/// Whether a view with `matching` projects in it is sent as clusters rather than markers.
pub fn needs_clusters(matching: i64) -> bool {
    matching > MAX_MARKERS as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(w: f64, s: f64, e: f64, n: f64) -> BoundingBox {
        format!("{w},{s},{e},{n}").parse().unwrap()
    }

    #[test]
    fn the_longer_side_gets_sixteen_cells() {
        let g = Grid::over(&area(114.25, 30.55, 114.41, 30.63));
        assert_eq!(g.south, 30_550_000);
        assert_eq!(g.west, 114_250_000);
        assert_eq!(g.cell, 160_000 / 16);
        let tall = Grid::over(&area(114.0, 30.0, 114.01, 30.32));
        assert_eq!(tall.cell, 20_000);
    }

    #[test]
    fn points_fall_into_cells_from_the_south_west_corner() {
        let g = Grid::over(&area(114.25, 30.55, 114.41, 30.63));
        let at = |lat, lon| g.cell_of(Point { lat, lon });
        assert_eq!(at(30.55, 114.25), (0, 0));
        assert_eq!(at(30.559_999, 114.259_999), (0, 0));
        assert_eq!(at(30.56, 114.26), (1, 1));
        assert_eq!(at(30.63, 114.41), (8, 16));
    }

    #[test]
    fn a_point_area_still_has_a_cell() {
        let g = Grid::over(&area(114.3, 30.6, 114.3, 30.6));
        assert_eq!(g.cell, 1);
        assert_eq!(
            g.cell_of(Point {
                lat: 30.6,
                lon: 114.3
            }),
            (0, 0)
        );
    }

    #[test]
    fn clusters_only_beyond_the_marker_limit() {
        assert!(!needs_clusters(0));
        assert!(!needs_clusters(MAX_MARKERS as i64));
        assert!(needs_clusters(MAX_MARKERS as i64 + 1));
    }
}
