//! Storage behaviour that the rest of Minxin relies on: migrations, the append-only audit log,
//! sign-in with lockout, sessions, passwords, 三员分立, data scopes, optimistic concurrency and
//! API tokens. Every test runs on SQLite and, when `MINXIN_TEST_DATABASE_URL` is set, on
//! PostgreSQL too; failure messages start with the backend's name.

use chrono::{Duration, Utc};
use minxin_domain::identity::security_policy::SecurityPolicy;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Problem, Role, RoleSet};
use minxin_storage::accounts::{AccessInput, Account, AccountFilter, AccountInput};
use minxin_storage::audit::{Entry, Filter};
use minxin_storage::auth::{Attempt, SignInError};
use minxin_storage::bootstrap::CliAccount;
use minxin_storage::departments::{Department, DepartmentInput};
use minxin_storage::regions::{Region, RegionInput};
use minxin_storage::testing::{self, Fixture, PASSWORD, fixture, stores};
use minxin_storage::{PageRequest, Scoped, Store, StoreError};
use std::fmt::Debug;

/// The source address of most requests in these tests (TEST-NET-2).
const ADDRESS: &str = "198.51.100.7";

/// Unwraps `Ok`, or panics naming the backend and the failed expression.
macro_rules! ok {
    ($backend:expr, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(e) => panic!("{}: `{}` failed: {:?}", $backend, stringify!($result), e),
        }
    };
}

/// Asserts that a result is an error matching a pattern, naming the backend otherwise.
macro_rules! assert_err {
    ($backend:expr, $result:expr, $pattern:pat) => {{
        let result = $result;
        assert!(
            matches!(result, Err($pattern)),
            "{}: `{}` should fail with {}, got {:?}",
            $backend,
            stringify!($result),
            stringify!($pattern),
            result
        );
    }};
}

/// The problems of an `Invalid` error; panics naming the backend on any other outcome.
fn problems<T: Debug>(backend: &str, what: &str, result: Result<T, StoreError>) -> Vec<Problem> {
    match result {
        Err(StoreError::Invalid(found)) => found.into_iter().map(|p| p.problem).collect(),
        other => panic!("{backend}: {what}: expected invalid input, got {other:?}"),
    }
}

/// Asserts that `result` is invalid input including `problem`.
fn assert_problem<T: Debug>(
    backend: &str,
    what: &str,
    result: Result<T, StoreError>,
    problem: Problem,
) {
    let found = problems(backend, what, result);
    assert!(
        found.contains(&problem),
        "{backend}: {what}: expected {problem:?} among {found:?}"
    );
}

fn attempt<'a>(username: &'a str, password: &'a str, address: &'a str) -> Attempt<'a> {
    Attempt {
        username,
        password,
        address,
        user_agent: "minxin-tests",
    }
}

fn account_input(a: &Account) -> AccountInput {
    AccountInput {
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        phone: a.phone.clone().unwrap_or_default(),
        region_id: a.region_id,
        department_id: a.department_id,
        disabled: a.disabled,
    }
}

fn new_account(username: &str, region_id: i64, department_id: Option<i64>) -> AccountInput {
    AccountInput {
        username: username.into(),
        display_name: "新职员".into(),
        phone: "13800000000".into(),
        region_id,
        department_id,
        disabled: false,
    }
}

fn department_input(d: &Department) -> DepartmentInput {
    DepartmentInput {
        code: d.code.clone(),
        name: d.name.clone(),
        region_id: d.region_id,
        phone: d.phone.clone().unwrap_or_default(),
    }
}

fn region_input(r: &Region, name: &str) -> RegionInput {
    RegionInput {
        code: r.code.clone(),
        name: name.into(),
        level: r.level.clone(),
        parent_id: r.parent_id,
    }
}

fn access(roles: &[&str], scope_region_id: Option<i64>, departments: &[i64]) -> AccessInput {
    AccessInput {
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        scope_region_id,
        scope_departments: departments.to_vec(),
    }
}

fn by_actor(actor: &str, action: AuditAction) -> Filter {
    Filter {
        actor: Some(actor.into()),
        action: Some(action),
        ..Filter::default()
    }
}

/// The audit log as the city-wide auditor sees it, newest first.
async fn audit(f: &Fixture, filter: Filter) -> Vec<Entry> {
    let auditor = f.actor("auditor").await;
    f.store
        .scoped(&auditor, ADDRESS)
        .audit_export(&filter, 100_000)
        .await
        .expect("the auditor reads the audit log")
        .into_iter()
        .rev()
        .collect()
}

/// Creates an extra account through the CLI path, with [`PASSWORD`].
async fn add_account(
    store: &Store,
    username: &str,
    role: Role,
    region_code: &str,
    must_change_password: bool,
) -> i64 {
    store
        .bootstrap_account(&CliAccount {
            username,
            display_name: "测试账户",
            password: PASSWORD,
            roles: RoleSet::new([role]),
            region_code,
            department_code: None,
            scope_region_code: Some(region_code),
            must_change_password,
        })
        .await
        .unwrap_or_else(|e| panic!("extra account {username}: {e}"))
}

/// Every administrative operation refuses `s` with Forbidden (used for business roles and for
/// the administrators outside their own duty).
async fn assert_no_administration(backend: &str, who: &str, s: &Scoped<'_>, f: &Fixture) {
    let b = format!("{backend} ({who})");
    let some_account = f.id("office_a");
    let dept = department_input_of(f, f.a_zj).await;
    assert_err!(
        b,
        s.create_account(
            &new_account("intruder", f.district_a.id, None),
            "Temp#2026x"
        )
        .await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.update_account(
            some_account,
            1,
            &new_account("office_a", f.district_a.id, None)
        )
        .await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.reset_password(some_account, "Takeover#2026").await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.create_region(&RegionInput {
            code: "990101009".into(),
            name: "越权街道".into(),
            level: "street".into(),
            parent_id: Some(f.district_a.id),
        })
        .await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.update_region(
            f.street_a.id,
            f.street_a.version,
            &region_input(&f.street_a, "改名")
        )
        .await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.delete_region(f.street_a.id).await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.create_department(&DepartmentInput {
            code: "A-XX".into(),
            name: "越权部门".into(),
            region_id: f.district_a.id,
            phone: String::new(),
        })
        .await,
        StoreError::Forbidden
    );
    assert_err!(
        b,
        s.update_department(f.a_zj, 1, &dept).await,
        StoreError::Forbidden
    );
    assert_err!(b, s.delete_department(f.a_jy).await, StoreError::Forbidden);
    assert_err!(
        b,
        s.set_security_policy(&SecurityPolicy::default()).await,
        StoreError::Forbidden
    );
}

