//! `minxin check money` on the real binary, on SQLite and, when `MINXIN_TEST_DATABASE_URL` is
//! set, on a fresh PostgreSQL database: books written through the application pass; money
//! records entered directly, bypassing every check (as books kept before the rule were), are
//! listed by project code and source with their figures, and the exit code says so.

use minxin_storage::control::money::MoneyInput;
use minxin_storage::testing::{TestProject, execute_raw, fixture, fresh_postgres_url, money};
use minxin_storage::{Db, Store};
use std::path::Path;
use std::process::{Command, Output};

/// `minxin check money` against the data directory `dir` or the database `url`.
fn check_money(dir: &Path, url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minxin"));
    command
        .args(["check", "money"])
        .current_dir(dir)
        .env_remove("MINXIN_CONFIG")
        .env("MINXIN_DATA_DIR", dir.join("data"))
        .env("MINXIN_LOG", "warn");
    match url {
        Some(url) => command.env("MINXIN_DATABASE_URL", url),
        None => command.env_remove("MINXIN_DATABASE_URL"),
    };
    command.output().expect("cannot run the minxin binary")
}

/// A record of the books as an old system would have left it: straight into the table.
async fn enter_directly(store: &Store, project: i64, kind: &str, source: &str, fen: i64) {
    execute_raw(
        store,
        &format!(
            "INSERT INTO money_records (project_id, kind, source, amount_fen, occurred_on, note, \
             created_by_name, created_at) VALUES ({project}, '{kind}', '{source}', {fen}, \
             '2025-06-30', '旧账迁入', 'import', CURRENT_TIMESTAMP)"
        ),
    )
    .await
    .expect("a record entered directly");
}

#[tokio::test]
async fn old_books_that_break_the_rule_are_listed() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut targets = vec![("sqlite", None)];
    if let Some(url) = fresh_postgres_url().await {
        targets.push(("postgres", Some(url)));
    }
    for (b, url) in targets {
        let db = match &url {
            Some(url) => Db::connect(url).await,
            None => Db::open_sqlite_dir(&dir.path().join("data")).await,
        }
        .unwrap();
        let store = Store::new(
            db,
            minxin_storage::kernel::sealing::SealingKey::generate(),
            minxin_domain::kernel::clock::Clock::system(),
        );
        store.migrate().await.unwrap();
        let f = fixture(&store).await;
        let id = f
            .project(TestProject::building(&f, "东湖社区老年食堂", 60, 120))
            .await;
        let finance = f.actor("finance_a").await;
        let s = store.scoped(&finance, "t");
        for (kind, fen) in [
            ("approval", 80_000_000),
            ("disbursement", 60_000_000),
            ("payment", 60_000_000),
        ] {
            s.control()
                .record_money(id, &money(kind, fen, None).parse().unwrap())
                .await
                .unwrap();
        }
        let code = s.projects().get(id).await.unwrap().code;

        // Books kept through the application pass, at their limit.
        let clean = check_money(dir.path(), url.as_deref());
        let out = String::from_utf8_lossy(&clean.stdout);
        assert!(clean.status.success(), "{b}: {out}");
        assert!(out.contains("paid ≤ disbursed ≤ approved"), "{b}: {out}");
        assert!(
            out.contains("1 project funding sources checked, none breaks"),
            "{b}: {out}"
        );

        // The application refuses what old books hold …
        assert!(
            s.control()
                .record_money(id, &money("payment", 1, None).parse().unwrap())
                .await
                .is_err(),
            "{b}"
        );
        let provincial = MoneyInput {
            source: "provincial".into(),
            ..money("disbursement", 5_000_000, None)
        };
        assert!(
            s.control()
                .record_money(id, &provincial.parse().unwrap())
                .await
                .is_err(),
            "{b}"
        );
        // … so they are entered directly.
        enter_directly(&store, id, "payment", "county", 54_720_001).await;
        enter_directly(&store, id, "disbursement", "provincial", 5_000_000).await;

        let broken = check_money(dir.path(), url.as_deref());
        let out = String::from_utf8_lossy(&broken.stdout);
        let err = String::from_utf8_lossy(&broken.stderr);
        assert!(!broken.status.success(), "{b}: {out}");
        assert!(
            out.contains(&format!(
                "{code} county: approved 800,000.00, disbursed 600,000.00, paid 1,147,200.01 元 \
                 — paid exceeds disbursed by 547,200.01 元"
            )),
            "{b}: {out}"
        );
        assert!(
            out.contains(&format!(
                "{code} provincial: approved 0.00, disbursed 50,000.00, paid 0.00 元 \
                 — disbursed exceeds approved by 50,000.00 元"
            )),
            "{b}: {out}"
        );
        assert!(
            err.contains("2 of 2 project funding sources break"),
            "{b}: {err}"
        );
        store.db().close().await;
    }
}
