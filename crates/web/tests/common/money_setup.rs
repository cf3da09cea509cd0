//! The money set-ups of [`TestApp`]: contracts and money recorded straight in storage as
//! `finance_a`, and the project's books read back, so that a change of storage's API touches
//! few lines.

use super::TestApp;
use minxin_storage::control::money::{Books, ContractInput, MoneyInput};

impl TestApp {
    /// Signs contract `input` for project `project_id` as `finance_a`.
    pub async fn add_contract(&self, project_id: i64, input: &ContractInput) {
        let finance = self.actor("finance_a").await;
        self.store()
            .scoped(&finance, "t")
            .control()
            .add_contract(project_id, &input.parse().unwrap())
            .await
            .unwrap();
    }

    /// Records the money of `input` on project `project_id` as `finance_a`.
    pub async fn record_money(&self, project_id: i64, input: &MoneyInput) {
        let finance = self.actor("finance_a").await;
        self.store()
            .scoped(&finance, "t")
            .control()
            .record_money(project_id, &input.parse().unwrap())
            .await
            .unwrap();
    }

    /// Project `project_id`'s books as `finance_a` reads them.
    pub async fn books(&self, project_id: i64) -> Books {
        let finance = self.actor("finance_a").await;
        self.store()
            .scoped(&finance, "t")
            .control()
            .books(project_id)
            .await
            .unwrap()
    }
}
