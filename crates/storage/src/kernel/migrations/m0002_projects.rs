//! The project registry: the category dictionary (seeded with SPEC §3's four categories and
//! common subcategories), projects with partners and budget lines by funding source,
//! milestones, the lifecycle transition log and attachments.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    Expr, ExprTrait, ForeignKeyAction, IndexCreateStatement, Query, TableCreateStatement,
};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        table(Categories::Table)
            .col(id(Categories::Id))
            .col(text(Categories::Code).unique_key())
            .col(text(Categories::Name))
            .col(big_null(Categories::ParentId))
            .col(big(Categories::Sort))
            .col(time(Categories::CreatedAt))
            .references(Categories::ParentId, Categories::Table, Restrict)
            .take(),
        table(Projects::Table)
            .col(id(Projects::Id))
            .col(text(Projects::Code).unique_key())
            .col(text(Projects::Name))
            .col(big(Projects::CategoryId))
            .col(int(Projects::Year))
            .col(big(Projects::RegionId))
            .col(path(Projects::RegionPath, backend))
            .col(big(Projects::LeadDepartmentId))
            .col(text(Projects::OwnerName))
            .col(text(Projects::OwnerPhone))
            .col(big_null(Projects::ManagerId))
            .col(coordinate(Projects::Latitude))
            .col(coordinate(Projects::Longitude))
            .col(text(Projects::Address))
            .col(day_null(Projects::PlannedStart))
            .col(day_null(Projects::PlannedEnd))
            .col(day_null(Projects::ActualStart))
            .col(day_null(Projects::ActualEnd))
            .col(big_null(Projects::Beneficiaries))
            .col(text(Projects::Description))
            .col(text(Projects::Goals))
            .col(flag(Projects::IsPublic))
            .col(text(Projects::Stage))
            .col(text(Projects::Hold))
            .col(text_null(Projects::HoldReason))
            .col(int(Projects::ProgressPercent).default(0))
            .col(text(Projects::ProgressNote))
            .col(big(Projects::BudgetFen))
            .col(time(Projects::CreatedAt))
            .col(time(Projects::UpdatedAt))
            .col(version(Projects::Version))
            .references(Projects::CategoryId, Categories::Table, Restrict)
            .references(Projects::RegionId, Regions::Table, Restrict)
            .references(Projects::LeadDepartmentId, Departments::Table, Restrict)
            .references(Projects::ManagerId, Accounts::Table, SetNull)
            .take(),
        table(ProjectPartners::Table)
            .col(big(ProjectPartners::ProjectId))
            .col(big(ProjectPartners::DepartmentId))
            .primary_key(&mut key([
                ProjectPartners::ProjectId,
                ProjectPartners::DepartmentId,
            ]))
            .references(ProjectPartners::ProjectId, Projects::Table, Cascade)
            .references(ProjectPartners::DepartmentId, Departments::Table, Restrict)
            .take(),
        table(BudgetLines::Table)
            .col(big(BudgetLines::ProjectId))
            .col(text(BudgetLines::Source))
            .col(big(BudgetLines::AmountFen))
            .primary_key(&mut key([BudgetLines::ProjectId, BudgetLines::Source]))
            .references(BudgetLines::ProjectId, Projects::Table, Cascade)
            .take(),
        table(Milestones::Table)
            .col(id(Milestones::Id))
            .col(big(Milestones::ProjectId))
            .col(text(Milestones::Name))
            .col(day(Milestones::PlannedDate))
            .col(day_null(Milestones::ActualDate))
            .col(int(Milestones::Weight))
            .col(big(Milestones::Sort))
            .col(version(Milestones::Version))
            .references(Milestones::ProjectId, Projects::Table, Cascade)
            .take(),
        table(Transitions::Table)
            .col(id(Transitions::Id))
            .col(big(Transitions::ProjectId))
            .col(time(Transitions::At))
            .col(big_null(Transitions::ActorId))
            .col(text(Transitions::ActorName))
            .col(text(Transitions::Move))
            .col(text(Transitions::FromStage))
            .col(text(Transitions::ToStage))
            .col(text(Transitions::FromHold))
            .col(text(Transitions::ToHold))
            .col(text(Transitions::Reason))
            .references(Transitions::ProjectId, Projects::Table, Cascade)
            .take(),
        table(Attachments::Table)
            .col(id(Attachments::Id))
            .col(big(Attachments::ProjectId))
            .col(big_null(Attachments::TransitionId))
            .col(text(Attachments::Kind))
            .col(text(Attachments::FileName))
            .col(text(Attachments::ContentType))
            .col(big(Attachments::Size))
            .col(text(Attachments::Sha256))
            .col(text(Attachments::UploadedBy))
            .col(time(Attachments::UploadedAt))
            .references(Attachments::ProjectId, Projects::Table, Cascade)
            .references(Attachments::TransitionId, Transitions::Table, SetNull)
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // The usual list — year and stage filters, the actor's scope, sorted by code, counted —
        // is answered from this index alone, in order, stopping after one page.
        index_on(
            "projects_year_stage",
            Projects::Table,
            [
                Projects::Year,
                Projects::Stage,
                Projects::Code,
                Projects::RegionPath,
            ],
        ),
        // Counting a year and stage inside a scope: an index range on the path.
        index_on(
            "projects_year_stage_scope",
            Projects::Table,
            [Projects::Year, Projects::Stage, Projects::RegionPath],
        ),
        index_on(
            "projects_region_path",
            Projects::Table,
            [Projects::RegionPath],
        ),
        index_on(
            "projects_lead",
            Projects::Table,
            [Projects::LeadDepartmentId],
        ),
        index_on("projects_category", Projects::Table, [Projects::CategoryId]),
        index_on(
            "projects_stage",
            Projects::Table,
            [Projects::Stage, Projects::Id],
        ),
        index_on("projects_manager", Projects::Table, [Projects::ManagerId]),
        index_on(
            "project_partners_department",
            ProjectPartners::Table,
            [ProjectPartners::DepartmentId],
        ),
        index_on(
            "milestones_project",
            Milestones::Table,
            [Milestones::ProjectId],
        ),
        index_on(
            "transitions_project",
            Transitions::Table,
            [Transitions::ProjectId],
        ),
        index_on(
            "attachments_project",
            Attachments::Table,
            [Attachments::ProjectId],
        ),
    ]
}

