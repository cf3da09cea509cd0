//! The office's moderation (issue 6): a request becomes public only when the office publishes
//! it, in wording the office checked — the resident's text with names, phone numbers and door
//! numbers taken out. Publishing and withdrawing are versioned writes with an audit entry.
//! Wording that still holds personal data (`domain::personal_data`) is refused unless the
//! publisher confirms it holds none, whichever way the call comes (page or API); a confirmation
//! is recorded in the audit entry with the kinds of data it overrode (issue 15 finding 12).

use super::Requests;
use super::work::in_scope;
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::kernel::scoped::Target;
use chrono::{DateTime, Utc};
use minxin_domain::Permission;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::personal_data::{PersonalData, check_publishable};
use minxin_domain::kernel::problem::required_text;
use minxin_domain::requests::intake::TEXT_MAX;
use sea_query::{Expr, ExprTrait, Query};

#[derive(sqlx::FromRow, serde::Serialize)]
struct Shown {
    is_published: bool,
    public_description: String,
    region_path: String,
    /// The kinds of personal data the publisher confirmed were fine to publish.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[sqlx(skip)]
    confirmed_personal_data: Vec<PersonalData>,
}

impl Requests<'_> {
    /// Publishes request `id` (at the `version` the office saw) with `wording` for the public,
    /// or withdraws it when `wording` is `None`. Wording with personal data in it is refused
    /// unless `confirmed_no_personal_data`.
    pub async fn publish(
        &self,
        id: i64,
        version: i64,
        wording: Option<&str>,
        confirmed_no_personal_data: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let wording = match wording {
            Some(w) => {
                let mut problems = Vec::new();
                let w = required_text("wording", w, TEXT_MAX, &mut problems);
                if !problems.is_empty() {
                    return Err(StoreError::Invalid(problems));
                }
                Some(w)
            }
            None => None,
        };
        let wording = wording.as_deref();
        let confirmed_personal_data = match wording {
            Some(w) => check_publishable(w, confirmed_no_personal_data)
                .map_err(|problem| StoreError::invalid("wording", problem))?,
            None => Vec::new(),
        };
        let s = ServiceRequests::Table;
        let mut tx = self.db.begin().await?;
        let before: Shown = tx
            .optional(
                Query::select()
                    .columns([
                        ServiceRequests::IsPublished,
                        ServiceRequests::PublicDescription,
                        ServiceRequests::RegionPath,
                    ])
                    .from(s)
                    .and_where(Expr::col((s, ServiceRequests::Id)).eq(id))
                    .and_where(in_scope(&self.actor.scope)),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let after = Shown {
            is_published: wording.is_some(),
            public_description: wording.unwrap_or(&before.public_description).to_owned(),
            region_path: before.region_path.clone(),
            confirmed_personal_data,
        };
        tx.update_versioned(
            &Query::update()
                .table(s)
                .values([
                    (ServiceRequests::IsPublished, after.is_published.into()),
                    (
                        ServiceRequests::PublicDescription,
                        after.public_description.clone().into(),
                    ),
                    (ServiceRequests::PublishedAt, wording.map(|_| now).into()),
                    (ServiceRequests::UpdatedAt, now.into()),
                ])
                .value(
                    ServiceRequests::Version,
                    Expr::col(ServiceRequests::Version).add(1),
                )
                .and_where(Expr::col(ServiceRequests::Id).eq(id))
                .and_where(Expr::col(ServiceRequests::Version).eq(version))
                .take(),
        )
        .await?;
        let label = if after.is_published {
            format!("published #{id}")
        } else {
            format!("withdrawn #{id}")
        };
        let target = Target {
            kind: "service_request",
            id,
            label: &label,
            region_path: &before.region_path,
        };
        self.record(
            &mut tx,
            AuditAction::RequestChange,
            target,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