async fn department_input_of(f: &Fixture, id: i64) -> DepartmentInput {
    let sysadmin = f.actor("sysadmin").await;
    let d = f
        .store
        .scoped(&sysadmin, ADDRESS)
        .department(id)
        .await
        .expect("sysadmin reads a department");
    department_input(&d)
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_audit_log_is_append_only() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let again = ok!(b, store.migrate().await);
        let and_again = ok!(b, store.migrate().await);
        assert!(
            again.applied.is_empty() && and_again.applied.is_empty(),
            "{b}: a migrated schema was migrated again: {again:?} {and_again:?}"
        );
        assert!(
            again.current >= 1 && again.current == and_again.current,
            "{b}"
        );
        assert!(
            !ok!(b, store.is_empty().await),
            "{b}: fixture regions missing"
        );

        let entries = audit(&f, Filter::default()).await;
        assert!(
            !entries.is_empty(),
            "{b}: the fixture wrote no audit entries"
        );
        for sql in [
            "UPDATE audit_log SET actor_name = 'mallory'",
            "UPDATE audit_log SET outcome = 'success' WHERE id = 1",
            "DELETE FROM audit_log WHERE id = 1",
            "DELETE FROM audit_log",
        ] {
            let result = testing::execute_raw(&store, sql).await;
            assert!(result.is_err(), "{b}: `{sql}` was allowed: {result:?}");
        }
        if b == "postgres" {
            let result = testing::execute_raw(&store, "TRUNCATE audit_log").await;
            assert!(result.is_err(), "{b}: TRUNCATE was allowed");
        }
        let after = audit(&f, Filter::default()).await;
        assert_eq!(
            after
                .iter()
                .map(|e| (e.id, &e.actor_name))
                .collect::<Vec<_>>(),
            entries
                .iter()
                .map(|e| (e.id, &e.actor_name))
                .collect::<Vec<_>>(),
            "{b}: the audit log changed"
        );
        // Raw SQL itself works: other tables accept updates.
        let changed = ok!(
            b,
            testing::execute_raw(
                &store,
                "UPDATE departments SET phone = NULL WHERE code = 'A-JY'"
            )
            .await
        );
        assert_eq!(changed, 1, "{b}");
    }
}

#[tokio::test]
async fn sign_in_opens_a_session_and_every_attempt_is_audited() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let signed = ok!(
            b,
            auth.sign_in(&attempt("leader_a", PASSWORD, ADDRESS)).await
        );
        assert!(
            !signed.must_change_password && !signed.second_factor_pending,
            "{b}"
        );
        let context = ok!(b, auth.session(&signed.token).await)
            .unwrap_or_else(|| panic!("{b}: a fresh session did not resolve"));
        assert_eq!(context.actor, f.actor("leader_a").await, "{b}");
        assert!(context.actor.roles.has(Role::Leader), "{b}");
        assert_eq!(
            context.actor.scope.region_path.as_deref(),
            Some(f.district_a.path.as_str()),
            "{b}"
        );
        assert!(ok!(b, auth.session("not-a-token").await).is_none(), "{b}");
        // Surrounding blanks in the user name are forgiven, the password is exact.
        ok!(
            b,
            auth.sign_in(&attempt(" leader_a ", PASSWORD, ADDRESS))
                .await
        );

        assert_err!(
            b,
            auth.sign_in(&attempt("leader_a", "Wrong#2026", ADDRESS))
                .await,
            SignInError::BadCredentials
        );
        assert_err!(
            b,
            auth.sign_in(&attempt("leader_a", "minxin#2026", ADDRESS))
                .await,
            SignInError::BadCredentials
        );
        assert_err!(
            b,
            auth.sign_in(&attempt("nobody", PASSWORD, ADDRESS)).await,
            SignInError::BadCredentials
        );

        let entries = audit(&f, by_actor("leader_a", AuditAction::SignIn)).await;
        let id = Some(f.id("leader_a"));
        assert_eq!(
            entries.iter().filter(|e| e.outcome == "success").count(),
            2,
            "{b}: {entries:?}"
        );
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.outcome == "failure" && e.target_label == "bad_credentials")
                .count(),
            2,
            "{b}: {entries:?}"
        );
        assert!(
            entries
                .iter()
                .all(|e| e.actor_id == id && e.address == ADDRESS),
            "{b}: {entries:?}"
        );
        let unknown = audit(&f, by_actor("nobody", AuditAction::SignIn)).await;
        assert!(
            unknown.len() == 1 && unknown[0].outcome == "failure" && unknown[0].actor_id.is_none(),
            "{b}: attempt on an unknown user name: {unknown:?}"
        );
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let wrong = |address| attempt("office_a", "Wrong#2026", address);
        let right = |address| attempt("office_a", PASSWORD, address);

        // Four failures do not lock, and a success starts the count again.
        for _ in 0..4 {
            assert_err!(
                b,
                auth.sign_in(&wrong("203.0.113.1")).await,
                SignInError::BadCredentials
            );
        }
        ok!(b, auth.sign_in(&right("203.0.113.1")).await);
        for _ in 0..4 {
            assert_err!(
                b,
                auth.sign_in(&wrong("203.0.113.2")).await,
                SignInError::BadCredentials
            );
        }
        ok!(b, auth.sign_in(&right("203.0.113.2")).await);

        // The fifth failure in a row locks, whatever the address; the right password is refused.
        for _ in 0..5 {
            assert_err!(
                b,
                auth.sign_in(&wrong("203.0.113.3")).await,
                SignInError::BadCredentials
            );
        }
        match auth.sign_in(&right("203.0.113.3")).await {
            Err(SignInError::AccountLocked(until)) => assert!(
                until > Utc::now() + Duration::minutes(14),
                "{b}: lock ends too soon: {until}"
            ),
            other => panic!("{b}: a locked account signed in: {other:?}"),
        }
        assert_err!(
            b,
            auth.sign_in(&right("203.0.113.4")).await,
            SignInError::AccountLocked(_)
        );
        assert_err!(
            b,
            auth.issue_token(&right("203.0.113.4"), "脚本", None).await,
            SignInError::AccountLocked(_)
        );
        // Other accounts are not affected.
        ok!(
            b,
            auth.sign_in(&attempt("leader_a", PASSWORD, "203.0.113.3"))
                .await
        );

        let entries = audit(&f, by_actor("office_a", AuditAction::SignIn)).await;
        let count = |outcome: &str, label: &str| {
            entries
                .iter()
                .filter(|e| e.outcome == outcome && e.target_label == label)
                .count()
        };
        assert_eq!(count("failure", "bad_credentials"), 13, "{b}: {entries:?}");
        assert_eq!(count("success", "signed_in"), 2, "{b}: {entries:?}");
        assert_eq!(count("denied", "account_locked"), 2, "{b}: {entries:?}");
        let token_refusals = audit(&f, by_actor("office_a", AuditAction::TokenCreate)).await;
        assert!(
            token_refusals.len() == 1 && token_refusals[0].outcome == "denied",
            "{b}: {token_refusals:?}"
        );
    }
}

