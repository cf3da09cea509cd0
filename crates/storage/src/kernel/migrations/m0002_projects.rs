//! The project registry: the category dictionary (seeded with SPEC §3's four categories and
//! common subcategories), projects with partners and budget lines by funding source,
//! milestones, the lifecycle transition log and attachments.

use super::columns::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    ColumnDef, Expr, ExprTrait, ForeignKeyAction, Index, IndexCreateStatement,
    PostgresQueryBuilder, Query, SqliteQueryBuilder, Table, TableCreateStatement,
};

fn date(col: Projects) -> ColumnDef {
    ColumnDef::new(col).date().null().take()
}

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        Table::create()
            .table(Categories::Table)
            .col(id(Categories::Id))
            .col(text(Categories::Code).unique_key())
            .col(text(Categories::Name))
            .col(big_null(Categories::ParentId))
            .col(big(Categories::Sort))
            .col(time(Categories::CreatedAt))
            .foreign_key(&mut fk(
                (Categories::Table, Categories::ParentId),
                (Categories::Table, Categories::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(Projects::Table)
            .col(id(Projects::Id))
            .col(text(Projects::Code).unique_key())
            .col(text(Projects::Name))
            .col(big(Projects::CategoryId))
            .col(ColumnDef::new(Projects::Year).integer().not_null())
            .col(big(Projects::RegionId))
            .col(path(Projects::RegionPath, backend))
            .col(big(Projects::LeadDepartmentId))
            .col(text(Projects::OwnerName))
            .col(text(Projects::OwnerPhone))
            .col(big_null(Projects::ManagerId))
            .col(ColumnDef::new(Projects::Latitude).double().null())
            .col(ColumnDef::new(Projects::Longitude).double().null())
            .col(text(Projects::Address))
            .col(date(Projects::PlannedStart))
            .col(date(Projects::PlannedEnd))
            .col(date(Projects::ActualStart))
            .col(date(Projects::ActualEnd))
            .col(big_null(Projects::Beneficiaries))
            .col(text(Projects::Description))
            .col(text(Projects::Goals))
            .col(flag(Projects::IsPublic))
            .col(text(Projects::Stage))
            .col(text(Projects::Hold))
            .col(text_null(Projects::HoldReason))
            .col(
                ColumnDef::new(Projects::ProgressPercent)
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(text(Projects::ProgressNote))
            .col(big(Projects::BudgetFen))
            .col(time(Projects::CreatedAt))
            .col(time(Projects::UpdatedAt))
            .col(version(Projects::Version))
            .foreign_key(&mut fk(
                (Projects::Table, Projects::CategoryId),
                (Categories::Table, Categories::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (Projects::Table, Projects::RegionId),
                (Regions::Table, Regions::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (Projects::Table, Projects::LeadDepartmentId),
                (Departments::Table, Departments::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (Projects::Table, Projects::ManagerId),
                (Accounts::Table, Accounts::Id),
                SetNull,
            ))
            .take(),
        Table::create()
            .table(ProjectPartners::Table)
            .col(big(ProjectPartners::ProjectId))
            .col(big(ProjectPartners::DepartmentId))
            .primary_key(
                Index::create()
                    .col(ProjectPartners::ProjectId)
                    .col(ProjectPartners::DepartmentId),
            )
            .foreign_key(&mut fk(
                (ProjectPartners::Table, ProjectPartners::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (ProjectPartners::Table, ProjectPartners::DepartmentId),
                (Departments::Table, Departments::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(BudgetLines::Table)
            .col(big(BudgetLines::ProjectId))
            .col(text(BudgetLines::Source))
            .col(big(BudgetLines::AmountFen))
            .primary_key(
                Index::create()
                    .col(BudgetLines::ProjectId)
                    .col(BudgetLines::Source),
            )
            .foreign_key(&mut fk(
                (BudgetLines::Table, BudgetLines::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Milestones::Table)
            .col(id(Milestones::Id))
            .col(big(Milestones::ProjectId))
            .col(text(Milestones::Name))
            .col(ColumnDef::new(Milestones::PlannedDate).date().not_null())
            .col(ColumnDef::new(Milestones::ActualDate).date().null())
            .col(ColumnDef::new(Milestones::Weight).integer().not_null())
            .col(big(Milestones::Sort))
            .col(version(Milestones::Version))
            .foreign_key(&mut fk(
                (Milestones::Table, Milestones::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Transitions::Table)
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
            .foreign_key(&mut fk(
                (Transitions::Table, Transitions::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Attachments::Table)
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
            .foreign_key(&mut fk(
                (Attachments::Table, Attachments::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (Attachments::Table, Attachments::TransitionId),
                (Transitions::Table, Transitions::Id),
                SetNull,
            ))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    let index = |name: &str, table: Projects, cols: &[Projects]| {
        let mut i = Index::create().name(name).table(table).take();
        for c in cols {
            i.col(*c);
        }
        i
    };
    vec![
        // The usual list — year and stage filters, the actor's scope, sorted by code, counted —
        // is answered from this index alone, in order, stopping after one page.
        index(
            "projects_year_stage",
            Projects::Table,
            &[
                Projects::Year,
                Projects::Stage,
                Projects::Code,
                Projects::RegionPath,
            ],
        ),
        // Counting a year and stage inside a scope: an index range on the path.
        index(
            "projects_year_stage_scope",
            Projects::Table,
            &[Projects::Year, Projects::Stage, Projects::RegionPath],
        ),
        index(
            "projects_region_path",
            Projects::Table,
            &[Projects::RegionPath],
        ),
        index(
            "projects_lead",
            Projects::Table,
            &[Projects::LeadDepartmentId],
        ),
        index(
            "projects_category",
            Projects::Table,
            &[Projects::CategoryId],
        ),
        index(
            "projects_stage",
            Projects::Table,
            &[Projects::Stage, Projects::Id],
        ),
        index("projects_manager", Projects::Table, &[Projects::ManagerId]),
        Index::create()
            .name("project_partners_department")
            .table(ProjectPartners::Table)
            .col(ProjectPartners::DepartmentId)
            .take(),
        Index::create()
            .name("milestones_project")
            .table(Milestones::Table)
            .col(Milestones::ProjectId)
            .take(),
        Index::create()
            .name("transitions_project")
            .table(Transitions::Table)
            .col(Transitions::ProjectId)
            .take(),
        Index::create()
            .name("attachments_project")
            .table(Attachments::Table)
            .col(Attachments::ProjectId)
            .take(),
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
    let render = |q: &sea_query::InsertStatement| match backend {
        Backend::Sqlite => q.to_string(SqliteQueryBuilder),
        Backend::Postgres => q.to_string(PostgresQueryBuilder),
    };
    let mut out = Vec::new();
    for (i, (code, name, children)) in DICTIONARY.iter().enumerate() {
        out.push(render(
            &Query::insert()
                .into_table(Categories::Table)
                .columns([
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
        ));
        for (j, (child_code, child_name)) in children.iter().enumerate() {
            out.push(render(
                &Query::insert()
                    .into_table(Categories::Table)
                    .columns([
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
            ));
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
