//! Open311 keys and reads on SQLite and PostgreSQL: the office issues keys within its scope
//! (audited, only the digest stored), a revoked key stops working, a request posted with a key
//! is read back by that key and its token, others see it only once published, and no read
//! carries a resident's contact details or an unpublished answer.

use crate::support::{forbidden, not_found};
use chrono::{Duration, Utc};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_domain::requests::open311::{KEY_PREFIX, window};
use minxin_domain::requests::service_request::RequestState;
use minxin_storage::StoreError;
use minxin_storage::requests::{Open311Query, Submission};
use minxin_storage::testing::{blob_dir, execute_raw, fixture, query_raw, stores};

fn posted(channel: Channel) -> Submission {
    let draft = IntakeDraft {
        category: "lighting".into(),
        description: "路灯不亮".into(),
        address: "示例路 8 号".into(),
        name: "王女士".into(),
        phone: "13800001234".into(),
        ..IntakeDraft::default()
    };
    Submission::parse(draft, None, channel, 0).unwrap()
}

fn everything(key: Option<i64>) -> Open311Query {
    Open311Query {
        ids: Vec::new(),
        service_codes: Vec::new(),
        states: Vec::new(),
        window: window(None, None, Utc::now() + Duration::minutes(1)).unwrap(),
        key,
    }
}

