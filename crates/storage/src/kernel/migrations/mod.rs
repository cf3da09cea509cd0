//! Versioned schema migrations. Each migration is Rust that builds its statements with
//! sea-query's schema builder, so one definition renders correct DDL for SQLite and PostgreSQL;
//! raw per-dialect SQL appears only where the engines really differ (triggers).

mod columns;
mod m0001_foundation;
mod m0002_projects;
mod m0003_progress;
mod m0004_bulletin;
mod m0005_dashboard;
mod m0006_plan_totals;
mod m0007_public_phone;
mod m0008_portal_map;
mod m0009_service_requests;
mod m0010_open311_keys;
mod m0011_request_moderation;
mod m0012_calendar_years;
mod m0013_public_location;
mod m0014_totp_enrolment;
mod m0015_category_region;
mod m0016_jobs;
mod m0017_job_schedule;
mod statements;

use crate::kernel::db::Backend;

/// One step of the schema's history. Versions are never reused or edited once released.
pub struct Migration {
    /// Strictly increasing version number.
    pub version: i64,
    /// Short human-readable name, stored alongside the version.
    pub name: &'static str,
    /// The SQL statements of this step for the given backend, run in one transaction.
    pub statements: fn(Backend) -> Vec<String>,
}

/// Every migration, oldest first.
pub const ALL: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        statements: m0001_foundation::statements,
    },
    Migration {
        version: 2,
        name: "projects",
        statements: m0002_projects::statements,
    },
    Migration {
        version: 3,
        name: "progress",
        statements: m0003_progress::statements,
    },
    Migration {
        version: 4,
        name: "bulletin",
        statements: m0004_bulletin::statements,
    },
    Migration {
        version: 5,
        name: "dashboard",
        statements: m0005_dashboard::statements,
    },
    Migration {
        version: 6,
        name: "plan_totals",
        statements: m0006_plan_totals::statements,
    },
    Migration {
        version: 7,
        name: "public_phone",
        statements: m0007_public_phone::statements,
    },
    Migration {
        version: 8,
        name: "portal_map",
        statements: m0008_portal_map::statements,
    },
    Migration {
        version: 9,
        name: "service_requests",
        statements: m0009_service_requests::statements,
    },
    Migration {
        version: 10,
        name: "open311_keys",
        statements: m0010_open311_keys::statements,
    },
    Migration {
        version: 11,
        name: "request_moderation",
        statements: m0011_request_moderation::statements,
    },
    Migration {
        version: 12,
        name: "calendar_years",
        statements: m0012_calendar_years::statements,
    },
    Migration {
        version: 13,
        name: "public_location",
        statements: m0013_public_location::statements,
    },
    Migration {
        version: 14,
        name: "totp_enrolment",
        statements: m0014_totp_enrolment::statements,
    },
    Migration {
        version: 15,
        name: "category_region",
        statements: m0015_category_region::statements,
    },
    Migration {
        version: 16,
        name: "jobs",
        statements: m0016_jobs::statements,
    },
    Migration {
        version: 17,
        name: "job_schedule",
        statements: m0017_job_schedule::statements,
    },
];
