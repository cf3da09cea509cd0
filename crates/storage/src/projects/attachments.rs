//! Documents attached to a project (项目文档): evidence for the lifecycle gates (a consultation record,
//! the approval, the contract, …), site photos and anything else. The file must pass
//! [`minxin_domain::projects::document::check`] (type by content, size limit, cleaned name); its
//! bytes go to a [`BlobStore`] under their SHA-256, the metadata to `attachments`. Attaching and
//! removing are management, except that whoever reports a project's progress may add site photos.
//!
//! Removing an attachment deletes its record (and so its weight as gate evidence) but keeps the
//! blob: the audit entry names its SHA-256, so a removed document can still be produced, and
//! identical content attached elsewhere shares the blob.

use super::Registry;
use super::read::{Project, find};
use crate::kernel::blobs::BlobStore;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{Attachments, Transitions};
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::projects::access::{may_manage, may_report_progress};
use minxin_domain::projects::document;
use minxin_domain::projects::project::DocumentKind;
use minxin_domain::{Actor, Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

/// A document attached to a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    /// Id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The lifecycle transition it was uploaded with, if any.
    pub transition_id: Option<i64>,
    /// Document kind code (consultation, approval, contract, acceptance, evaluation,
    /// maintenance_plan, photo, other).
    pub kind: String,
    /// File name for display and download, cleaned, ending in the extension of its content.
    pub file_name: String,
    /// Media type, decided from the content.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content in hex, also its key in the file store.
    pub sha256: String,
    /// User name of the uploader.
    pub uploaded_by: String,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

impl Attachment {
    /// The kind, if its code is known.
    pub fn kind(&self) -> Option<DocumentKind> {
        self.kind.parse().ok()
    }

    /// The accepted format of the content.
    pub fn format(&self) -> Option<document::Format> {
        document::Format::from_content_type(&self.content_type)
    }
}

/// Whether `actor` may attach a document of `kind` to `project`: managers any kind, whoever
/// reports progress site photos.
pub fn may_attach(actor: &Actor, project: &Project, kind: DocumentKind) -> bool {
    may_manage(actor, project.ownership())
        || (kind == DocumentKind::Photo && may_report_progress(actor, project.ownership()))
}

/// Whether `actor` may remove documents from `project`.
pub fn may_remove(actor: &Actor, project: &Project) -> bool {
    may_manage(actor, project.ownership())
}

/// The columns of an [`Attachment`] but its id: what a listing reads and an upload writes.
const COLUMNS: [Attachments; 9] = [
    Attachments::ProjectId,
    Attachments::TransitionId,
    Attachments::Kind,
    Attachments::FileName,
    Attachments::ContentType,
    Attachments::Size,
    Attachments::Sha256,
    Attachments::UploadedBy,
    Attachments::UploadedAt,
];

fn select() -> SelectStatement {
    Query::select()
        .column(Attachments::Id)
        .columns(COLUMNS)
        .from(Attachments::Table)
        .take()
}

/// The attachments of a project, oldest first.
pub(crate) async fn of_project(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<Attachment>, StoreError> {
    tx.all(
        &select()
            .and_where(Expr::col(Attachments::ProjectId).eq(project_id))
            .order_by(Attachments::UploadedAt, Order::Asc)
            .order_by(Attachments::Id, Order::Asc)
            .take(),
    )
    .await
}

async fn one(tx: &mut Tx, project_id: i64, attachment_id: i64) -> Result<Attachment, StoreError> {
    tx.optional(
        &select()
            .and_where(Expr::col(Attachments::ProjectId).eq(project_id))
            .and_where(Expr::col(Attachments::Id).eq(attachment_id))
            .take(),
    )
    .await?
    .ok_or(StoreError::NotFound)
}

impl Registry<'_> {
    /// The documents of a visible project, oldest first.
    pub async fn attachments(&self, project_id: i64) -> Result<Vec<Attachment>, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.read().await?;
        find(&mut tx, self.actor, project_id).await?;
        of_project(&mut tx, project_id).await
    }

    /// Attaches a document of `kind` to a project: the content is checked (type by content,
    /// size, name), stored in `blobs` and recorded; audited.
    pub async fn attach(
        &self,
        project_id: i64,
        kind: DocumentKind,
        file_name: &str,
        bytes: &[u8],
        blobs: &dyn BlobStore,
    ) -> Result<Attachment, StoreError> {
        self.attach_document(project_id, None, kind, file_name, bytes, blobs)
            .await
    }

    /// Like [`Registry::attach`], linking the document to one of the project's transitions (the
    /// evidence uploaded with a lifecycle move, shown in the timeline).
    pub async fn attach_to_transition(
        &self,
        project_id: i64,
        transition_id: i64,
        kind: DocumentKind,
        file_name: &str,
        bytes: &[u8],
        blobs: &dyn BlobStore,
    ) -> Result<Attachment, StoreError> {
        self.attach_document(
            project_id,
            Some(transition_id),
            kind,
            file_name,
            bytes,
            blobs,
        )
        .await
    }

    async fn attach_document(
        &self,
        project_id: i64,
        transition_id: Option<i64>,
        kind: DocumentKind,
        file_name: &str,
        bytes: &[u8],
        blobs: &dyn BlobStore,
    ) -> Result<Attachment, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        if !may_attach(self.actor, &project, kind) {
            return Err(StoreError::Forbidden);
        }
        let accepted = document::check(file_name, bytes)
            .map_err(|r| StoreError::invalid("file", r.problem()))?;
        if let Some(transition_id) = transition_id {
            let owned = tx
                .scalar(
                    &Query::select()
                        .expr(Expr::col(Transitions::Id).count())
                        .from(Transitions::Table)
                        .and_where(Expr::col(Transitions::Id).eq(transition_id))
                        .and_where(Expr::col(Transitions::ProjectId).eq(project_id))
                        .take(),
                )
                .await?;
            if owned == 0 {
                return Err(StoreError::invalid("transition_id", Problem::Unknown));
            }
        }
        drop(tx);
        // The content is written outside any transaction (a write transaction waiting on the
        // disk would hold up every other writer on SQLite); a blob whose record then fails to
        // commit is only an unreferenced file.
        let sha256 = blobs.put(bytes).await?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let id = tx
            .insert(
                Query::insert()
                    .into_table(Attachments::Table)
                    .columns(COLUMNS)
                    .values_panic([
                        project_id.into(),
                        transition_id.into(),
                        kind.code().into(),
                        accepted.file_name.into(),
                        accepted.format.content_type().into(),
                        size.into(),
                        sha256.into(),
                        self.actor.username.clone().into(),
                        tx.now().into(),
                    ])
                    .take(),
            )
            .await?;
        let after = one(&mut tx, project_id, id).await?;
        self.record(
            &mut tx,
            AuditAction::AttachmentChange,
            project.target(),
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One document of a visible project with its content.
    pub async fn attachment(
        &self,
        project_id: i64,
        attachment_id: i64,
        blobs: &dyn BlobStore,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        find(&mut tx, self.actor, project_id).await?;
        let attachment = one(&mut tx, project_id, attachment_id).await?;
        drop(tx);
        let bytes = blobs.get(&attachment.sha256).await?.ok_or_else(|| {
            StoreError::Blob(format!(
                "attachment {} has no content ({})",
                attachment.id, attachment.sha256
            ))
        })?;
        Ok((attachment, bytes))
    }

    /// Removes a document from a project (managers only); audited with what was removed. The
    /// content stays in the file store (see the module documentation).
    pub async fn remove_attachment(
        &self,
        project_id: i64,
        attachment_id: i64,
    ) -> Result<Attachment, StoreError> {
        self.require(Permission::ReadProjects).await?;
        let mut tx = self.db.begin().await?;
        let project = find(&mut tx, self.actor, project_id).await?;
        let before = one(&mut tx, project_id, attachment_id).await?;
        if !may_remove(self.actor, &project) {
            return Err(StoreError::Forbidden);
        }
        tx.execute(
            &Query::delete()
                .from_table(Attachments::Table)
                .and_where(Expr::col(Attachments::Id).eq(attachment_id))
                .and_where(Expr::col(Attachments::ProjectId).eq(project_id))
                .take(),
        )
        .await?;
        self.record(
            &mut tx,
            AuditAction::AttachmentChange,
            project.target(),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(before)
    }
}
