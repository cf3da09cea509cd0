//! The staff side of service requests through the JSON API (issue 15 finding 14), on both
//! databases, driven the way a 12345 hotline system would: a request entered by phone,
//! dispatched, accepted, started, answered and closed; scope and role refusals; the version
//! check; contact details only for those handling a request; refusals naming every field in the
//! caller's language; photos only as re-encoded copies, to staff in scope.

use crate::common::requests_api::{
    enter, fields, file, get, make, moved, narrow_dept_a, phoned, post, queue, version,
};
use crate::common::{Reply, TestApp, jpeg, report};
use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

#[tokio::test]
async fn a_hotline_works_a_request_from_entry_to_close() {
    for env in TestApp::each().await {
        let b = env.backend;
        narrow_dept_a(&env).await;
        let office = env.token("office_a").await;
        let dept = env.token("dept_a").await;

        let entered = post(&env, &office, "/requests", phoned("lighting")).await;
        assert_eq!(entered.status, StatusCode::CREATED, "{b}: {}", entered.body);
        let receipt = entered.json();
        let id = receipt["id"].as_i64().unwrap();
        assert!(!receipt["receipt_code"].as_str().unwrap().is_empty(), "{b}");
        assert_eq!(receipt["routed"], json!(false), "{b}");

        let dispatch = get(&env, &office, "/requests?view=dispatch").await;
        assert_eq!(dispatch.json()["total"], json!(1), "{b}: {}", dispatch.body);
        assert_eq!(dispatch.json()["items"][0]["id"], json!(id), "{b}");
        assert!(
            !dispatch.body.contains("13900002222"),
            "{b}: a queue carries no phone"
        );

        let seen = file(&env, &office, id).await;
        assert_eq!(seen.status, StatusCode::OK, "{b}: {}", seen.body);
        let seen = seen.json();
        assert_eq!(seen["acts_as"], json!("office"), "{b}");
        assert_eq!(seen["moves"], json!(["assign", "merge"]), "{b}");
        assert_eq!(seen["request"]["channel"], json!("phone"), "{b}");
        assert_eq!(
            seen["request"]["contact_phone"],
            json!("13900002222"),
            "{b}"
        );
        assert_eq!(
            seen["request"]["entered_by_name"],
            json!("示例区管理中心"),
            "{b}"
        );

        let assigned = moved(
            &env,
            &office,
            id,
            json!({ "move": "assign", "department": env.fx().a_zj }),
        )
        .await;
        assert_eq!(assigned["state"], json!("assigned"), "{b}");
        assert_eq!(queue(&env, &dept, "view=open").await, vec![id], "{b}");
        let held = file(&env, &dept, id).await.json();
        assert_eq!(held["acts_as"], json!("department"), "{b}");
        assert_eq!(held["moves"], json!(["accept", "transfer", "merge"]), "{b}");

        for (step, state) in [
            (json!({ "move": "accept" }), "accepted"),
            (json!({ "move": "start" }), "in_progress"),
            (
                json!({ "move": "answer", "text": "已更换灯泡，恢复照明" }),
                "answered",
            ),
        ] {
            assert_eq!(
                moved(&env, &dept, id, step).await["state"],
                json!(state),
                "{b}"
            );
        }
        let closed = moved(&env, &office, id, json!({ "move": "close" })).await;
        assert_eq!(closed["state"], json!("closed"), "{b}");

        let done = file(&env, &office, id).await.json();
        assert_eq!(done["request"]["state"], json!("closed"), "{b}");
        assert_eq!(
            done["request"]["answer"],
            json!("已更换灯泡，恢复照明"),
            "{b}"
        );
        assert_eq!(done["request"]["owner_name"], json!("示例区住建局"), "{b}");
        assert_eq!(done["moves"], json!([]), "{b}");
        let timeline: Vec<(String, String)> = done["request"]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["kind"].as_str().unwrap().to_owned(),
                    s["actor_name"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected = [
            ("submitted", "office_a"),
            ("assigned", "office_a"),
            ("accepted", "dept_a"),
            ("started", "dept_a"),
            ("answered", "dept_a"),
            ("closed", "office_a"),
        ]
        .map(|(k, a)| (k.to_owned(), a.to_owned()));
        assert_eq!(timeline, expected, "{b}");
        assert_eq!(
            done["request"]["timeline"][1]["department_name"],
            json!("示例区住建局"),
            "{b}"
        );
        assert_eq!(queue(&env, &office, "view=done").await, vec![id], "{b}");
        assert_eq!(
            queue(&env, &office, "view=all&state=closed").await,
            vec![id],
            "{b}"
        );
        assert!(
            queue(&env, &office, "view=all&state=submitted")
                .await
                .is_empty(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn scope_and_roles_decide_who_sees_and_moves_a_request() {
    for env in TestApp::each().await {
        let b = env.backend;
        let office = env.token("office_a").await;
        let other_district = env.token("dept_b").await;
        let leader = env.token("leader_a").await;
        let id = enter(&env, &office, phoned("lighting")).await;
        let at = version(&env, &office, id).await;

        // Another district's department neither sees nor moves it.
        assert_eq!(
            file(&env, &other_district, id).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert!(
            queue(&env, &other_district, "view=all").await.is_empty(),
            "{b}"
        );
        let assign = json!({ "move": "assign", "department": env.fx().b_zj });
        let refused = make(&env, &other_district, id, at, assign.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "{b}: {}",
            refused.body
        );

        // The leader reads the file, without the resident's contact details or exact point,
        // and may not move it or enter requests.
        let read = file(&env, &leader, id).await;
        assert_eq!(read.status, StatusCode::OK, "{b}: {}", read.body);
        let view = read.json();
        assert_eq!(view["request"]["contact_phone"], Value::Null, "{b}");
        assert_eq!(view["request"]["contact_name"], Value::Null, "{b}");
        assert!(
            !read.body.contains("13900002222") && !read.body.contains("李大爷"),
            "{b}"
        );
        assert_eq!(view["acts_as"], Value::Null, "{b}");
        assert_eq!(view["moves"], json!([]), "{b}");
        assert_eq!(queue(&env, &leader, "").await, vec![id], "{b}");
        let refused = make(&env, &leader, id, at, assign).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            refused.body
        );
        let refused = post(&env, &leader, "/requests", phoned("lighting")).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            refused.body
        );

        // Routing, statistics' regions and keys stay within the office's own.
        for path in ["/requests/routing/rules", "/open311-keys"] {
            let reply = get(&env, &leader, path).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{b} {path}: {}",
                reply.body
            );
        }
        let elsewhere = format!("/requests/stats?region_id={}", env.fx().district_b.id);
        let reply = get(&env, &office, &elsewhere).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{b}: {}", reply.body);
        assert_eq!(version(&env, &office, id).await, at, "{b}: nothing moved");
    }
}

#[tokio::test]
async fn stale_versions_conflict_and_refusals_name_every_field_in_the_callers_language() {
    for env in TestApp::each().await {
        let b = env.backend;
        let office = env.token("office_a").await;
        let id = enter(&env, &office, phoned("lighting")).await;
        let at = version(&env, &office, id).await;
        let assign = json!({ "move": "assign", "department": env.fx().a_zj });
        let first = make(&env, &office, id, at, assign.clone()).await;
        assert_eq!(first.status, StatusCode::CREATED, "{b}: {}", first.body);
        let stale = make(&env, &office, id, at, assign).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{b}: {}", stale.body);
        assert_eq!(stale.json()["code"], json!("conflict"), "{b}");

        // The office may not accept for the department: the workflow's refusal, in words.
        let path = format!("/requests/{id}/moves");
        let accept = json!({ "move": "accept", "version": at + 1 });
        let zh = post(&env, &office, &path, accept.clone()).await;
        let en = env
            .api_in(Some("en"), Method::POST, &path, Some(&office), Some(accept))
            .await;
        for reply in [&zh, &en] {
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
            assert_eq!(fields(reply), ["move"], "{b}");
        }
        let message = |r: &Reply| {
            r.json()["fields"][0]["message"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_ne!(message(&zh), message(&en), "{b}: both languages");
        assert!(message(&en).is_ascii(), "{b}: {}", message(&en));
        assert!(!message(&zh).is_ascii(), "{b}: {}", message(&zh));

        let transfer = json!({ "move": "transfer", "version": at + 1 });
        let reply = post(&env, &office, &path, transfer).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
        assert_eq!(fields(&reply), ["department"], "{b}");

        // An empty entry names the channel and everything the request lacks, at once.
        let reply = post(&env, &office, "/requests", json!({})).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
        let named = fields(&reply);
        for field in ["channel", "category", "description"] {
            assert!(
                named.iter().any(|f| f == field),
                "{b}: {field} in {named:?}"
            );
        }
        let mut fax = phoned("lighting");
        fax["channel"] = json!("portal");
        let reply = post(&env, &office, "/requests", fax).await;
        assert_eq!(
            fields(&reply),
            ["channel"],
            "{b}: a resident's channel is not staff's"
        );

        let reply = get(&env, &office, "/requests?view=soon&state=lost&page=0").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
        assert_eq!(fields(&reply), ["view", "state", "page"], "{b}");
        let reply = get(
            &env,
            &office,
            "/requests/stats?from=yesterday&department_id=1e30",
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
        assert_eq!(fields(&reply), ["from", "department_id"], "{b}");
        // Days neither database can store are refused, not sent to the database.
        let path = "/requests/stats?from=-4800-01-01&to=%2B262142-12-31";
        let reply = get(&env, &office, path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{b}: {}", reply.body);
        assert_eq!(fields(&reply), ["from", "to"], "{b}");
    }
}

#[tokio::test]
async fn a_requests_photos_are_served_to_staff_in_scope_only() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut resident = env.anonymous();
        let photo = jpeg(640, 480);
        let fields = [
            ("category", "lighting"),
            ("description", "路灯不亮"),
            ("lat", "30.5"),
            ("lon", "114.5"),
        ];
        let receipt = report(&mut resident, &fields, &[("lamp.jpg", &photo)]).await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let office = env.token("office_a").await;
        let id = queue(&env, &office, "view=dispatch").await[0];
        let seen = file(&env, &office, id).await.json();
        let photo_id = seen["request"]["photos"][0]["id"].as_i64().unwrap();
        assert_eq!(
            seen["request"]["photos"][0]["stage"],
            json!("intake"),
            "{b}"
        );

        for copy in ["display", "thumbnail"] {
            let path = format!("/requests/{id}/photos/{photo_id}/{copy}");
            let reply = get(&env, &office, &path).await;
            assert_eq!(reply.status, StatusCode::OK, "{b} {copy}");
            assert_eq!(reply.headers[header::CONTENT_TYPE], "image/jpeg", "{b}");
        }
        let original = format!("/requests/{id}/photos/{photo_id}/original");
        assert_eq!(
            get(&env, &office, &original).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let other_district = env.token("dept_b").await;
        let theirs = format!("/requests/{id}/photos/{photo_id}/display");
        let refused = get(&env, &other_district, &theirs).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{b}");
    }
}
