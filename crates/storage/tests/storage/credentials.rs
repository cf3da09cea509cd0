//! Credentials after a change of password and the second factor's enrolment and storage (issue
//! 15 finding 13): a password change leaves nothing of the old one usable, the secret is made on
//! the server, enrolment needs the password, and secrets are sealed at rest, old plaintext ones
//! included. Every test runs on SQLite and, when `MINXIN_TEST_DATABASE_URL` is set, PostgreSQL.

use minxin_domain::Problem;
use minxin_storage::StoreError;
use minxin_storage::identity::auth::Attempt;
use minxin_storage::identity::totp;
use minxin_storage::testing::{PASSWORD, execute_raw, fixture, query_raw, stores};

const ADDRESS: &str = "198.51.100.7";
const NEW_PASSWORD: &str = "Shiyan#2027a";

fn attempt<'a>(username: &'a str, password: &'a str) -> Attempt<'a> {
    Attempt {
        username,
        password,
        address: ADDRESS,
        user_agent: "minxin-tests",
    }
}

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

fn is_wrong(result: Result<(), StoreError>, field: &str, problem: Problem) -> bool {
    matches!(result, Err(StoreError::Invalid(p)) if p.iter().any(|p| p.field == field && p.problem == problem))
}

async fn stored_secret(store: &minxin_storage::Store, account_id: i64) -> Option<String> {
    let rows: Vec<(Option<String>,)> = query_raw(
        store,
        &format!("SELECT totp_secret FROM accounts WHERE id = {account_id}"),
    )
    .await
    .unwrap();
    rows.into_iter().next().and_then(|(s,)| s)
}

/// An API token of `office_a` for a script, which a password change or reset must revoke.
async fn script_token(store: &minxin_storage::Store) -> String {
    let attempt = attempt("office_a", PASSWORD);
    let issued = store.auth().issue_token(&attempt, "script", None).await;
    issued.expect("office_a gets a token").0
}

#[tokio::test]
async fn a_password_change_revokes_tokens_and_sessions_and_rotates_this_one() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let api_token = script_token(&store).await;
        assert!(auth.token_actor(&api_token).await.unwrap().is_some(), "{b}");
        let (own, context) = f.session("office_a", ADDRESS).await;
        let (other, _) = f.session("office_a", "198.51.100.8").await;

        let rotated = auth
            .change_password(&context, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, ADDRESS)
            .await
            .unwrap_or_else(|e| panic!("{b}: {e:?}"));

        assert!(
            auth.token_actor(&api_token).await.unwrap().is_none(),
            "{b}: an API token survived the password change"
        );
        let listed = auth.tokens(&context.actor).await.unwrap();
        assert!(listed.iter().all(|t| t.revoked_at.is_some()), "{b}");
        assert!(auth.session(&other).await.unwrap().is_none(), "{b}");
        assert!(
            auth.session(&own).await.unwrap().is_none(),
            "{b}: the old session id still works"
        );
        assert_ne!(rotated, own, "{b}");
        let current = auth
            .session(&rotated)
            .await
            .unwrap()
            .expect("rotated session");
        assert_eq!(current.session_id, context.session_id, "{b}");
        assert_eq!(current.actor.account_id, context.actor.account_id, "{b}");
    }
}

#[tokio::test]
async fn an_administrators_reset_revokes_the_accounts_tokens() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let api_token = script_token(&store).await;
        let admin = f.actor("sysadmin_a").await;
        store
            .scoped(&admin, ADDRESS)
            .identity()
            .reset_password(f.id("office_a"), "Temp#2027pw")
            .await
            .unwrap_or_else(|e| panic!("{b}: {e:?}"));
        assert!(
            auth.token_actor(&api_token).await.unwrap().is_none(),
            "{b}: an API token survived the reset"
        );
    }
}

#[tokio::test]
async fn enrolment_uses_the_servers_secret_asks_for_the_password_and_seals_it() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let (_, context) = f.session("office_a", ADDRESS).await;
        let secret = auth.begin_totp(&context).await.unwrap();
        assert_eq!(
            auth.begin_totp(&context).await.unwrap(),
            secret,
            "{b}: the pending secret is kept"
        );
        let pending: Vec<(Option<String>,)> = query_raw(
            &store,
            &format!(
                "SELECT totp_pending FROM sessions WHERE id = {}",
                context.session_id
            ),
        )
        .await
        .unwrap();
        let pending = pending[0].0.clone().expect("pending secret stored");
        assert!(
            !pending.contains(&secret),
            "{b}: the pending secret is sealed"
        );

        let code = totp::code_at(&secret, now()).unwrap();
        assert!(
            is_wrong(
                auth.enable_totp(&context, "Wrong#2026pw", &code, ADDRESS)
                    .await,
                "password",
                Problem::WrongPassword
            ),
            "{b}: enabled without the password"
        );
        let refusals = query_raw::<(i64,)>(
            &store,
            "SELECT id FROM audit_log WHERE action = 'auth.totp_change' AND outcome = 'failure'",
        )
        .await
        .unwrap();
        assert_eq!(refusals.len(), 1, "{b}: the wrong password is audited");
        assert!(
            is_wrong(
                auth.enable_totp(&context, PASSWORD, "000000", ADDRESS)
                    .await,
                "code",
                Problem::WrongTotp
            ),
            "{b}"
        );
        auth.enable_totp(&context, PASSWORD, &code, ADDRESS)
            .await
            .unwrap_or_else(|e| panic!("{b}: {e:?}"));

        let stored = stored_secret(&store, context.actor.account_id)
            .await
            .expect("enrolled");
        assert!(
            stored.starts_with("v1:") && !stored.contains(&secret),
            "{b}: {stored}"
        );
        let signed = auth.sign_in(&attempt("office_a", PASSWORD)).await.unwrap();
        assert!(signed.second_factor_pending, "{b}");
        let second = auth.session(&signed.token).await.unwrap().unwrap();
        let code = totp::code_at(&secret, now()).unwrap();
        assert!(
            auth.verify_second_factor(&second, &code, ADDRESS)
                .await
                .unwrap(),
            "{b}: the sealed secret checks codes"
        );

        assert!(
            is_wrong(
                auth.disable_totp(&context, "Wrong#2026pw", ADDRESS).await,
                "password",
                Problem::WrongPassword
            ),
            "{b}"
        );
        auth.disable_totp(&context, PASSWORD, ADDRESS)
            .await
            .unwrap();
        assert_eq!(
            stored_secret(&store, context.actor.account_id).await,
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn plaintext_secrets_from_before_are_sealed_at_start_and_keep_working() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let secret = totp::new_secret();
        let id = f.id("office_a");
        execute_raw(
            &store,
            &format!("UPDATE accounts SET totp_secret = '{secret}' WHERE id = {id}"),
        )
        .await
        .unwrap();

        let report = store.migrate().await.unwrap();
        assert_eq!(report.sealed_totp_secrets, 1, "{b}");
        let stored = stored_secret(&store, id).await.expect("still enrolled");
        assert!(
            stored.starts_with("v1:") && !stored.contains(&secret),
            "{b}: {stored}"
        );
        assert_eq!(store.migrate().await.unwrap().sealed_totp_secrets, 0, "{b}");

        let auth = store.auth();
        let (_, context) = f.session("office_a", ADDRESS).await;
        assert!(
            context.second_factor_pending,
            "{b}: the second factor is kept"
        );
        let code = totp::code_at(&secret, now()).unwrap();
        assert!(
            auth.verify_second_factor(&context, &code, ADDRESS)
                .await
                .unwrap(),
            "{b}: the user's app still works"
        );
    }
}