#[tokio::test]
async fn failures_across_accounts_lock_the_address() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let spray = "203.0.113.66";
        // Password spraying: one guess each on many user names, from one address.
        for i in 0..19 {
            let name = format!("ghost{i:02}");
            assert_err!(
                b,
                auth.sign_in(&attempt(&name, "Spring#2026", spray)).await,
                SignInError::BadCredentials
            );
        }
        // Nineteen failures (the default threshold is twenty) leave the address usable.
        ok!(b, auth.sign_in(&attempt("dept_a", PASSWORD, spray)).await);
        assert_err!(
            b,
            auth.sign_in(&attempt("ghost19", "Spring#2026", spray))
                .await,
            SignInError::BadCredentials
        );
        match auth.sign_in(&attempt("dept_b", PASSWORD, spray)).await {
            Err(SignInError::AddressLocked(until)) => {
                assert!(until > Utc::now() + Duration::minutes(14), "{b}: {until}")
            }
            other => panic!("{b}: a locked address signed in: {other:?}"),
        }
        // The accounts themselves are not locked: another address gets in.
        ok!(
            b,
            auth.sign_in(&attempt("dept_b", PASSWORD, "203.0.113.67"))
                .await
        );

        let entries = audit(&f, by_actor("dept_b", AuditAction::SignIn)).await;
        assert!(
            entries.iter().any(|e| e.outcome == "denied"
                && e.target_label == "address_locked"
                && e.address == spray),
            "{b}: {entries:?}"
        );
        let ghosts = audit(
            &f,
            Filter {
                text: Some(spray.into()),
                outcome: Some(minxin_domain::kernel::audit::AuditOutcome::Failure),
                ..Filter::default()
            },
        )
        .await;
        assert_eq!(ghosts.len(), 20, "{b}: {ghosts:?}");
    }
}

#[tokio::test]
async fn sessions_end_on_sign_out_idleness_age_and_disabling() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();

        let (token, context) = f.session("office_a", ADDRESS).await;
        ok!(b, auth.sign_out(&context, ADDRESS).await);
        assert!(
            ok!(b, auth.session(&token).await).is_none(),
            "{b}: a session survived sign-out"
        );
        let signed_out = audit(&f, by_actor("office_a", AuditAction::SignOut)).await;
        assert_eq!(signed_out.len(), 1, "{b}: {signed_out:?}");

        // Idle: 29 minutes is fine, 31 is not (the default limit is 30).
        let (token, _) = f.session("office_a", ADDRESS).await;
        let minutes = Duration::minutes;
        ok!(
            b,
            testing::age_session(&store, &token, minutes(29), minutes(29)).await
        );
        assert!(
            ok!(b, auth.session(&token).await).is_some(),
            "{b}: 29 idle minutes ended the session"
        );
        ok!(
            b,
            testing::age_session(&store, &token, minutes(31), minutes(31)).await
        );
        assert!(
            ok!(b, auth.session(&token).await).is_none(),
            "{b}: 31 idle minutes did not end the session"
        );
        // An ended session is gone, not merely refused.
        assert_err!(
            b,
            testing::age_session(&store, &token, minutes(0), minutes(0)).await,
            StoreError::NotFound
        );

        // Lifetime: a busy session still ends 12 hours after sign-in.
        let (token, _) = f.session("office_a", ADDRESS).await;
        ok!(
            b,
            testing::age_session(&store, &token, minutes(11 * 60 + 58), minutes(1)).await
        );
        assert!(
            ok!(b, auth.session(&token).await).is_some(),
            "{b}: a session under 12 hours old ended"
        );
        ok!(
            b,
            testing::age_session(&store, &token, Duration::hours(13), minutes(1)).await
        );
        assert!(
            ok!(b, auth.session(&token).await).is_none(),
            "{b}: a 13-hour-old session still resolved"
        );

        // Disabling an account ends its sessions and refuses sign-in.
        let (token, _) = f.session("dept_a", ADDRESS).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);
        let dept_a = ok!(b, sys.account(f.id("dept_a")).await);
        let disabled = AccountInput {
            disabled: true,
            ..account_input(&dept_a)
        };
        ok!(
            b,
            sys.update_account(dept_a.id, dept_a.version, &disabled)
                .await
        );
        assert!(
            ok!(b, auth.session(&token).await).is_none(),
            "{b}: a disabled account kept its session"
        );
        assert_err!(
            b,
            auth.sign_in(&attempt("dept_a", PASSWORD, ADDRESS)).await,
            SignInError::Disabled
        );
        // Nobody disables themselves.
        let own = ok!(b, sys.account(f.id("sysadmin")).await);
        let own_disabled = AccountInput {
            disabled: true,
            ..account_input(&own)
        };
        assert_problem(
            b,
            "disabling oneself",
            sys.update_account(own.id, own.version, &own_disabled).await,
            Problem::SelfGrant,
        );
    }
}

#[tokio::test]
async fn password_changes_follow_the_policy_and_history() {
    const P1: &str = "Shiyan#2027a";
    const P2: &str = "Shiyan#2027b";
    const P3: &str = "Shiyan#2027c";
    const P4: &str = "Shiyan#2027d";
    const P5: &str = "Shiyan#2027e";
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        add_account(&store, "clerk_a", Role::Office, "990101", true).await;
        let signed = ok!(
            b,
            auth.sign_in(&attempt("clerk_a", PASSWORD, ADDRESS)).await
        );
        assert!(signed.must_change_password, "{b}");
        let context = ok!(b, auth.session(&signed.token).await).expect("fresh session");
        assert!(context.must_change_password, "{b}");
        let (other_token, _) = f.session("clerk_a", "198.51.100.8").await;

        let change = |current: &'static str, new: &'static str, confirm: &'static str| {
            auth.change_password(&context, current, new, confirm, ADDRESS)
        };
        assert_problem(
            b,
            "wrong current password",
            change("Wrong#2026", P1, P1).await,
            Problem::WrongPassword,
        );
        assert_problem(
            b,
            "mismatched confirmation",
            change(PASSWORD, P1, P2).await,
            Problem::PasswordMismatch,
        );
        assert_problem(
            b,
            "too short",
            change(PASSWORD, "Ab1!", "Ab1!").await,
            Problem::PasswordTooShort { min: 8 },
        );
        assert_problem(
            b,
            "too simple",
            change(PASSWORD, "abcdefghijk", "abcdefghijk").await,
            Problem::PasswordTooSimple { classes: 3 },
        );
        assert_problem(
            b,
            "contains the user name",
            change(PASSWORD, "Clerk_A#2026", "Clerk_A#2026").await,
            Problem::PasswordContainsUsername,
        );
        assert_problem(
            b,
            "the current password again",
            change(PASSWORD, PASSWORD, PASSWORD).await,
            Problem::PasswordReused { history: 5 },
        );
        let still = ok!(b, auth.session(&signed.token).await).expect("session");
        assert!(
            still.must_change_password,
            "{b}: a refused change took effect"
        );

        let rotated = ok!(b, change(PASSWORD, P1, P1).await);
        assert!(
            ok!(b, auth.session(&signed.token).await).is_none(),
            "{b}: the changing session kept its old token"
        );
        let after = ok!(b, auth.session(&rotated).await)
            .unwrap_or_else(|| panic!("{b}: the changing session ended"));
        assert!(
            !after.must_change_password,
            "{b}: must_change_password not cleared"
        );
        assert!(
            ok!(b, auth.session(&other_token).await).is_none(),
            "{b}: other sessions survived a password change"
        );
        assert_err!(
            b,
            auth.sign_in(&attempt("clerk_a", PASSWORD, ADDRESS)).await,
            SignInError::BadCredentials
        );
        let again = ok!(b, auth.sign_in(&attempt("clerk_a", P1, ADDRESS)).await);
        assert!(!again.must_change_password, "{b}");

        // The last five passwords (the current one included) may not come back...
        ok!(b, change(P1, P2, P2).await);
        ok!(b, change(P2, P3, P3).await);
        ok!(b, change(P3, P4, P4).await);
        for old in [PASSWORD, P1, P2, P3, P4] {
            assert_problem(
                b,
                "reusing a recent password",
                change(P4, old, old).await,
                Problem::PasswordReused { history: 5 },
            );
        }
        // ...but the sixth-newest may.
        ok!(b, change(P4, P5, P5).await);
        ok!(b, change(P5, PASSWORD, PASSWORD).await);

        let changes = audit(&f, by_actor("clerk_a", AuditAction::PasswordChange)).await;
        let succeeded = changes.iter().filter(|e| e.outcome == "success").count();
        let wrong_current = changes.iter().filter(|e| e.outcome == "failure").count();
        assert_eq!((succeeded, wrong_current), (6, 1), "{b}: {changes:?}");
    }
}

