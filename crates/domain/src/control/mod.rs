//! Progress control (SPEC §5): milestones and expected progress, progress reports, the money
//! books, the traffic lights and their rules, rankings and the monthly bulletin.

pub mod bulletin;
pub mod finance;
pub mod light;
pub mod progress;
pub mod ranking;
pub mod refusals;
pub mod report;