#[tokio::test]
async fn the_office_issues_lists_and_revokes_keys_in_its_scope() {
    for (backend, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let issued = store
            .scoped(&office, "203.0.113.9")
            .requests()
            .issue_open311_key("12345 热线")
            .await
            .unwrap();
        assert!(issued.key.starts_with(KEY_PREFIX), "{backend}");
        assert!(issued.key.starts_with(&issued.listed.prefix), "{backend}");
        assert_eq!(issued.listed.created_by.as_deref(), Some("office_a"));
        let stored: Vec<(String,)> = query_raw(&store, "SELECT key_hash FROM open311_keys")
            .await
            .unwrap();
        assert!(
            stored.iter().all(|(h,)| !h.contains(&issued.key)),
            "{backend}"
        );
        let id = store.open311("x").key(&issued.key).await.unwrap();
        assert_eq!(id, Some(issued.listed.id), "{backend}");
        assert_eq!(store.open311("x").key("o311_nonsense").await.unwrap(), None);

        let office_scope = store.scoped(&office, "x");
        let keys = office_scope.requests();
        // Refusals: an empty name, a role without the permission, a key outside the scope.
        let empty = keys.issue_open311_key("  ").await;
        assert!(matches!(empty, Err(StoreError::Invalid(_))), "{backend}");
        let dept = f.actor("dept_a").await;
        let refused = store
            .scoped(&dept, "x")
            .requests()
            .issue_open311_key("app")
            .await;
        assert!(forbidden(refused), "{backend}");
        let cli = store.bootstrap_open311_key("city app").await.unwrap();
        let listed = keys.open311_keys().await.unwrap();
        assert_eq!(
            listed.len(),
            1,
            "{backend}: the city-wide key is outside district A"
        );
        let outside = keys.revoke_open311_key(cli.listed.id).await;
        assert!(not_found(outside), "{backend}");
        assert_eq!(store.bootstrap_open311_keys().await.unwrap().len(), 2);

        keys.revoke_open311_key(issued.listed.id).await.unwrap();
        assert_eq!(store.open311("x").key(&issued.key).await.unwrap(), None);
        let listed = keys.open311_keys().await.unwrap();
        assert!(listed[0].revoked_at.is_some(), "{backend}");
        store
            .bootstrap_revoke_open311_key(cli.listed.id)
            .await
            .unwrap();
        assert_eq!(store.open311("x").key(&cli.key).await.unwrap(), None);
        let audited: Vec<(String,)> = query_raw(
            &store,
            "SELECT action FROM audit_log WHERE target_type = 'open311_key' ORDER BY id",
        )
        .await
        .unwrap();
        let actions: Vec<&str> = audited.iter().map(|(a,)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "open311.key_create",
                "open311.key_create",
                "open311.key_revoke",
                "open311.key_revoke"
            ],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_key_reads_back_what_it_posted_and_others_only_what_is_published() {
    for (backend, store) in stores().await {
        let _f = fixture(&store).await;
        let (_dir, blobs) = blob_dir();
        let calendar = WorkingCalendar::shipped();
        let first = store.bootstrap_open311_key("app one").await.unwrap();
        let second = store.bootstrap_open311_key("app two").await.unwrap();
        let api = store.open311("2001:db8::7");
        let one = api.key(&first.key).await.unwrap().unwrap();
        let two = api.key(&second.key).await.unwrap().unwrap();
        let post = api
            .submit(
                one,
                &posted(Channel::Open311),
                &blobs,
                &calendar,
                Utc::now(),
            )
            .await
            .unwrap();
        let portal = api
            .submit(one, &posted(Channel::Portal), &blobs, &calendar, Utc::now())
            .await;
        assert!(matches!(portal, Err(StoreError::Invalid(_))), "{backend}");
        assert_eq!(api.token(&post.token).await.unwrap(), post.id, "{backend}");
        assert!(not_found(api.token("nope").await));
        let (channel, receipt): (String, String) = query_raw(
            &store,
            &format!(
                "SELECT channel, receipt FROM service_requests WHERE id = {}",
                post.id
            ),
        )
        .await
        .unwrap()
        .remove(0);
        assert_eq!(channel, "open311", "{backend}");
        assert_ne!(receipt, post.id.to_string());

        let own = api.requests(&everything(Some(one))).await.unwrap();
        assert_eq!(own.len(), 1, "{backend}: the posting key sees its request");
        assert_eq!(own[0].service_code, "lighting");
        assert!(
            api.requests(&everything(Some(two)))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(api.requests(&everything(None)).await.unwrap().is_empty());
        // Without the key it still answers (issue 15), with its status and service only.
        let polled = api.request(post.id, None).await.unwrap();
        assert!(polled.limited, "{backend}");
        assert_eq!(polled.state, "submitted", "{backend}");
        assert_eq!(polled.service_code, "lighting", "{backend}");
        assert_eq!(polled.description, "", "{backend}");
        assert_eq!(polled.address, "", "{backend}");
        assert_eq!(
            (polled.latitude, polled.longitude),
            (None, None),
            "{backend}"
        );
        assert!(!api.request(post.id, Some(one)).await.unwrap().limited);
        assert!(not_found(api.request(post.id + 1000, None).await));

        // Answered and published: everyone sees it, with the answer; a revoked key's own
        // unpublished requests are no longer its to read.
        execute_raw(
            &store,
            &format!(
                "UPDATE service_requests SET answer = '已修复', state = 'closed' WHERE id = {}",
                post.id
            ),
        )
        .await
        .unwrap();
        let unpublished = api.request(post.id, Some(one)).await.unwrap();
        assert_eq!(unpublished.answer, None, "{backend}: not published yet");
        execute_raw(
            &store,
            &format!(
                "UPDATE service_requests SET is_published = TRUE WHERE id = {}",
                post.id
            ),
        )
        .await
        .unwrap();
        let public = api.request(post.id, None).await.unwrap();
        let both = api.requests(&everything(Some(one))).await.unwrap();
        assert_eq!(both.len(), 1, "{backend}: published and own, listed once");
        assert_eq!(public.answer.as_deref(), Some("已修复"), "{backend}");
        let closed = Open311Query {
            states: vec![RequestState::Closed, RequestState::Merged],
            ..everything(None)
        };
        assert_eq!(api.requests(&closed).await.unwrap().len(), 1, "{backend}");
        let open = Open311Query {
            states: vec![RequestState::Submitted],
            ..everything(None)
        };
        assert!(api.requests(&open).await.unwrap().is_empty(), "{backend}");
        let other_service = Open311Query {
            service_codes: vec!["road".into()],
            ..everything(None)
        };
        assert!(api.requests(&other_service).await.unwrap().is_empty());
        let by_id = Open311Query {
            ids: vec![post.id],
            service_codes: vec!["road".into()],
            ..everything(None)
        };
        assert_eq!(api.requests(&by_id).await.unwrap().len(), 1, "ids override");
        let last_year = Open311Query {
            window: window(None, None, Utc::now() - Duration::days(365)).unwrap(),
            ..everything(None)
        };
        assert!(api.requests(&last_year).await.unwrap().is_empty());

        execute_raw(
            &store,
            &format!(
                "UPDATE service_requests SET is_published = FALSE WHERE id = {}",
                post.id
            ),
        )
        .await
        .unwrap();
        store
            .bootstrap_revoke_open311_key(first.listed.id)
            .await
            .unwrap();
        let revoked = api.request(post.id, Some(one)).await.unwrap();
        assert!(
            revoked.limited,
            "{backend}: a revoked key reads back its status only"
        );
        assert_eq!(revoked.description, "", "{backend}");
    }
}