#[tokio::test]
async fn sysadmin_keeps_accounts_and_organisation_but_grants_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);

        let clerk = ok!(
            b,
            sys.create_account(
                &new_account("clerk_a", f.district_a.id, Some(f.a_jy)),
                "Temp#2026x"
            )
            .await
        );
        assert!(
            clerk.must_change_password && clerk.roles.is_empty(),
            "{b}: {clerk:?}"
        );
        let renamed = AccountInput {
            display_name: "新职员甲".into(),
            ..account_input(&clerk)
        };
        let clerk = ok!(
            b,
            sys.update_account(clerk.id, clerk.version, &renamed).await
        );
        assert_eq!(clerk.display_name, "新职员甲", "{b}");
        ok!(b, sys.reset_password(clerk.id, "Reset#2026y").await);
        assert_problem(
            b,
            "duplicate user name",
            sys.create_account(&new_account("clerk_a", f.district_a.id, None), "Temp#2026x")
                .await,
            Problem::Taken,
        );

        let street = ok!(
            b,
            sys.create_region(&RegionInput {
                code: "990101002".into(),
                name: "新街道".into(),
                level: "street".into(),
                parent_id: Some(f.district_a.id),
            })
            .await
        );
        assert_eq!(
            street.path,
            format!("{}{}/", f.district_a.path, street.id),
            "{b}"
        );
        let street = ok!(
            b,
            sys.update_region(
                street.id,
                street.version,
                &region_input(&street, "新街道二")
            )
            .await
        );
        assert_eq!(street.name, "新街道二", "{b}");
        let department = ok!(
            b,
            sys.create_department(&DepartmentInput {
                code: "A-WJ".into(),
                name: "示例区卫健局".into(),
                region_id: street.id,
                phone: String::new(),
            })
            .await
        );
        let department = ok!(
            b,
            sys.update_department(
                department.id,
                department.version,
                &DepartmentInput {
                    name: "示例区卫生健康局".into(),
                    ..department_input(&department)
                }
            )
            .await
        );
        assert_problem(
            b,
            "deleting a region that holds a department",
            sys.delete_region(street.id).await,
            Problem::InUse,
        );
        ok!(b, sys.delete_department(department.id).await);
        ok!(b, sys.delete_region(street.id).await);
        assert_err!(b, sys.region(street.id).await, StoreError::NotFound);

        // 三员分立: no grants, no audit log, and no taking over the other administrators.
        assert_err!(
            b,
            sys.set_access(
                clerk.id,
                clerk.version,
                &access(&["office"], Some(f.district_a.id), &[])
            )
            .await,
            StoreError::Forbidden
        );
        assert_err!(
            b,
            sys.audit_log(&Filter::default(), PageRequest::default())
                .await,
            StoreError::Forbidden
        );
        assert_err!(
            b,
            sys.audit_export(&Filter::default(), 10).await,
            StoreError::Forbidden
        );
        for admin in ["secadmin", "auditor"] {
            assert_err!(
                b,
                sys.reset_password(f.id(admin), "Takeover#2026").await,
                StoreError::Forbidden
            );
            let account = ok!(b, sys.account(f.id(admin)).await);
            let disable = AccountInput {
                disabled: true,
                ..account_input(&account)
            };
            assert_err!(
                b,
                sys.update_account(account.id, account.version, &disable)
                    .await,
                StoreError::Forbidden
            );
        }
        // The security policy is the system administrator's to change.
        let mut policy = ok!(b, sys.security_policy().await);
        policy.password.min_length = 10;
        ok!(b, sys.set_security_policy(&policy).await);
        assert_eq!(ok!(b, sys.security_policy().await), policy, "{b}");
    }
}

