//! The organisation a district runs on: regions with GB/T 2260 codes and their boundaries,
//! departments' data scopes, and the project categories offered in each region.

pub mod boundary;
pub mod boundary_import;
pub mod category;
mod refusals;
pub mod region;
pub mod scope;
