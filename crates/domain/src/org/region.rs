//! The region tree (行政区划) with GB/T 2260-style codes: 6 digits for province, city and
//! district (`440000`, `440300`, `440305`), 9 for a street or township (`440305001`) and 12 for a
//! community or village (`440305001001`), each extending its parent's code.

use crate::kernel::problem::Problem;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The level of a region in the tree, from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    /// 省/自治区/直辖市
    Province,
    /// 市/地区/州
    City,
    /// 区/县
    District,
    /// 街道/乡镇
    Street,
    /// 社区/村
    Community,
}

impl RegionLevel {
    /// Every level, top down.
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Province,
        RegionLevel::City,
        RegionLevel::District,
        RegionLevel::Street,
        RegionLevel::Community,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::District => "district",
            RegionLevel::Street => "street",
            RegionLevel::Community => "community",
        }
    }

    /// The level directly below this one, if any.
    pub fn child(self) -> Option<RegionLevel> {
        let i = RegionLevel::ALL.iter().position(|l| *l == self)?;
        RegionLevel::ALL.get(i + 1).copied()
    }
}

impl FromStr for RegionLevel {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionLevel::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or(Problem::Malformed)
    }
}

/// Checks that `code` has the shape GB/T 2260 gives its level.
pub fn check_code(level: RegionLevel, code: &str) -> Result<(), Problem> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::Malformed);
    }
    let fits = match level {
        RegionLevel::Province => code.len() == 6 && &code[2..] == "0000" && &code[..2] != "00",
        RegionLevel::City => code.len() == 6 && &code[4..] == "00" && &code[2..4] != "00",
        RegionLevel::District => code.len() == 6 && &code[4..] != "00",
        RegionLevel::Street => code.len() == 9 && &code[6..] != "000",
        RegionLevel::Community => code.len() == 12 && &code[9..] != "000",
    };
    if fits {
        Ok(())
    } else {
        Err(Problem::RegionCodeLevel)
    }
}

/// Checks that a region of `level` with `code` may sit under a parent of `parent_level` with
/// `parent_code`: one level down, and the child's code extends the parent's significant digits.
pub fn check_placement(
    level: RegionLevel,
    code: &str,
    parent_level: RegionLevel,
    parent_code: &str,
) -> Result<(), Problem> {
    if parent_level.child() != Some(level) {
        return Err(Problem::RegionParentLevel);
    }
    let significant = match parent_level {
        RegionLevel::Province => 2,
        RegionLevel::City => 4,
        RegionLevel::District => 6,
        RegionLevel::Street => 9,
        RegionLevel::Community => 12,
    };
    if code.get(..significant) == parent_code.get(..significant) {
        Ok(())
    } else {
        Err(Problem::RegionCodeParent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegionLevel::*;

    #[test]
    fn codes_fit_their_level() {
        assert!(check_code(Province, "440000").is_ok());
        assert!(check_code(City, "440300").is_ok());
        assert!(check_code(District, "440305").is_ok());
        assert!(check_code(Street, "440305001").is_ok());
        assert!(check_code(Community, "440305001001").is_ok());
        assert_eq!(
            check_code(Province, "440300"),
            Err(Problem::RegionCodeLevel)
        );
        assert_eq!(check_code(City, "440000"), Err(Problem::RegionCodeLevel));
        assert_eq!(
            check_code(District, "440300"),
            Err(Problem::RegionCodeLevel)
        );
        assert_eq!(check_code(Street, "440305"), Err(Problem::RegionCodeLevel));
        assert_eq!(
            check_code(Community, "440305001000"),
            Err(Problem::RegionCodeLevel)
        );
        assert_eq!(check_code(District, "44a305"), Err(Problem::Malformed));
        assert_eq!(check_code(District, ""), Err(Problem::Malformed));
    }

    #[test]
    fn children_extend_their_parent() {
        assert!(check_placement(City, "440300", Province, "440000").is_ok());
        assert!(check_placement(District, "440305", City, "440300").is_ok());
        assert!(check_placement(Street, "440305001", District, "440305").is_ok());
        assert!(check_placement(Community, "440305001001", Street, "440305001").is_ok());
        assert_eq!(
            check_placement(District, "440405", City, "440300"),
            Err(Problem::RegionCodeParent)
        );
        assert_eq!(
            check_placement(Street, "440305001", City, "440300"),
            Err(Problem::RegionParentLevel)
        );
        assert_eq!(
            check_placement(Province, "440000", Community, "440305001001"),
            Err(Problem::RegionParentLevel)
        );
    }

    #[test]
    fn levels_parse_and_descend() {
        assert_eq!("street".parse::<RegionLevel>(), Ok(Street));
        assert_eq!(Street.child(), Some(Community));
        assert_eq!(Community.child(), None);
    }
}