#[tokio::test]
async fn secadmin_grants_within_the_rules_and_does_nothing_else() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let secadmin = f.actor("secadmin").await;
        let sec = store.scoped(&secadmin, ADDRESS);
        add_account(&store, "clerk_a", Role::Office, "990101", false).await;
        let clerk_id = f.actor("clerk_a").await.account_id;

        let clerk = ok!(b, sec.account(clerk_id).await);
        let granted = ok!(
            b,
            sec.set_access(
                clerk.id,
                clerk.version,
                &access(&["leader", "office"], Some(f.district_a.id), &[])
            )
            .await
        );
        assert_eq!(granted.roles, vec!["leader", "office"], "{b}");
        assert_eq!(granted.scope_region_id, Some(f.district_a.id), "{b}");
        let actor = f.actor("clerk_a").await;
        assert!(
            actor.roles.has(Role::Leader) && actor.roles.has(Role::Office),
            "{b}: {actor:?}"
        );
        let listed = ok!(
            b,
            sec.accounts(&AccountFilter::default(), PageRequest::default())
                .await
        );
        assert_eq!(listed.total, 10, "{b}");

        assert_err!(
            b,
            sec.set_access(
                clerk.id,
                clerk.version,
                &access(&["office"], Some(f.district_a.id), &[])
            )
            .await,
            StoreError::Conflict
        );
        for roles in [
            &["sysadmin", "office"][..],
            &["auditor", "leader"],
            &["secadmin", "auditor"],
        ] {
            assert_problem(
                b,
                "administrator role combined with another",
                sec.set_access(
                    granted.id,
                    granted.version,
                    &access(roles, Some(f.city.id), &[]),
                )
                .await,
                Problem::RolesSegregated,
            );
        }
        assert_problem(
            b,
            "unknown role code",
            sec.set_access(granted.id, granted.version, &access(&["root"], None, &[]))
                .await,
            Problem::Malformed,
        );
        let own = ok!(b, sec.account(f.id("secadmin")).await);
        assert_problem(
            b,
            "granting oneself",
            sec.set_access(
                own.id,
                own.version,
                &access(&["secadmin"], Some(f.city.id), &[]),
            )
            .await,
            Problem::SelfGrant,
        );

        // A security administrator narrowed to one department cannot hand out more.
        add_account(&store, "secadmin_n", Role::Secadmin, "990101", false).await;
        let narrow_id = f.actor("secadmin_n").await.account_id;
        let narrow = ok!(b, sec.account(narrow_id).await);
        ok!(
            b,
            sec.set_access(
                narrow.id,
                narrow.version,
                &access(&["secadmin"], Some(f.district_a.id), &[f.a_zj])
            )
            .await
        );
        let narrow = f.actor("secadmin_n").await;
        assert_eq!(narrow.scope.departments, vec![f.a_zj], "{b}");
        let ns = store.scoped(&narrow, ADDRESS);
        let dept_a = ok!(b, ns.account(f.id("dept_a")).await);
        assert_problem(
            b,
            "scope wider than the granter's (all departments)",
            ns.set_access(
                dept_a.id,
                dept_a.version,
                &access(&["dept"], Some(f.district_a.id), &[]),
            )
            .await,
            Problem::ScopeTooWide,
        );
        assert_problem(
            b,
            "scope wider than the granter's (the city)",
            ns.set_access(
                dept_a.id,
                dept_a.version,
                &access(&["dept"], Some(f.city.id), &[]),
            )
            .await,
            Problem::Unknown,
        );
        let dept_a = ok!(
            b,
            ns.set_access(
                dept_a.id,
                dept_a.version,
                &access(&["dept"], Some(f.district_a.id), &[f.a_zj])
            )
            .await
        );
        assert_eq!(dept_a.scope_departments, vec![f.a_zj], "{b}");
        assert_err!(b, ns.account(f.id("dept_b")).await, StoreError::NotFound);
        assert_err!(b, ns.account(f.id("office_a")).await, StoreError::NotFound);

        // Nothing but grants.
        assert_no_administration(b, "secadmin", &sec, &f).await;
        assert_err!(
            b,
            sec.audit_log(&Filter::default(), PageRequest::default())
                .await,
            StoreError::Forbidden
        );

        let changes = audit(&f, by_actor("secadmin", AuditAction::RoleChange)).await;
        let first = changes
            .iter()
            .find(|e| e.target_id == Some(clerk_id.to_string()))
            .unwrap_or_else(|| panic!("{b}: role change not audited: {changes:?}"));
        let after: serde_json::Value =
            serde_json::from_str(first.after.as_deref().expect("after")).expect("JSON");
        assert_eq!(
            after["roles"],
            serde_json::json!(["leader", "office"]),
            "{b}"
        );
        let before: serde_json::Value =
            serde_json::from_str(first.before.as_deref().expect("before")).expect("JSON");
        assert_eq!(before["roles"], serde_json::json!(["office"]), "{b}");
    }
}

#[tokio::test]
async fn auditor_reads_the_log_and_nothing_else() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auditor = f.actor("auditor").await;
        let aud = store.scoped(&auditor, ADDRESS);
        let page = ok!(
            b,
            aud.audit_log(&Filter::default(), PageRequest::new(Some(1), Some(5)))
                .await
        );
        assert_eq!(page.items.len(), 5, "{b}");
        let exported = ok!(b, aud.audit_export(&Filter::default(), 100_000).await);
        assert_eq!(exported.len() as i64, page.total, "{b}");
        assert!(
            exported.windows(2).all(|w| w[0].id < w[1].id),
            "{b}: export is not oldest first"
        );
        assert!(
            page.items.windows(2).all(|w| w[0].id > w[1].id),
            "{b}: the page is not newest first"
        );
        assert_eq!(
            page.items[0].id,
            exported.last().expect("entries").id,
            "{b}"
        );
        let capped = ok!(b, aud.audit_export(&Filter::default(), 3).await);
        assert_eq!(capped.len(), 3, "{b}");

        assert_err!(
            b,
            aud.accounts(&AccountFilter::default(), PageRequest::default())
                .await,
            StoreError::Forbidden
        );
        assert_err!(
            b,
            aud.account(f.id("office_a")).await,
            StoreError::Forbidden
        );
        assert_err!(
            b,
            aud.set_access(
                f.id("office_a"),
                1,
                &access(&["leader"], Some(f.city.id), &[])
            )
            .await,
            StoreError::Forbidden
        );
        assert_no_administration(b, "auditor", &aud, &f).await;
    }
}

#[tokio::test]
async fn business_roles_read_their_organisation_and_administer_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        for user in ["leader_a", "office_a", "dept_a"] {
            let actor = f.actor(user).await;
            let s = store.scoped(&actor, ADDRESS);
            let regions: Vec<String> = ok!(b, s.regions().await)
                .into_iter()
                .map(|r| r.code)
                .collect();
            assert_eq!(regions, ["990101", "990101001"], "{b} ({user})");
            ok!(b, s.region(f.street_a.id).await);
            let departments: Vec<String> = ok!(b, s.departments(None).await)
                .into_iter()
                .map(|d| d.code)
                .collect();
            assert_eq!(departments, ["A-JY", "A-ZJ"], "{b} ({user})");
            ok!(b, s.department(f.a_zj).await);

            assert_err!(
                b,
                s.accounts(&AccountFilter::default(), PageRequest::default())
                    .await,
                StoreError::Forbidden
            );
            assert_err!(b, s.account(actor.account_id).await, StoreError::Forbidden);
            assert_err!(
                b,
                s.set_access(
                    actor.account_id,
                    1,
                    &access(&["leader"], Some(f.city.id), &[])
                )
                .await,
                StoreError::Forbidden
            );
            assert_err!(
                b,
                s.audit_log(&Filter::default(), PageRequest::default())
                    .await,
                StoreError::Forbidden
            );
            assert_err!(
                b,
                s.audit_export(&Filter::default(), 10).await,
                StoreError::Forbidden
            );
            assert_no_administration(b, user, &s, &f).await;
        }
    }
}

