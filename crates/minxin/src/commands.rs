//! What each subcommand does. Long steps print what they are doing.

use crate::cli::{ImportProjects, Open311KeyCommand, RegionCreate, UserCreate};
use crate::config::Config;
use anyhow::Context;
use minxin_domain::kernel::clock::Clock;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::{Role, RoleSet};
use minxin_storage::identity::bootstrap::CliAccount;
use minxin_storage::identity::credentials::new_token;
use minxin_storage::{Db, Store, StoreError};
use std::io::BufRead;

async fn open(config: &Config) -> anyhow::Result<Store> {
    let db = match &config.database_url {
        Some(url) => Db::connect(url).await,
        None => Db::open_sqlite_dir(&config.data_dir).await,
    }
    .with_context(|| format!("cannot open database {}", config.database_for_display()))?;
    let store = Store::new(db, config.sealing_key()?, Clock::system());
    store.set_near_project_metres(config.near_project_metres);
    let report = store.migrate().await.context("migration failed")?;
    for (version, name) in &report.applied {
        println!("migrated: {version} {name}");
    }
    if report.sealed_totp_secrets > 0 {
        println!(
            "sealed {} second-factor secrets with the configured key",
            report.sealed_totp_secrets
        );
    }
    Ok(store)
}

/// Explains storage refusals in words for the terminal.
fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(problems) => anyhow::anyhow!(
            "invalid input: {}",
            problems
                .iter()
                .map(|p| format!("{} {:?}", p.field, p.problem))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => other.into(),
    }
}

/// Today in Beijing on the store's clock.
fn today(store: &Store) -> chrono::NaiveDate {
    minxin_storage::control::lights::today(store.clock().now())
}

fn demo_password(config: &Config) -> (String, bool) {
    match &config.demo_password {
        Some(p) => (p.clone(), false),
        None => (format!("Mx-{}", &new_token("")[..12]), true),
    }
}

async fn seed_demo(store: &Store, config: &Config) -> anyhow::Result<()> {
    let (password, generated) = demo_password(config);
    println!("seeding the demo district 示例市 示例区 …");
    minxin_demo::seed(store, &password, today(store), |step| println!("  {step}"))
        .await
        .map_err(explain)?;
    println!();
    println!(
        "demo accounts (password {}):",
        if generated {
            "generated"
        } else {
            "from MINXIN_DEMO_PASSWORD"
        }
    );
    for a in minxin_demo::DEMO_ACCOUNTS {
        println!(
            "  {:<12} {:<10} {}",
            a.username,
            a.role.code(),
            a.display_name
        );
    }
    println!("  password: {password}");
    Ok(())
}

