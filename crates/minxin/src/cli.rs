//! The command line: `minxin [--config FILE] <command>`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Minxin 民心 — livelihood projects from a resident's request to maintenance.
///
/// Configuration comes from built-in defaults, then the TOML file (default ./minxin.toml, if it
/// exists), then MINXIN_* environment variables: MINXIN_LISTEN, MINXIN_DATABASE_URL,
/// MINXIN_DATA_DIR, MINXIN_SEED_DEMO, MINXIN_DEMO_PASSWORD, MINXIN_SECURE_COOKIES,
/// MINXIN_TRUST_FORWARDED_FOR, MINXIN_BODY_LIMIT, MINXIN_LOG_FORMAT, MINXIN_BLOB_URL (with
/// AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ALLOW_HTTP for a
/// bucket).
#[derive(Debug, Parser)]
#[command(name = "minxin", version)]
pub struct Cli {
    /// Configuration file (TOML).
    #[arg(
        long,
        global = true,
        env = "MINXIN_CONFIG",
        default_value = "minxin.toml"
    )]
    pub config: PathBuf,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrates first; seeds the demo district into an empty database
    /// unless seed_demo is false).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Seed the demo district into an empty database and print its accounts.
    Demo,
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the region tree from the command line (for bootstrapping a real deployment).
    #[command(subcommand)]
    Region(RegionCommand),
    /// Fill a database with many invented projects and/or service requests for benchmarks
    /// (seeds the demo district first if the database is empty). Never run this against real
    /// data.
    BenchSeed {
        /// How many projects to add (100,000 when neither this nor --requests is given).
        #[arg(long)]
        projects: Option<usize>,
        /// How many service requests to add, received over the last year (the requests
        /// benchmark uses 1,000,000).
        #[arg(long)]
        requests: Option<usize>,
    },
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Traffic lights (`serve` also refreshes them every night).
    #[command(subcommand)]
    Lights(LightsCommand),
    /// Monthly light snapshots for the bulletins (`serve` takes the month just finished every
    /// night).
    #[command(subcommand)]
    Snapshots(SnapshotsCommand),
    /// API keys of the Open311 GeoReport v2 endpoint (`/open311/v2`), with which software posts
    /// service requests.
    #[command(subcommand, name = "open311-key")]
    Open311Key(Open311KeyCommand),
    /// Check stored data against the rules, for data entered before a rule held: each check
    /// prints what it checks and every breach, and exits non-zero when it finds any.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Attachments' and photos' files (the blob store `blob_url` names).
    #[command(subcommand)]
    Blobs(BlobsCommand),
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Print the effective configuration (passwords hidden).
    Config,
}

/// `minxin lights …`
#[derive(Debug, Subcommand)]
pub enum LightsCommand {
    /// Recompute every project's light for today (Asia/Shanghai) and print how many changed.
    Refresh,
}

/// `minxin blobs …`
#[derive(Debug, Subcommand)]
pub enum BlobsCommand {
    /// Copy every file of the configured blob store to another, e.g. before switching
    /// `blob_url` from the data directory to a bucket. Files already there with the same size
    /// are skipped, so an interrupted copy is run again; exits non-zero unless every file was
    /// copied or skipped and is found in the target.
    Copy {
        /// The target: `s3://BUCKET/PREFIX` (with the AWS_* variables) or `file:///DIR`.
        #[arg(long)]
        to: String,
    },
}

/// `minxin check …`
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Every project's books per funding source: paid ≤ disbursed ≤ approved. Lists each
    /// project code and source that breaks it, with its figures.
    Money,
}

/// `minxin snapshots …`
#[derive(Debug, Subcommand)]
pub enum SnapshotsCommand {
    /// Take the snapshot of the month just finished, e.g. `2026-10` (once taken, a month is
    /// frozen: taking it again changes nothing).
    Take {
        /// The month, `YYYY-MM`.
        period: String,
    },
}

/// `minxin open311-key …`
#[derive(Debug, Subcommand)]
pub enum Open311KeyCommand {
    /// Issue a key valid for the whole region tree and print it (once: only its digest is
    /// stored).
    Create {
        /// Who the key is for, e.g. "12345 热线系统".
        name: String,
    },
    /// List every key: id, state, prefix and name.
    List,
    /// Revoke a key by its id (from `list`).
    Revoke {
        /// The key's id.
        id: i64,
    },
}

/// `minxin user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a random temporary password is generated
    /// and printed; the account must change it at first sign-in.
    Create(UserCreate),
}

/// Arguments of `minxin user create`.
#[derive(Debug, Args)]
pub struct UserCreate {
    /// Sign-in name.
    #[arg(long)]
    pub username: String,
    /// Real name.
    #[arg(long)]
    pub name: String,
    /// Role code (repeatable): sysadmin, secadmin, auditor, leader, office, dept, manager,
    /// finance, supervisor, evaluator, grid.
    #[arg(long = "role")]
    pub roles: Vec<String>,
    /// Code of the home region.
    #[arg(long)]
    pub region: String,
    /// Code of the department.
    #[arg(long)]
    pub department: Option<String>,
    /// Code of the data scope's root region (defaults to the home region).
    #[arg(long)]
    pub scope: Option<String>,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `minxin region …`
#[derive(Debug, Subcommand)]
pub enum RegionCommand {
    /// Create a region.
    Create(RegionCreate),
}

/// Arguments of `minxin region create`.
#[derive(Debug, Args)]
pub struct RegionCreate {
    /// GB/T 2260-style code.
    #[arg(long)]
    pub code: String,
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Level: province, city, district, street or community.
    #[arg(long)]
    pub level: String,
    /// Code of the parent region; omit for the root.
    #[arg(long)]
    pub parent: Option<String>,
}

/// `minxin import …`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import an annual plan from an .xlsx file filled in from the import template (the one
    /// the project pages offer for download), acting as an account so that its roles and data
    /// scope apply. All rows or none; existing project codes are updated, not duplicated.
    Projects(ImportProjects),
}

/// Arguments of `minxin import projects`.
#[derive(Debug, Args)]
pub struct ImportProjects {
    /// The .xlsx file.
    pub file: PathBuf,
    /// The account to act as (normally the project office's).
    #[arg(long)]
    pub user: String,
    /// Check every row and report, but save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Language of the messages: zh-CN or en.
    #[arg(long, default_value = "zh-CN")]
    pub lang: String,
}