#[tokio::test]
async fn data_scopes_hide_other_districts() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);

        // Department staff see their own district only.
        let dept_a = f.actor("dept_a").await;
        let s = store.scoped(&dept_a, ADDRESS);
        for id in [f.city.id, f.district_b.id, f.street_b.id] {
            assert_err!(b, s.region(id).await, StoreError::NotFound);
        }
        assert_err!(b, s.department(f.b_zj).await, StoreError::NotFound);
        let found: Vec<String> = ok!(b, s.departments(Some("住建局")).await)
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(found, ["A-ZJ"], "{b}: search leaked another district");
        let dept_b = f.actor("dept_b").await;
        let sb = store.scoped(&dept_b, ADDRESS);
        let regions: Vec<String> = ok!(b, sb.regions().await)
            .into_iter()
            .map(|r| r.code)
            .collect();
        assert_eq!(regions, ["990102", "990102001"], "{b}");
        assert_err!(b, sb.department(f.a_zj).await, StoreError::NotFound);

        // A district's system administrator cannot reach the other district.
        let sysadmin_a = f.actor("sysadmin_a").await;
        let sa = store.scoped(&sysadmin_a, ADDRESS);
        let b_zj = ok!(b, sys.department(f.b_zj).await);
        assert_err!(b, sa.department(f.b_zj).await, StoreError::NotFound);
        let renamed = DepartmentInput {
            name: "改名".into(),
            ..department_input(&b_zj)
        };
        assert_err!(
            b,
            sa.update_department(b_zj.id, b_zj.version, &renamed).await,
            StoreError::NotFound
        );
        assert_err!(b, sa.delete_department(f.b_zj).await, StoreError::NotFound);
        let account_b = ok!(b, sys.account(f.id("dept_b")).await);
        assert_err!(b, sa.account(account_b.id).await, StoreError::NotFound);
        let renamed_account = AccountInput {
            display_name: "改名".into(),
            ..account_input(&account_b)
        };
        assert_err!(
            b,
            sa.update_account(account_b.id, account_b.version, &renamed_account)
                .await,
            StoreError::NotFound
        );
        assert_err!(
            b,
            sa.reset_password(account_b.id, "Takeover#2026").await,
            StoreError::NotFound
        );
        assert_err!(
            b,
            sa.reset_password(f.id("sysadmin"), "Takeover#2026").await,
            StoreError::NotFound
        );
        assert_err!(
            b,
            sa.update_region(
                f.district_b.id,
                f.district_b.version,
                &region_input(&f.district_b, "改名")
            )
            .await,
            StoreError::NotFound
        );
        assert_err!(
            b,
            sa.delete_region(f.street_b.id).await,
            StoreError::NotFound
        );
        assert_problem(
            b,
            "region under another district",
            sa.create_region(&RegionInput {
                code: "990102002".into(),
                name: "越界街道".into(),
                level: "street".into(),
                parent_id: Some(f.district_b.id),
            })
            .await,
            Problem::Unknown,
        );
        assert_problem(
            b,
            "department in another district",
            sa.create_department(&DepartmentInput {
                code: "B-JY".into(),
                name: "样板区教育局".into(),
                region_id: f.district_b.id,
                phone: String::new(),
            })
            .await,
            Problem::Unknown,
        );
        assert_problem(
            b,
            "account in another district",
            sa.create_account(
                &new_account("intruder", f.district_b.id, None),
                "Temp#2026x",
            )
            .await,
            Problem::Unknown,
        );
        let a_jy = ok!(b, sa.department(f.a_jy).await);
        assert_problem(
            b,
            "moving a department out of scope",
            sa.update_department(
                a_jy.id,
                a_jy.version,
                &DepartmentInput {
                    region_id: f.district_b.id,
                    ..department_input(&a_jy)
                },
            )
            .await,
            Problem::Unknown,
        );
        let mut listed: Vec<String> = ok!(
            b,
            sa.accounts(&AccountFilter::default(), PageRequest::default())
                .await
        )
        .items
        .into_iter()
        .map(|a| a.username)
        .collect();
        listed.sort();
        assert_eq!(
            listed,
            ["dept_a", "finance_a", "leader_a", "office_a", "sysadmin_a"],
            "{b}"
        );
        let unchanged = ok!(b, sys.department(f.b_zj).await);
        assert_eq!(
            (unchanged.name, unchanged.version),
            (b_zj.name, b_zj.version),
            "{b}"
        );
        // Inside its district the same administrator works normally.
        ok!(
            b,
            sa.update_department(
                a_jy.id,
                a_jy.version,
                &DepartmentInput {
                    name: "示例区教育体育局".into(),
                    ..department_input(&a_jy)
                }
            )
            .await
        );

        // Role refusals are audited as access.denied; the auditor sees the probing.
        assert_err!(
            b,
            s.create_region(&RegionInput {
                code: "990101003".into(),
                name: "越权街道".into(),
                level: "street".into(),
                parent_id: Some(f.district_a.id),
            })
            .await,
            StoreError::Forbidden
        );
        let denied = audit(&f, by_actor("dept_a", AuditAction::AccessDenied)).await;
        assert!(
            denied.len() == 1
                && denied[0].outcome == "denied"
                && denied[0].target_label == "ManageOrganisation"
                && denied[0].actor_id == Some(dept_a.account_id)
                && denied[0].address == ADDRESS,
            "{b}: {denied:?}"
        );
    }
}

#[tokio::test]
async fn stale_versions_conflict_and_change_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);

        let old = ok!(b, sys.department(f.a_zj).await);
        let first = DepartmentInput {
            name: "示例区住房和城乡建设局".into(),
            ..department_input(&old)
        };
        let saved = ok!(b, sys.update_department(old.id, old.version, &first).await);
        assert_eq!(saved.version, old.version + 1, "{b}");
        let late = DepartmentInput {
            name: "过期的修改".into(),
            ..department_input(&old)
        };
        assert_err!(
            b,
            sys.update_department(old.id, old.version, &late).await,
            StoreError::Conflict
        );
        let now = ok!(b, sys.department(old.id).await);
        assert_eq!((now.name, now.version), (saved.name, saved.version), "{b}");

        let old = ok!(b, sys.region(f.street_a.id).await);
        let saved = ok!(
            b,
            sys.update_region(old.id, old.version, &region_input(&old, "示例街道一"))
                .await
        );
        assert_eq!(saved.version, old.version + 1, "{b}");
        assert_err!(
            b,
            sys.update_region(old.id, old.version, &region_input(&old, "过期的修改"))
                .await,
            StoreError::Conflict
        );
        let now = ok!(b, sys.region(old.id).await);
        assert_eq!((now.name, now.version), (saved.name, saved.version), "{b}");

        let old = ok!(b, sys.account(f.id("office_a")).await);
        let first = AccountInput {
            display_name: "管理中心甲".into(),
            ..account_input(&old)
        };
        let saved = ok!(b, sys.update_account(old.id, old.version, &first).await);
        assert_eq!(saved.version, old.version + 1, "{b}");
        let late = AccountInput {
            display_name: "过期的修改".into(),
            disabled: true,
            ..account_input(&old)
        };
        assert_err!(
            b,
            sys.update_account(old.id, old.version, &late).await,
            StoreError::Conflict
        );
        let now = ok!(b, sys.account(old.id).await);
        assert_eq!(
            (now.display_name, now.version, now.disabled),
            (saved.display_name, saved.version, false),
            "{b}"
        );

        // A conflict is not a change: only the successful updates are in the log.
        for action in [
            AuditAction::DepartmentUpdate,
            AuditAction::RegionUpdate,
            AuditAction::AccountUpdate,
        ] {
            let entries = audit(&f, by_actor("sysadmin", action)).await;
            assert_eq!(entries.len(), 1, "{b}: {action:?}: {entries:?}");
        }
    }
}