/// `minxin serve`
pub async fn serve(config: &Config) -> anyhow::Result<()> {
    let blobs = crate::blobs::open(config).await?;
    let store = open(config).await?;
    if config.seed_demo && store.is_empty().await? {
        seed_demo(&store, config).await?;
    }
    let web = minxin_web::WebConfig {
        secure_cookies: config.secure_cookies,
        trust_forwarded_for: config.trust_forwarded_for,
        body_limit: config.body_limit,
        data_dir: config.data_dir.clone(),
        public_base_url: config.effective_public_base_url(),
        tiles: config.tiles()?,
        intake_per_hour: config.intake_per_hour,
        open311_jurisdiction: config.open311_jurisdiction.clone(),
        open311_per_hour: config.open311_per_hour,
        photo_decodes: match config.photo_decodes {
            0 => minxin_web::kernel::decode_slots::default_slots(),
            n => n,
        },
        metrics: minxin_web::kernel::observability::metrics::MetricsAccess {
            token: config.metrics_token.clone(),
            own_listener: config.metrics_listen.is_some(),
        },
        ..minxin_web::WebConfig::default()
    };
    let state = minxin_web::AppState::new(store.clone(), web)
        .await?
        .with_blobs(std::sync::Arc::new(blobs));
    // The nightly run and the escalations are jobs the worker schedules (once across
    // instances). On SIGTERM it stops claiming, lets its jobs finish briefly and hands the rest
    // back, while the server drains.
    let draining = state.lifecycle.clone();
    let worker = minxin_web::worker(state.clone())
        .concurrency(config.job_concurrency)
        .start(async move { draining.stopping().await });
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let operations = match &config.metrics_listen {
        Some(address) => Some(serve_operations(address, state.clone()).await?),
        None => None,
    };
    println!();
    println!("Minxin 民心 is running at http://{}/", config.listen);
    println!("database: {}", config.database_for_display());
    let lifecycle = state.lifecycle.clone();
    let server = axum::serve(
        listener,
        minxin_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(drain_on_signal(lifecycle.clone()));
    tokio::select! {
        served = server.into_future() => served?,
        () = async {
            lifecycle.stopping().await;
            tokio::time::sleep(GRACE).await;
        } => tracing::warn!("requests still running {} s after the signal were cut off", GRACE.as_secs()),
    }
    let _ = worker.await;
    if let Some(operations) = operations {
        operations.abort();
    }
    store.db().close().await;
    println!("stopped");
    Ok(())
}

/// How long requests in flight may run on after SIGTERM or Ctrl-C.
const GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves `/metrics` and the probes on `address` until the process ends (through the drain, so
/// `/readyz` is seen answering 503 there).
async fn serve_operations(
    address: &str,
    state: minxin_web::AppState,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address} (`metrics_listen`)"))?;
    println!("metrics and probes at http://{address}/metrics");
    let router = minxin_web::kernel::observability::metrics::operations(state);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

/// Resolves on SIGTERM or Ctrl-C, after marking the process draining: the server then stops
/// accepting and lets the requests in flight finish.
async fn drain_on_signal(lifecycle: std::sync::Arc<minxin_web::kernel::observability::Lifecycle>) {
    let interrupted = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminated = std::future::pending::<()>();
    tokio::select! {
        _ = interrupted => {}
        () = terminated => {}
    }
    println!("draining: no new connections, finishing the requests in flight");
    lifecycle.drain();
}

/// `minxin lights refresh`
pub async fn refresh_lights(config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    println!("refreshing the traffic lights of every project …");
    let started = std::time::Instant::now();
    let report = store.refresh_lights().await?;
    println!(
        "{} projects, {} lights changed ({:.1} s)",
        report.projects,
        report.changed,
        started.elapsed().as_secs_f64()
    );
    store.db().close().await;
    Ok(())
}

/// `minxin check money`: the books of every project, source by source, against
/// `domain::finance::balance::imbalances`. Books written through the application keep to the
/// rule; this finds what was entered before it held (or around it).
pub async fn check_money(config: &Config) -> anyhow::Result<()> {
    use minxin_domain::control::finance::balance::{Imbalance, imbalances};
    let store = open(config).await?;
    println!("checking every project's books per funding source: paid ≤ disbursed ≤ approved …");
    let all = store.source_totals().await.map_err(explain)?;
    store.db().close().await;
    let mut broken = 0;
    for line in &all {
        let found = imbalances(&line.totals);
        if found.is_empty() {
            continue;
        }
        broken += 1;
        let t = &line.totals;
        let why: Vec<String> = found
            .iter()
            .map(|i| match i {
                Imbalance::PaidOverDisbursed { over } => {
                    format!("paid exceeds disbursed by {} 元", over.yuan_text())
                }
                Imbalance::DisbursedOverApproved { over } => {
                    format!("disbursed exceeds approved by {} 元", over.yuan_text())
                }
            })
            .collect();
        println!(
            "{} {}: approved {}, disbursed {}, paid {} 元 — {}",
            line.code,
            t.source,
            t.approved.yuan_text(),
            t.disbursed.yuan_text(),
            t.paid.yuan_text(),
            why.join("; ")
        );
    }
    if broken > 0 {
        anyhow::bail!(
            "{broken} of {} project funding sources break paid ≤ disbursed ≤ approved",
            all.len()
        );
    }
    println!(
        "{} project funding sources checked, none breaks the rule",
        all.len()
    );
    Ok(())
}

/// `minxin snapshots take YYYY-MM`
pub async fn take_snapshot(config: &Config, period: &str) -> anyhow::Result<()> {
    let period: minxin_domain::control::report::ReportPeriod = period.parse().map_err(|_| {
        anyhow::anyhow!("`{period}` is not a month: expected YYYY-MM, e.g. 2026-10")
    })?;
    let store = open(config).await?;
    let today = today(&store);
    let taken = store
        .take_snapshot(period, today)
        .await
        .map_err(|e| match e {
            minxin_storage::StoreError::Invalid(problems) => {
                let refusal = problems.first().and_then(|p| match &p.problem {
                    minxin_domain::Problem::Refused(refused) => {
                        refused.get::<minxin_domain::control::bulletin::SnapshotRefusal>()
                    }
                    _ => None,
                });
                match refusal {
                    Some(refusal) => anyhow::anyhow!("{refusal}"),
                    None => anyhow::anyhow!("{period} cannot be taken"),
                }
            }
            other => other.into(),
        })?;
    let m = &taken.month;
    let at = minxin_domain::kernel::time::format_local(m.taken_at);
    if taken.new {
        println!("{}: {} projects copied ({at})", m.period, m.projects);
    } else {
        println!(
            "{}: already taken by {} at {at} ({} projects); nothing changed",
            m.period, m.taken_by, m.projects
        );
    }
    store.db().close().await;
    Ok(())
}

/// `minxin migrate`
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    println!("database {} is up to date", config.database_for_display());
    store.db().close().await;
    Ok(())
}

/// `minxin demo`
pub async fn demo(config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    if !store.is_empty().await? {
        anyhow::bail!(
            "the database already holds regions; the demo district is only seeded into an empty database"
        );
    }
    seed_demo(&store, config).await
}

/// `minxin user create`
pub async fn user_create(config: &Config, args: UserCreate) -> anyhow::Result<()> {
    let roles = args
        .roles
        .iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|e| anyhow::anyhow!("--role: {e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (format!("Mx-{}", &new_token("")[..12]), true)
    };
    let store = open(config).await?;
    let id = store
        .bootstrap_account(&CliAccount {
            username: &args.username,
            display_name: &args.name,
            password: &password,
            roles: RoleSet::new(roles),
            region_code: &args.region,
            department_code: args.department.as_deref(),
            scope_region_code: Some(args.scope.as_deref().unwrap_or(&args.region)),
            must_change_password: true,
        })
        .await
        .map_err(explain)?;
    println!("created account {} (id {id})", args.username);
    if generated {
        println!("temporary password: {password}");
    }
    println!("the password must be changed at first sign-in");
    Ok(())
}

/// `minxin region create`
pub async fn region_create(config: &Config, args: RegionCreate) -> anyhow::Result<()> {
    let level: RegionLevel = args.level.parse().map_err(|_| {
        anyhow::anyhow!("--level must be province, city, district, street or community")
    })?;
    let store = open(config).await?;
    let region = store
        .bootstrap_region(&args.code, &args.name, level, args.parent.as_deref())
        .await
        .map_err(explain)?;
    println!(
        "created region {} {} (id {})",
        region.code, region.name, region.id
    );
    Ok(())
}

/// `minxin open311-key create|list|revoke`
pub async fn open311_key(config: &Config, command: Open311KeyCommand) -> anyhow::Result<()> {
    let store = open(config).await?;
    match command {
        Open311KeyCommand::Create { name } => {
            let issued = store.bootstrap_open311_key(&name).await.map_err(explain)?;
            println!(
                "issued Open311 key {} (id {}) for {}",
                issued.listed.prefix, issued.listed.id, issued.listed.name
            );
            println!("key (shown this once only): {}", issued.key);
        }
        Open311KeyCommand::List => {
            for key in store.bootstrap_open311_keys().await.map_err(explain)? {
                let state = if key.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{state}\t{}…\t{}", key.id, key.prefix, key.name);
            }
        }
        Open311KeyCommand::Revoke { id } => {
            store
                .bootstrap_revoke_open311_key(id)
                .await
                .map_err(explain)?;
            println!("revoked Open311 key {id}");
        }
    }
    Ok(())
}

/// `minxin bench-seed`
pub async fn bench_seed(config: &Config, projects: usize, requests: usize) -> anyhow::Result<()> {
    let store = open(config).await?;
    if store.is_empty().await? {
        seed_demo(&store, config).await?;
    }
    let started = std::time::Instant::now();
    if projects > 0 {
        println!("adding {projects} invented projects …");
        minxin_demo::bench::seed(&store, projects, today(&store), |done| {
            println!(
                "  {} / {projects} projects, {} reports, {} money records ({:.1} s)",
                done.projects,
                done.reports,
                done.money,
                started.elapsed().as_secs_f64()
            );
        })
        .await
        .map_err(explain)?;
        println!("lighting every project …");
        let lights = store.refresh_lights().await.map_err(explain)?;
        println!(
            "  {} projects, {} lights set",
            lights.projects, lights.changed
        );
    }
    if requests > 0 {
        println!("adding {requests} invented service requests …");
        minxin_demo::requests::seed(&store, requests, store.clock().now(), |done| {
            if done % 100_000 == 0 || done == requests {
                println!(
                    "  {done} / {requests} requests ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .await
        .map_err(explain)?;
    }
    store.analyze().await?;
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `minxin import projects FILE.xlsx --user USERNAME [--dry-run]`
pub async fn import_projects(config: &Config, args: ImportProjects) -> anyhow::Result<()> {
    use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
    use minxin_storage::projects::{ImportOptions, RowAction};
    use minxin_web::projects::pages::import::describe_line;

    let lang = minxin_web::kernel::i18n::Lang::from_tag(&args.lang).unwrap_or_default();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let source = args.file.file_name().map_or_else(
        || "import.xlsx".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let store = open(config).await?;
    let actor = match store.actor_for_cli(&args.user).await {
        Ok(actor) => actor,
        Err(StoreError::Invalid(_)) => {
            anyhow::bail!("there is no enabled account named `{}`", args.user)
        }
        Err(e) => return Err(explain(e)),
    };
    if !actor.roles.has(Role::Office) && !actor.roles.has(Role::Dept) {
        anyhow::bail!(
            "`{}` cannot import projects: only the project office (office) and department staff \
             (dept, for projects their department leads) can",
            args.user
        );
    }
    let scoped = store.scoped(&actor, minxin_storage::identity::bootstrap::CLI_ADDRESS);
    let dictionary = scoped
        .projects()
        .import_dictionary()
        .await
        .map_err(explain)?;
    println!("reading {} …", args.file.display());
    let parsed = tokio::task::spawn_blocking(move || {
        read_workbook(&bytes, MAX_FILE_BYTES)
            .map(|sheet| minxin_domain::projects::import::parse(&sheet, &dictionary))
    })
    .await?;
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(issue) => anyhow::bail!("{}", describe_line(lang, &issue)),
    };
    println!("{} data rows", parsed.data_rows);
    if !parsed.issues.is_empty() {
        for issue in &parsed.issues {
            eprintln!("  {}", describe_line(lang, issue));
        }
        anyhow::bail!(
            "{} problems in the file; nothing was imported",
            parsed.issues.len()
        );
    }
    let options = ImportOptions {
        source,
        dry_run: args.dry_run,
    };
    let started = std::time::Instant::now();
    let report = scoped
        .projects()
        .import(&parsed.rows, &options, |done, total| {
            if done % 1000 == 0 || done == total {
                println!("  {done} / {total} rows");
            }
        })
        .await
        .map_err(explain)?;
    if !report.issues.is_empty() {
        for issue in &report.issues {
            eprintln!("  {}", describe_line(lang, issue));
        }
        anyhow::bail!("{} problems; nothing was imported", report.issues.len());
    }
    for row in report
        .rows
        .iter()
        .filter(|r| r.action != RowAction::Unchanged)
        .take(20)
    {
        let action = if row.action == RowAction::Create {
            "create"
        } else {
            "update"
        };
        println!(
            "  row {:>5}  {action:<6}  {}  {}",
            row.row, row.code, row.name
        );
    }
    println!(
        "{} {} rows in {:.1} s: {} created, {} updated, {} unchanged",
        if report.applied {
            "imported"
        } else {
            "dry run, nothing saved:"
        },
        report.total,
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged
    );
    store.db().close().await;
    Ok(())
}

/// `minxin openapi`
pub fn openapi() -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&minxin_web::openapi())?);
    Ok(())
}

/// `minxin config`
pub fn show_config(config: &Config) -> anyhow::Result<()> {
    let mut shown = config.clone();
    shown.database_url = Some(config.database_for_display());
    if shown.demo_password.is_some() {
        shown.demo_password = Some("***".into());
    }
    if shown.metrics_token.is_some() {
        shown.metrics_token = Some("***".into());
    }
    println!("{}", serde_json::to_string_pretty(&shown)?);
    Ok(())
}