/// Subcategories of one category, as (code, name).
type Subcategories = &'static [(&'static str, &'static str)];

/// The default category dictionary: (code, name, subcategories).
const DICTIONARY: [(&str, &str, Subcategories); 4] = [
    (
        "infrastructure",
        "基础设施",
        &[
            ("old_housing", "老旧小区改造"),
            ("lifts", "既有住宅加装电梯"),
            ("roads", "道路交通"),
            ("water", "供水排水"),
            ("parking", "停车设施"),
        ],
    ),
    (
        "public_service",
        "公共服务",
        &[
            ("education", "教育"),
            ("health", "医疗卫生"),
            ("elderly", "养老服务"),
            ("childcare", "托育服务"),
            ("culture_sport", "文化体育"),
            ("employment", "就业社保"),
        ],
    ),
    (
        "environment",
        "生态环境",
        &[
            ("waste", "垃圾分类"),
            ("parks", "公园绿地"),
            ("sewage", "污水治理"),
            ("rural_living", "农村人居环境"),
        ],
    ),
    (
        "governance",
        "社会治理",
        &[
            ("safety", "平安建设"),
            ("community", "社区服务"),
            ("smart", "智慧治理"),
        ],
    ),
];

fn dictionary(backend: Backend) -> Vec<String> {
    let into_categories = |columns: &[Categories]| {
        Query::insert()
            .into_table(Categories::Table)
            .columns(columns.iter().copied())
            .take()
    };
    let mut out = Vec::new();
    for (i, (code, name, children)) in DICTIONARY.iter().enumerate() {
        out.push(
            backend.query_sql(
                &into_categories(&[
                    Categories::Code,
                    Categories::Name,
                    Categories::Sort,
                    Categories::CreatedAt,
                ])
                .values_panic([
                    (*code).into(),
                    (*name).into(),
                    (i as i64 * 100).into(),
                    Expr::current_timestamp(),
                ])
                .take(),
            ),
        );
        for (j, (child_code, child_name)) in children.iter().enumerate() {
            out.push(
                backend.query_sql(
                    &into_categories(&[
                        Categories::Code,
                        Categories::Name,
                        Categories::ParentId,
                        Categories::Sort,
                        Categories::CreatedAt,
                    ])
                    .select_from(
                        Query::select()
                            .expr(Expr::val(format!("{code}.{child_code}")))
                            .expr(Expr::val(*child_name))
                            .column(Categories::Id)
                            .expr(Expr::val(i as i64 * 100 + j as i64 + 1))
                            .expr(Expr::current_timestamp())
                            .from(Categories::Table)
                            .and_where(Expr::col(Categories::Code).eq(*code))
                            .take(),
                    )
                    .expect("columns and values match")
                    .take(),
                ),
            );
        }
    }
    out
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(backend), &indexes());
    out.extend(dictionary(backend));
    out
}
