//! The organisation: regions, departments and the chart of both, as pages for the office and as
//! API operations. Every data scope rests on this tree; storage decides who may change it.

pub mod api;
pub mod pages;
