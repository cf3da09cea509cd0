//! The kernel every context stands on: money in fen, the one clock every "now" is read from,
//! Shanghai time and the working-day calendar, coordinates and map grids, text and phone rules,
//! the generic [`problem::Problem`] with the [`problem::Refusal`] trait each context implements,
//! stable codes, rate limits, redaction of personal data. It never names a context.

pub mod audit;
pub mod calendar;
pub mod clock;
pub(crate) mod codes;
pub mod geo;
pub mod map_grid;
pub mod money;
pub mod personal_data;
pub mod phone;
pub mod problem;
pub mod rate_limit;
pub mod redirect;
pub mod refusal;
pub mod text;
pub mod time;
