//! Table and column names, shared by the migrations that create them and the queries that use
//! them, so a typo is a compile error rather than a runtime one.
#![allow(missing_docs)]

use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub enum Regions {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    Path,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum Departments {
    Table,
    Id,
    Code,
    Name,
    RegionId,
    Phone,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum Accounts {
    Table,
    Id,
    Username,
    DisplayName,
    Phone,
    RegionId,
    DepartmentId,
    PasswordHash,
    MustChangePassword,
    PasswordChangedAt,
    TotpSecret,
    Disabled,
    ScopeRegionId,
    LastSignInAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum AccountRoles {
    Table,
    AccountId,
    Role,
    GrantedBy,
    GrantedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AccountScopeDepartments {
    Table,
    AccountId,
    DepartmentId,
}

#[derive(Iden, Clone, Copy)]
pub enum PasswordHistory {
    Table,
    Id,
    AccountId,
    PasswordHash,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Sessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    SecondFactorPending,
    Address,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    TotpPending,
}

#[derive(Iden, Clone, Copy)]
pub enum SignInAttempts {
    Table,
    Id,
    Username,
    Address,
    Success,
    At,
}

#[derive(Iden, Clone, Copy)]
pub enum ApiTokens {
    Table,
    Id,
    AccountId,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Address,
    Action,
    Outcome,
    TargetType,
    TargetId,
    TargetLabel,
    Before,
    After,
    RegionPath,
}

#[derive(Iden, Clone, Copy)]
pub enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum MinxinMigrations {
    Table,
    Version,
    Name,
    AppliedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Categories {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    Sort,
    CreatedAt,
    RegionId,
    RegionPath,
}

#[derive(Iden, Clone, Copy)]
pub enum Projects {
    Table,
    Id,
    Code,
    Name,
    CategoryId,
    Year,
    RegionId,
    RegionPath,
    LeadDepartmentId,
    OwnerName,
    OwnerPhone,
    PublicPhone,
    ManagerId,
    Latitude,
    Longitude,
    Address,
    PlannedStart,
    PlannedEnd,
    ActualStart,
    ActualEnd,
    Beneficiaries,
    Description,
    Goals,
    IsPublic,
    Stage,
    Hold,
    HoldReason,
    ProgressPercent,
    ProgressNote,
    BudgetFen,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum ProjectPartners {
    Table,
    ProjectId,
    DepartmentId,
}

#[derive(Iden, Clone, Copy)]
pub enum BudgetLines {
    Table,
    ProjectId,
    Source,
    AmountFen,
}

#[derive(Iden, Clone, Copy)]
pub enum Milestones {
    Table,
    Id,
    ProjectId,
    Name,
    PlannedDate,
    ActualDate,
    Weight,
    Sort,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum Transitions {
    Table,
    Id,
    ProjectId,
    At,
    ActorId,
    ActorName,
    Move,
    FromStage,
    ToStage,
    FromHold,
    ToHold,
    Reason,
}

#[derive(Iden, Clone, Copy)]
pub enum Attachments {
    Table,
    Id,
    ProjectId,
    TransitionId,
    Kind,
    FileName,
    ContentType,
    Size,
    Sha256,
    UploadedBy,
    UploadedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ProgressReports {
    Table,
    Id,
    ProjectId,
    Period,
    PercentBp,
    Done,
    Problems,
    HelpNeeded,
    State,
    SubmittedBy,
    SubmittedByName,
    SubmittedAt,
    ReviewedBy,
    ReviewedByName,
    ReviewedAt,
    ReviewComment,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum ReportPhotos {
    Table,
    Id,
    ReportId,
    Original,
    Display,
    Thumbnail,
    Width,
    Height,
    HadLocation,
    UploadedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Contracts {
    Table,
    Id,
    ProjectId,
    Method,
    Contractor,
    CreditCode,
    AmountFen,
    SignedOn,
    StartsOn,
    EndsOn,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum MoneyRecords {
    Table,
    Id,
    ProjectId,
    Kind,
    Source,
    AmountFen,
    ContractId,
    Reverses,
    OccurredOn,
    Note,
    CreatedBy,
    CreatedByName,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum LightSnapshots {
    Table,
    Period,
    ProjectId,
    RegionPath,
    LeadDepartmentId,
    Stage,
    Hold,
    Light,
    Reasons,
    ExpectedBp,
    ReportedBp,
    BudgetFen,
    ApprovedFen,
    DisbursedFen,
    PaidFen,
    ReportLate,
    TakenAt,
    ProjectCode,
    ProjectName,
    RegionName,
    LeadDepartmentName,
    ReportDue,
}

#[derive(Iden, Clone, Copy)]
pub enum SnapshotMonths {
    Table,
    Period,
    Projects,
    TakenBy,
    TakenAt,
}

#[derive(Iden, Clone, Copy)]
pub enum LightSettings {
    Table,
    RegionId,
    Thresholds,
    ReportDueDay,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy)]
pub enum Reminders {
    Table,
    Id,
    AccountId,
    ProjectId,
    Kind,
    Period,
    CreatedAt,
    ReadAt,
}

/// Columns that migration 3 adds to `projects`: the current light and money totals, kept
/// beside the row so lists and dashboards never aggregate millions of records per request.
#[derive(Iden, Clone, Copy)]
pub enum ProjectLights {
    #[iden = "projects"]
    Table,
    Light,
    LightReasons,
    LightAt,
    ApprovedFen,
    DisbursedFen,
    PaidFen,
}

/// Money per project and funding source, net of corrections: what the dashboard adds up by
/// source without reading the money records (migration 5, kept by `progress/money.rs`).
#[derive(Iden, Clone, Copy)]
pub enum SourceMoney {
    #[iden = "project_source_money"]
    Table,
    ProjectId,
    Source,
    ApprovedFen,
    DisbursedFen,
    PaidFen,
}

/// The monthly light snapshots added up by month, region, lead department and light (migration
/// 4), kept by triggers on `light_snapshots` so the dashboard's trends read a few rows per month.
#[derive(Iden, Clone, Copy)]
pub enum SnapshotTotals {
    Table,
    Period,
    RegionPath,
    LeadDepartmentId,
    Light,
    Projects,
    PaidFen,
}

/// The projects of each plan year added up by region, lead department, stage and light
/// (migration 6, kept by triggers), so a dashboard reads a few hundred rows, not the projects.
#[derive(Iden, Clone, Copy)]
pub enum PlanTotals {
    Table,
    Year,
    RegionPath,
    LeadDepartmentId,
    Stage,
    Light,
    Projects,
    BudgetFen,
    PaidFen,
}

/// The money of each plan year by region, lead department, stage and funding source
/// (migration 6, kept by triggers on the budget lines and the per-source money).
#[derive(Iden, Clone, Copy)]
pub enum PlanSourceTotals {
    Table,
    Year,
    RegionPath,
    LeadDepartmentId,
    Stage,
    Source,
    PlannedFen,
    ApprovedFen,
    DisbursedFen,
    PaidFen,
}

#[derive(Iden, Clone, Copy)]
pub enum RequestCategories {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    AcceptDays,
    AnswerDays,
    Sort,
    Active,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ServiceRequests {
    Table,
    Id,
    Receipt,
    CategoryId,
    Description,
    Latitude,
    Longitude,
    Address,
    ProjectId,
    RegionPath,
    Channel,
    EnteredBy,
    ContactName,
    ContactPhone,
    State,
    HolderDepartmentId,
    OwnerDepartmentId,
    Reopened,
    MergedInto,
    SubmittedAt,
    AcceptBy,
    AnswerBy,
    AnsweredAt,
    ClosedAt,
    Answer,
    Rating,
    RatingComment,
    IsPublished,
    UpdatedAt,
    Version,
    PublicDescription,
    PublishedAt,
    PublicLatitude,
    PublicLongitude,
}

#[derive(Iden, Clone, Copy)]
pub enum RequestEvents {
    Table,
    Id,
    RequestId,
    Kind,
    At,
    ActorId,
    ActorName,
    DepartmentId,
    Note,
}

#[derive(Iden, Clone, Copy)]
pub enum RequestPhotos {
    Table,
    Id,
    RequestId,
    Stage,
    Display,
    Thumbnail,
    Width,
    Height,
    HadLocation,
    UploadedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum RoutingRules {
    Table,
    Id,
    CategoryId,
    RegionId,
    DepartmentId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum CommunityBoundaries {
    Table,
    RegionId,
    Geojson,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Open311Keys {
    Table,
    Id,
    Name,
    KeyHash,
    Prefix,
    RegionPath,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Open311Submissions {
    Table,
    RequestId,
    KeyId,
    Token,
}

#[derive(Iden, Clone, Copy)]
pub enum CalendarYears {
    Table,
    Year,
    Arrangement,
    EnteredBy,
    EnteredAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    OwnerId,
    Priority,
    State,
    Attempts,
    LeaseUntil,
    Done,
    Total,
    Result,
    Error,
    CreatedAt,
    UpdatedAt,
    RunAt,
    UniqueKey,
}

#[derive(Iden, Clone, Copy)]
pub enum JobFiles {
    Table,
    JobId,
    Bytes,
}
