//! The home page: who you are, what you may see, and the work your roles give you, with live
//! figures from your data scope.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::page::{NoticeQuery, html};
use crate::kernel::session::WORK_HOME;
use crate::kernel::staff::Staff;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_storage::PageRequest;
use minxin_storage::identity::accounts::AccountFilter;
use minxin_storage::requests::{QueueFilter, QueueView};

/// A figure on a home-page card.
struct Figure {
    label: &'static str,
    value: i64,
}

/// A task card: a title, figures and a link into the work.
struct Card {
    title: &'static str,
    text: &'static str,
    href: &'static str,
    figures: Vec<Figure>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    scope_name: Option<String>,
    scope_departments: Vec<String>,
    cards: Vec<Card>,
    no_roles: bool,
}

/// GET /work
pub async fn show(staff: Staff, Query(q): Query<NoticeQuery>) -> Result<Response, Failure> {
    let actor = staff.actor();
    let store = staff
        .state
        .store
        .scoped(actor, &staff.signed.client.address);
    let mut cards = Vec::new();
    let mut scope_name = None;
    let mut scope_departments = Vec::new();
    let reminders = store.control().reminders().await?;
    if !reminders.is_empty() {
        let unread = reminders.iter().filter(|r| r.read_at.is_none()).count();
        cards.push(Card {
            title: "home.card_reminders",
            text: "home.card_reminders_text",
            href: "/reminders",
            figures: vec![Figure {
                label: "home.unread_reminders",
                value: i64::try_from(unread).unwrap_or(i64::MAX),
            }],
        });
    }
    if actor.may(Permission::ReadRequests) {
        let now = staff.state.clock.now();
        let total = |view: QueueView| {
            let store = &store;
            async move {
                let filter = QueueFilter {
                    view,
                    category: None,
                    state: None,
                    page: PageRequest::new(Some(1), Some(1)),
                };
                store.requests().queue(&filter, now).await.map(|p| p.total)
            }
        };
        cards.push(Card {
            title: "home.card_requests",
            text: "home.card_requests_text",
            href: "/requests?view=overdue",
            figures: vec![
                Figure {
                    label: "home.open_requests",
                    value: total(QueueView::Open).await?,
                },
                Figure {
                    label: "home.overdue_requests",
                    value: total(QueueView::Overdue).await?,
                },
            ],
        });
    }
    if actor.may(Permission::ReadOrganisation) {
        let regions = store.org().regions().await?;
        let departments = store.org().departments(None).await?;
        scope_name = regions.first().map(|r| r.name.clone());
        scope_departments = departments
            .iter()
            .filter(|d| actor.scope.departments.contains(&d.id))
            .map(|d| d.name.clone())
            .collect();
        let count = |level: &str| regions.iter().filter(|r| r.level == level).count() as i64;
        let figures = vec![
            Figure {
                label: "home.streets",
                value: count("street"),
            },
            Figure {
                label: "home.communities",
                value: count("community"),
            },
            Figure {
                label: "home.departments",
                value: departments.len() as i64,
            },
        ];
        let (title, href) = if actor.may(Permission::ManageOrganisation) {
            ("home.card_org_admin", "/admin/regions")
        } else {
            ("home.card_org", "/org")
        };
        cards.push(Card {
            title,
            text: "home.card_org_text",
            href,
            figures,
        });
    }
    if actor.may(Permission::ReadAccounts) {
        let all = store
            .identity()
            .accounts(&AccountFilter::default(), PageRequest::new(None, Some(1)))
            .await?;
        let (title, text, href) = if actor.may(Permission::ManageAccounts) {
            (
                "home.card_accounts",
                "home.card_accounts_text",
                "/admin/accounts",
            )
        } else {
            ("home.card_access", "home.card_access_text", "/access")
        };
        cards.push(Card {
            title,
            text,
            href,
            figures: vec![Figure {
                label: "home.accounts",
                value: all.total,
            }],
        });
    }
    if actor.may(Permission::ReadAudit) {
        cards.push(Card {
            title: "home.card_audit",
            text: "home.card_audit_text",
            href: "/audit",
            figures: Vec::new(),
        });
    }
    html(&HomePage {
        c: staff
            .chrome(WORK_HOME)
            .with_notice(crate::kernel::form::notice(q.notice.as_deref())),
        scope_name,
        scope_departments,
        no_roles: actor.roles.is_empty(),
        cards,
    })
}
