//! A public project with everything a public read must cut away: the owner's full phone, an
//! accepted and a returned report (with problems, requests for help and the office's comment),
//! photos whose originals carry a location, money recorded by named accounts, and lifecycle
//! moves with staff's reasons. The tests of the public reads, pages and exports search what
//! they return for [`PRIVATE_TEXTS`].

use super::{Fixture, TestProject};
use crate::control::lights::today;
use crate::control::money::{ContractInput, MoneyInput};
use crate::control::reports::{Decision, NewPhoto, ReportInput};
use crate::kernel::blobs::BlobStore;
use crate::projects::TransitionInput;
use chrono::{Duration, Months};
use minxin_domain::control::report::ReportPeriod;

/// Texts planted in [`Fixture::public_project`] that no public read may return: the owner's
/// phone, account names (user and display names), report problems and requests for help, the
/// office's review comment, staff's reasons for lifecycle moves, and the content of originals.
pub const PRIVATE_TEXTS: [&str; 12] = [
    "13800001234",
    "office_a",
    "finance_a",
    "示例区管理中心",
    "示例区财政局职员",
    "内部问题",
    "需协调事项",
    "退回意见",
    "暂停原因",
    "恢复原因",
    "with GPS",
    "示财预",
];

/// What [`Fixture::public_project`] made.
#[derive(Debug, Clone)]
pub struct PublicSeed {
    /// The project.
    pub id: i64,
    /// Its code, the key of public reads.
    pub code: String,
    /// A photo of the accepted report (public).
    pub accepted_photo: i64,
    /// A photo of the returned report (never public).
    pub returned_photo: i64,
    /// The contractor named in the contract.
    pub contractor: &'static str,
}

/// Photo `n` of a report, with distinct bytes for each copy (storage does not decode them);
/// the original's bytes say "with GPS", so a leak of an original shows in any text search.
pub fn photo(n: usize) -> NewPhoto {
    NewPhoto {
        original: format!("original {n} with GPS").into_bytes(),
        display: format!("display {n}").into_bytes(),
        thumbnail: format!("thumbnail {n}").into_bytes(),
        width: 640,
        height: 480,
        had_location: n == 0,
    }
}

fn report(period: ReportPeriod, percent_bp: u32) -> ReportInput {
    ReportInput {
        period: period.to_string(),
        percent_bp,
        done: format!("完成基础施工 {}%", percent_bp / 100),
        problems: "内部问题：围挡不足".into(),
        help_needed: "需协调事项：电力迁改".into(),
    }
}

/// A county-funded money record of `kind` dated today, with a document number as its note.
pub fn money(kind: &str, amount_fen: i64, contract_id: Option<i64>) -> MoneyInput {
    MoneyInput {
        kind: kind.into(),
        source: "county".into(),
        amount_fen,
        contract_id,
        occurred_on: Some(super::today()),
        note: "示财预〔2026〕12 号".into(),
    }
}

impl Fixture {
    /// Creates the public project described in the module documentation, named `name`, in
    /// district A, with its photos' blobs in `blobs`.
    ///
    /// # Panics
    ///
    /// When any step fails (a broken fixture).
    pub async fn public_project(&self, name: &'static str, blobs: &dyn BlobStore) -> PublicSeed {
        let id = self
            .project(TestProject::building(self, name, 90, 90))
            .await;
        let office = self.actor("office_a").await;
        let s = self.store.scoped(&office, "t");
        let this_month = ReportPeriod::of(today(self.store.db().now()));
        let last_month = ReportPeriod::of(today(self.store.db().now()) - Months::new(1));
        let accepted = s
            .control()
            .file_report_with_photos(id, &report(last_month, 3_000), &[photo(0)], blobs)
            .await
            .expect("report filed");
        s.control()
            .review_report(id, accepted.id, accepted.version, Decision::Accept, "")
            .await
            .expect("report accepted");
        let returned = s
            .control()
            .file_report_with_photos(id, &report(this_month, 4_000), &[photo(1)], blobs)
            .await
            .expect("report filed");
        s.control()
            .review_report(
                id,
                returned.id,
                returned.version,
                Decision::Return,
                "退回意见：照片模糊",
            )
            .await
            .expect("report returned");
        for (action, reason) in [("suspend", "暂停原因：内部"), ("resume", "恢复原因：内部")]
        {
            let version = s.projects().get(id).await.expect("project").version;
            s.projects()
                .transition(
                    id,
                    &TransitionInput {
                        action: action.into(),
                        target_stage: None,
                        reason: reason.into(),
                        version,
                    },
                )
                .await
                .expect("moved");
        }
        let finance = self.actor("finance_a").await;
        let f = self.store.scoped(&finance, "t");
        f.control()
            .record_money(id, &money("approval", 80_000_000, None).parse().unwrap())
            .await
            .expect("approval");
        f.control()
            .record_money(
                id,
                &money("disbursement", 60_000_000, None).parse().unwrap(),
            )
            .await
            .expect("disbursement");
        let contractor = "示例建设工程有限公司";
        let contract = f
            .control()
            .add_contract(
                id,
                &ContractInput {
                    method: "open_tender".into(),
                    contractor: contractor.into(),
                    credit_code: "91350100M000100Y43".into(),
                    amount_fen: Some(70_000_000),
                    signed_on: Some(today(self.store.db().now()) - Duration::days(30)),
                    starts_on: Some(today(self.store.db().now()) - Duration::days(29)),
                    ends_on: Some(today(self.store.db().now()) + Duration::days(100)),
                }
                .parse()
                .unwrap(),
            )
            .await
            .expect("contract");
        f.control()
            .record_money(
                id,
                &money("payment", 10_000_000, Some(contract.id))
                    .parse()
                    .unwrap(),
            )
            .await
            .expect("payment");
        let reports = s.control().reports(id).await.expect("reports");
        let photo_of = |report_id: i64| {
            reports
                .iter()
                .find(|r| r.id == report_id)
                .and_then(|r| r.photos.first())
                .expect("a photo")
                .id
        };
        PublicSeed {
            id,
            code: s.projects().get(id).await.expect("project").code,
            accepted_photo: photo_of(accepted.id),
            returned_photo: photo_of(returned.id),
            contractor,
        }
    }
}
