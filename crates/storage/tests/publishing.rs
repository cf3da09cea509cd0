//! Publishing a resident's request on SQLite and PostgreSQL (issue 15 finding 12): wording that
//! still holds a phone, an ID number or an e-mail is refused by storage, naming what was found,
//! whatever called it; with the publisher's confirmation it goes out, and the audit entry records
//! what the confirmation overrode.

use chrono::Utc;
use minxin_domain::kernel::personal_data::PersonalData;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::testing::{fixture, query_raw, stores};

#[tokio::test]
async fn wording_with_personal_data_is_published_only_when_the_publisher_confirms() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let now = Utc::now();
        let receipt = f.resident_request("路灯不亮，请联系我").await;
        let office = f.actor("office_a").await;
        let scoped = store.scoped(&office, "t");
        let shown = || async {
            query_raw::<(bool, String)>(
                &store,
                &format!(
                    "SELECT is_published, public_description FROM service_requests WHERE id = {}",
                    receipt.id
                ),
            )
            .await
            .unwrap()
        };

        let wording =
            "路灯不亮，请联系 138-1234-5678 或 wang@example.com，身份证 110101199001011234";
        let refused = scoped
            .publish_request(receipt.id, 1, Some(wording), false, now)
            .await;
        match refused {
            Err(StoreError::Invalid(problems)) => assert_eq!(
                problems,
                [FieldProblem::new(
                    "wording",
                    Problem::PersonalData {
                        found: vec![
                            PersonalData::Mobile,
                            PersonalData::IdNumber,
                            PersonalData::Email
                        ]
                    }
                )],
                "{b}"
            ),
            other => panic!("{b}: published with personal data: {other:?}"),
        }
        assert_eq!(shown().await, [(false, String::new())], "{b}");

        scoped
            .publish_request(
                receipt.id,
                1,
                Some("路灯不亮，请致电街道公开电话 0571-88881234"),
                true,
                now,
            )
            .await
            .unwrap_or_else(|e| panic!("{b}: {e:?}"));
        assert_eq!(
            shown().await,
            [(
                true,
                "路灯不亮，请致电街道公开电话 0571-88881234".to_owned()
            )],
            "{b}"
        );
        let logged: Vec<(String,)> = query_raw(
            &store,
            "SELECT COALESCE(after, '') FROM audit_log WHERE action = 'request.change' ORDER BY id",
        )
        .await
        .unwrap();
        assert_eq!(
            logged.len(),
            1,
            "{b}: the refusal changed nothing: {logged:?}"
        );
        let after: serde_json::Value = serde_json::from_str(&logged[0].0).unwrap();
        assert_eq!(
            after["confirmed_personal_data"],
            serde_json::json!(["landline"]),
            "{b}: {after}"
        );

        scoped
            .publish_request(receipt.id, 2, Some("路灯不亮，已报修"), false, now)
            .await
            .unwrap_or_else(|e| panic!("{b}: clean wording needs no confirmation: {e:?}"));
    }
}
