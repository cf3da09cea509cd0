//! Benchmark data: many more projects than a district has, invented like the demo's with their
//! past reports and money, and inserted in bulk, so list, project, light and dashboard work can
//! be measured at scale.

use crate::dice::Dice;
use crate::progress::{Planned, invent};
use crate::projects::World;
use chrono::{Duration, NaiveDate};
use minxin_domain::projects::code as project_code;
use minxin_domain::projects::project::Stage;
use minxin_storage::projects::BudgetLine;
use minxin_storage::seed::BulkProject;
use minxin_storage::seed_progress::PastProgress;
use minxin_storage::{Store, StoreError};

/// Rows invented and inserted per round; each round reports progress.
const ROUND: usize = 10_000;

/// What has been seeded so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seeded {
    /// Projects.
    pub projects: usize,
    /// Monthly reports.
    pub reports: usize,
    /// Money records.
    pub money: usize,
}

/// Adds `count` invented projects (codes `<year>-MX-100001` onwards, to stay clear of the
/// demo's), with a year or so of reports and money each, to a database that holds the demo
/// district.
pub async fn seed(
    store: &Store,
    count: usize,
    today: NaiveDate,
    mut progress: impl FnMut(Seeded),
) -> Result<(), StoreError> {
    let world = World::load(store).await?;
    let mut dice = Dice::new();
    let mut seeded = Seeded::default();
    let mut done = 0;
    while done < count {
        let mut rows = Vec::with_capacity(ROUND);
        for i in done..(done + ROUND).min(count) {
            let stage = Stage::ALL[i % Stage::ALL.len()];
            let year = 2022 + (i % 5) as i32;
            let invented = world.invent(&mut dice, year, stage, today)?;
            let input = invented.input;
            rows.push(BulkProject {
                code: project_code::generate(year, 100_001 + i as u32),
                name: input.name,
                category_id: input.category_id,
                year,
                region_id: input.region_id,
                region_path: invented.region_path,
                lead_department_id: input.lead_department_id,
                owner_name: input.owner_name,
                owner_phone: input.owner_phone,
                address: input.address,
                planned_start: input.planned_start.unwrap_or(today),
                // Longer than the demo's: about ten monthly reports a project reporting.
                planned_end: input.planned_end.unwrap_or(today) + Duration::days(180),
                stage,
                progress_percent: (dice.below(101)) as i32,
                budget: input.budget.into_iter().collect(),
                partners: input.partner_department_ids,
                location: input.latitude.zip(input.longitude),
            });
        }
        let ids = store.seed_bulk_projects(&rows).await?;
        let mut past = PastProgress::default();
        for (id, row) in ids.into_iter().zip(&rows) {
            let budget: Vec<BudgetLine> = row
                .budget
                .iter()
                .map(|(source, fen)| BudgetLine {
                    source: source.code().to_owned(),
                    amount_fen: *fen,
                })
                .collect();
            let planned = Planned {
                id,
                start: row.planned_start,
                end: row.planned_end,
                budget: &budget,
                managed: false,
            };
            invent(&planned, row.stage, today, &mut dice, &mut past);
        }
        store.seed_progress(&past).await?;
        done += rows.len();
        seeded = Seeded {
            projects: done,
            reports: seeded.reports + past.reports.len(),
            money: seeded.money + past.money.len(),
        };
        progress(seeded);
    }
    Ok(())
}