#[tokio::test]
async fn api_tokens_are_issued_listed_and_revoked() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let (token, issued) = ok!(
            b,
            auth.issue_token(&attempt("office_a", PASSWORD, ADDRESS), "统计脚本", None)
                .await
        );
        assert!(token.starts_with("mx_") && token.len() > 40, "{b}");
        assert_eq!(issued.prefix, token[..10], "{b}");
        assert_eq!(issued.name, "统计脚本", "{b}");
        assert!(issued.revoked_at.is_none(), "{b}");
        assert!(
            issued.expires_at > Utc::now() + Duration::days(89),
            "{b}: {issued:?}"
        );
        let actor = ok!(b, auth.token_actor(&token).await)
            .unwrap_or_else(|| panic!("{b}: a fresh token did not resolve"));
        assert_eq!(actor, f.actor("office_a").await, "{b}");
        assert!(ok!(b, auth.token_actor("mx_forged").await).is_none(), "{b}");

        let listed = ok!(b, auth.tokens(&actor).await);
        assert_eq!(listed.len(), 1, "{b}");
        assert_eq!(
            (listed[0].id, &listed[0].prefix),
            (issued.id, &issued.prefix),
            "{b}"
        );
        let json = serde_json::to_string(&listed).expect("JSON");
        assert!(
            !json.contains(&token) && !json.contains(&token[10..]),
            "{b}: the secret is listed"
        );

        // Someone else can neither see nor revoke it.
        let leader = f.actor("leader_a").await;
        assert!(ok!(b, auth.tokens(&leader).await).is_empty(), "{b}");
        assert_err!(
            b,
            auth.revoke_token(&leader, issued.id, ADDRESS).await,
            StoreError::NotFound
        );
        assert!(ok!(b, auth.token_actor(&token).await).is_some(), "{b}");

        ok!(b, auth.revoke_token(&actor, issued.id, ADDRESS).await);
        assert!(
            ok!(b, auth.token_actor(&token).await).is_none(),
            "{b}: a revoked token still works"
        );
        let listed = ok!(b, auth.tokens(&actor).await);
        assert!(listed[0].revoked_at.is_some(), "{b}");

        // Refusals: wrong password, blank name, a password still to be changed.
        assert_err!(
            b,
            auth.issue_token(&attempt("office_a", "Wrong#2026", ADDRESS), "脚本", None)
                .await,
            SignInError::BadCredentials
        );
        assert_err!(
            b,
            auth.issue_token(&attempt("office_a", PASSWORD, ADDRESS), "  ", None)
                .await,
            SignInError::Store(StoreError::Invalid(_))
        );
        add_account(&store, "newbie_a", Role::Office, "990101", true).await;
        assert_err!(
            b,
            auth.issue_token(&attempt("newbie_a", PASSWORD, ADDRESS), "脚本", None)
                .await,
            SignInError::PasswordChangeRequired
        );
        assert!(
            ok!(b, auth.tokens(&f.actor("newbie_a").await).await).is_empty(),
            "{b}"
        );

        // A disabled account's tokens stop working.
        let (second, _) = ok!(
            b,
            auth.issue_token(&attempt("office_a", PASSWORD, ADDRESS), "第二个", None)
                .await
        );
        assert!(ok!(b, auth.token_actor(&second).await).is_some(), "{b}");
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);
        let office = ok!(b, sys.account(actor.account_id).await);
        let disabled = AccountInput {
            disabled: true,
            ..account_input(&office)
        };
        ok!(
            b,
            sys.update_account(office.id, office.version, &disabled)
                .await
        );
        assert!(
            ok!(b, auth.token_actor(&second).await).is_none(),
            "{b}: a disabled account's token still works"
        );

        let created = audit(&f, by_actor("office_a", AuditAction::TokenCreate)).await;
        assert_eq!(
            created.iter().filter(|e| e.outcome == "success").count(),
            2,
            "{b}: {created:?}"
        );
        let revoked = audit(&f, by_actor("office_a", AuditAction::TokenRevoke)).await;
        assert!(
            revoked.len() == 1 && revoked[0].target_id == Some(issued.id.to_string()),
            "{b}: {revoked:?}"
        );
    }
}

