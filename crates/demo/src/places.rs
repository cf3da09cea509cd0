//! The demo district's communities as the places invented projects and requests are sited in:
//! read once from the regions the office sees, each with its street and its strip of the map.

use crate::geography::{Cell, cell_of};
use minxin_domain::org::region::RegionLevel;
use minxin_storage::StoreError;
use minxin_storage::org::regions::Region;

/// A community of the demo district and the street it belongs to.
pub(crate) struct Place {
    pub id: i64,
    pub path: String,
    /// Where it lies ([`crate::geography`]).
    pub cell: Cell,
    pub name: String,
    pub street: String,
}

impl Place {
    /// Whether the community is a village (村): rural projects cost less.
    pub fn rural(&self) -> bool {
        self.name.ends_with('村')
    }
}

/// The communities among `regions` that have a strip on the demo map, in their order.
pub(crate) fn places(regions: &[Region]) -> Result<Vec<Place>, StoreError> {
    let mut places = Vec::new();
    for r in regions {
        if r.level()? != RegionLevel::Community {
            continue;
        }
        let Some(cell) = cell_of(&r.code) else {
            continue;
        };
        let street = regions
            .iter()
            .find(|s| Some(s.id) == r.parent_id)
            .map_or_else(String::new, |s| s.name.clone());
        places.push(Place {
            id: r.id,
            path: r.path.clone(),
            cell,
            name: r.name.clone(),
            street,
        });
    }
    Ok(places)
}
