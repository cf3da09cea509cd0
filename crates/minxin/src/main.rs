//! The `minxin` binary: parses the command line and configuration, opens storage and runs the
//! chosen command.

mod blobs;
mod cli;
mod commands;
mod config;

use clap::Parser;
use cli::{Cli, Command};
use config::Config;
use std::process::ExitCode;

/// mimalloc instead of the system allocator, for Rust and (feature `override`) for the bundled
/// SQLite too: a list response allocates for every column of every row (SQLite values, sqlx
/// rows, strings, JSON), and glibc's allocator was a quarter of the CPU time under load; with
/// mimalloc the list serves 1.6 times the requests (see docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let explicit = std::env::var_os("MINXIN_CONFIG").is_some()
        || std::env::args().any(|a| a == "--config" || a.starts_with("--config="));
    let config = match Config::load(&cli.config, explicit) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("minxin: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => commands::serve(&config).await,
        Command::Migrate => commands::migrate(&config).await,
        Command::Demo => commands::demo(&config).await,
        Command::User(cli::UserCommand::Create(args)) => commands::user_create(&config, args).await,
        Command::Region(cli::RegionCommand::Create(args)) => {
            commands::region_create(&config, args).await
        }
        Command::BenchSeed { projects, requests } => {
            let projects = projects.unwrap_or(if requests.is_some() { 0 } else { 100_000 });
            commands::bench_seed(&config, projects, requests.unwrap_or(0)).await
        }
        Command::Import(cli::ImportCommand::Projects(args)) => {
            commands::import_projects(&config, args).await
        }
        Command::Lights(cli::LightsCommand::Refresh) => commands::refresh_lights(&config).await,
        Command::Snapshots(cli::SnapshotsCommand::Take { period }) => {
            commands::take_snapshot(&config, &period).await
        }
        Command::Open311Key(command) => commands::open311_key(&config, command).await,
        Command::Check(cli::CheckCommand::Money) => commands::check_money(&config).await,
        Command::Blobs(cli::BlobsCommand::Copy { to }) => blobs::copy_to(&config, &to).await,
        Command::Openapi => commands::openapi(),
        Command::Config => commands::show_config(&config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("minxin: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MINXIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
