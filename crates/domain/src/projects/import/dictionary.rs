//! The names a user may write into the category, region and department columns, and how a
//! cell's text is matched against them (label, code, or a name only one entry has).

use super::sheet::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One entry of a dictionary list: what the user may write into a cell, and the record it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictionaryEntry {
    /// Record id.
    pub id: i64,
    /// Stable code (category code, region code, department code).
    pub code: String,
    /// Name.
    pub name: String,
    /// What the drop-down offers: the name, or a longer form when the name is not unique.
    pub label: String,
    /// For departments: whether the user may put it in the lead.
    pub may_lead: bool,
}

/// The names a user may write: subcategories, streets and communities in scope, departments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dictionary {
    /// Subcategories.
    pub categories: Vec<DictionaryEntry>,
    /// Regions a project can be placed in.
    pub regions: Vec<DictionaryEntry>,
    /// Departments (lead and partners).
    pub departments: Vec<DictionaryEntry>,
}

/// Builds dictionary entries from `(id, code, name, qualifier, may_lead)`, labelled with the
/// name where it is unique and `name（qualifier）` otherwise, so every label is unique.
pub fn entries(items: Vec<(i64, String, String, String, bool)>) -> Vec<DictionaryEntry> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, _, name, _, _) in &items {
        *counts.entry(name.trim().to_owned()).or_default() += 1;
    }
    items
        .into_iter()
        .map(|(id, code, name, qualifier, may_lead)| {
            let name = name.trim().to_owned();
            let label = if counts.get(&name).copied().unwrap_or(0) > 1 {
                format!("{name}（{qualifier}）")
            } else {
                name.clone()
            };
            DictionaryEntry {
                id,
                code,
                name,
                label,
                may_lead,
            }
        })
        .collect()
}

/// Why a dictionary lookup failed.
pub(super) enum Miss {
    Unknown,
    Ambiguous,
}

/// Finds what `value` means in `list`: by label, then by code, then by a name only one entry has.
pub(super) fn lookup<'d>(
    list: &'d [DictionaryEntry],
    value: &str,
) -> Result<&'d DictionaryEntry, Miss> {
    let wanted = fold(value);
    if let Some(e) = list.iter().find(|e| fold(&e.label) == wanted) {
        return Ok(e);
    }
    if let Some(e) = list.iter().find(|e| fold(&e.code) == wanted) {
        return Ok(e);
    }
    let mut named = list.iter().filter(|e| fold(&e.name) == wanted);
    match (named.next(), named.next()) {
        (Some(e), None) => Ok(e),
        (Some(_), Some(_)) => Err(Miss::Ambiguous),
        _ => Err(Miss::Unknown),
    }
}