#[tokio::test]
async fn account_changes_are_audited_with_before_and_after() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);
        let created = ok!(
            b,
            sys.create_account(
                &new_account("clerk_a", f.district_a.id, Some(f.a_jy)),
                "Temp#2026x"
            )
            .await
        );
        let renamed = AccountInput {
            display_name: "张三丰".into(),
            ..account_input(&created)
        };
        let updated = ok!(
            b,
            sys.update_account(created.id, created.version, &renamed)
                .await
        );
        let id = Some(created.id.to_string());
        let json = |text: Option<&str>| -> serde_json::Value {
            serde_json::from_str(text.unwrap_or_else(|| panic!("{b}: no JSON recorded")))
                .expect("valid JSON")
        };

        let entries = audit(&f, by_actor("sysadmin", AuditAction::AccountCreate)).await;
        let entry = entries
            .iter()
            .find(|e| e.target_id == id)
            .unwrap_or_else(|| panic!("{b}: creation not audited: {entries:?}"));
        assert_eq!(
            (
                entry.outcome.as_str(),
                entry.target_type.as_str(),
                entry.target_label.as_str(),
                entry.address.as_str(),
                entry.actor_id
            ),
            (
                "success",
                "account",
                "clerk_a",
                ADDRESS,
                Some(sysadmin.account_id)
            ),
            "{b}"
        );
        assert!(entry.before.is_none(), "{b}");
        let after = json(entry.after.as_deref());
        assert_eq!(after["username"], "clerk_a", "{b}");
        assert_eq!(after["display_name"], "新职员", "{b}");
        assert_eq!(after["must_change_password"], true, "{b}");
        let text = entry.after.as_deref().unwrap_or_default();
        assert!(
            !text.contains("argon2") && !text.contains("Temp#2026x"),
            "{b}: a password leaked into the log"
        );

        let entries = audit(&f, by_actor("sysadmin", AuditAction::AccountUpdate)).await;
        let entry = entries
            .iter()
            .find(|e| e.target_id == id)
            .unwrap_or_else(|| panic!("{b}: update not audited: {entries:?}"));
        let (before, after) = (json(entry.before.as_deref()), json(entry.after.as_deref()));
        assert_eq!(before["display_name"], "新职员", "{b}");
        assert_eq!(after["display_name"], "张三丰", "{b}");
        assert_eq!(before["version"], created.version, "{b}");
        assert_eq!(after["version"], updated.version, "{b}");

        // The log filters by text and keeps each auditor to their region.
        let found = audit(
            &f,
            Filter {
                text: Some("clerk".into()),
                ..Filter::default()
            },
        )
        .await;
        assert!(
            found.len() == 2 && found.iter().all(|e| e.target_label == "clerk_a"),
            "{b}: {found:?}"
        );
        let future = audit(
            &f,
            Filter {
                from: Some(Utc::now() + Duration::minutes(1)),
                ..Filter::default()
            },
        )
        .await;
        assert!(future.is_empty(), "{b}: {future:?}");

        let b_zj = ok!(b, sys.department(f.b_zj).await);
        ok!(
            b,
            sys.update_department(
                b_zj.id,
                b_zj.version,
                &DepartmentInput {
                    name: "样板区住房和城乡建设局".into(),
                    ..department_input(&b_zj)
                }
            )
            .await
        );
        let auth = store.auth();
        assert_err!(
            b,
            auth.sign_in(&attempt("nobody", PASSWORD, ADDRESS)).await,
            SignInError::BadCredentials
        );
        add_account(&store, "auditor_a", Role::Auditor, "990101", false).await;
        let auditor_a = f.actor("auditor_a").await;
        let district = ok!(
            b,
            store
                .scoped(&auditor_a, ADDRESS)
                .audit_export(&Filter::default(), 100_000)
                .await
        );
        let city = audit(&f, Filter::default()).await;
        let about_b = |e: &Entry| {
            e.target_id == Some(f.b_zj.to_string())
                && e.action == AuditAction::DepartmentUpdate.code()
        };
        let anonymous = |e: &Entry| e.actor_name == "nobody";
        let about_clerk = |e: &Entry| e.target_label == "clerk_a";
        assert!(
            city.iter().any(about_b) && city.iter().any(anonymous) && city.iter().any(about_clerk),
            "{b}: the city auditor misses entries"
        );
        assert!(
            district.iter().any(about_clerk),
            "{b}: the district auditor misses their district"
        );
        assert!(
            !district.iter().any(about_b) && !district.iter().any(anonymous),
            "{b}: the district auditor sees beyond their district"
        );
    }
}

#[tokio::test]
async fn district_administrators_cannot_take_over_wider_accounts() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        // A city-wide leader whose home region is district A: visible to district A's system
        // administrator, whose own scope is narrower.
        store
            .bootstrap_account(&CliAccount {
                username: "leader_city",
                display_name: "市领导",
                password: PASSWORD,
                roles: RoleSet::new([Role::Leader]),
                region_code: "990101",
                department_code: None,
                scope_region_code: Some("990100"),
                must_change_password: false,
            })
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let wide = f.actor("leader_city").await;
        let sysadmin_a = f.actor("sysadmin_a").await;
        let sa = store.scoped(&sysadmin_a, ADDRESS);
        let account = ok!(b, sa.account(wide.account_id).await);
        assert_err!(
            b,
            sa.reset_password(wide.account_id, "Takeover#2026").await,
            StoreError::Forbidden
        );
        let renamed = AccountInput {
            display_name: "改名".into(),
            ..account_input(&account)
        };
        assert_err!(
            b,
            sa.update_account(account.id, account.version, &renamed)
                .await,
            StoreError::Forbidden
        );
        // The city's system administrator may, and accounts inside the district stay manageable.
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, ADDRESS);
        ok!(b, sys.reset_password(wide.account_id, "Reset#2026y").await);
        ok!(b, sa.reset_password(f.id("office_a"), "Reset#2026y").await);
    }
}

#[tokio::test]
async fn a_grant_racing_another_change_does_not_overwrite_it() {
    use minxin_storage::db::Tx;
    use sea_query::{Alias, Expr, ExprTrait, Query};
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let secadmin = f.actor("secadmin").await;
        let sec = store.scoped(&secadmin, ADDRESS);
        let id = f.id("office_a");
        let seen = ok!(b, sec.account(id).await);

        // Another writer changes the account and holds its transaction open while the grant,
        // prepared from the version read above, runs.
        let mut other: Tx = ok!(b, store.db().begin().await);
        let version = || Alias::new("version");
        ok!(
            b,
            other
                .execute(
                    &Query::update()
                        .table(Alias::new("accounts"))
                        .value(version(), Expr::col(version()).add(1))
                        .and_where(Expr::col(Alias::new("id")).eq(id))
                        .take(),
                )
                .await
        );
        let leader = access(&["leader"], Some(f.district_a.id), &[]);
        let grant = sec.set_access(id, seen.version, &leader);
        let commit_later = async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            other.commit().await
        };
        let (granted, committed) = tokio::join!(grant, commit_later);
        ok!(b, committed);
        if b == "postgres" {
            assert_err!(b, granted, StoreError::Conflict);
        } else {
            // SQLite has one writer: the grant waits, then fails on its outdated snapshot.
            assert!(
                granted.is_err(),
                "{b}: the racing grant succeeded: {granted:?}"
            );
        }
        let now = ok!(b, sec.account(id).await);
        assert_eq!(now.roles, seen.roles, "{b}: the racing grant took effect");
        assert_eq!(now.version, seen.version + 1, "{b}");
    }
}

#[tokio::test]
async fn guessing_the_current_password_counts_towards_the_lockout() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let auth = store.auth();
        let (token, context) = f.session("office_a", ADDRESS).await;
        for _ in 0..5 {
            assert_problem(
                b,
                "wrong current password",
                auth.change_password(
                    &context,
                    "Guess#2026x",
                    "Shiyan#2027a",
                    "Shiyan#2027a",
                    ADDRESS,
                )
                .await,
                Problem::WrongPassword,
            );
        }
        assert!(
            ok!(b, auth.session(&token).await).is_none(),
            "{b}: the guessing session must end at the lockout"
        );
        let refused = auth.sign_in(&attempt("office_a", PASSWORD, ADDRESS)).await;
        assert!(
            matches!(refused, Err(SignInError::AccountLocked(_))),
            "{b}: {refused:?}"
        );
        let failures = audit(&f, by_actor("office_a", AuditAction::PasswordChange)).await;
        assert_eq!(failures.len(), 5, "{b}: every wrong guess is audited");
        assert!(failures.iter().all(|e| e.outcome == "failure"), "{b}");
    }
}
