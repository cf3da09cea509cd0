//! The frame around every page: language, CSRF token, the signed-in user and the navigation
//! their roles allow. Every page template embeds a [`Chrome`] as `c`.

use crate::kernel::client::Client;
use crate::kernel::csrf;
use crate::kernel::i18n::Lang;
use crate::kernel::session::{PRE_SESSION_COOKIE, Signed, WORK_HOME, cookie};
use crate::kernel::state::AppState;
use axum_extra::extract::CookieJar;
use minxin_domain::{Actor, Permission};

/// One navigation link.
pub struct NavItem {
    /// Target path.
    pub href: &'static str,
    /// Message key of the label.
    pub label: &'static str,
    /// Whether it is the current section.
    pub active: bool,
}

/// The signed-in user as shown in the header.
pub struct Badge {
    /// Real name.
    pub display_name: String,
    /// Role names in the page language.
    pub roles: Vec<&'static str>,
}

/// Shared page context.
pub struct Chrome {
    /// Page language.
    pub lang: Lang,
    /// CSRF token for forms on this page.
    pub csrf: String,
    /// The signed-in user, if any.
    pub user: Option<Badge>,
    /// Navigation links.
    pub nav: Vec<NavItem>,
    /// Current path, for the language switch to return to.
    pub path: String,
    /// A one-off notice after a redirect (message key).
    pub notice: Option<&'static str>,
}

const SECTIONS: [(&str, &str, Option<Permission>); 16] = [
    (WORK_HOME, "nav.home", None),
    ("/projects", "nav.projects", Some(Permission::ReadProjects)),
    ("/requests", "nav.requests", Some(Permission::ReadRequests)),
    (
        "/light-rules",
        "nav.light_rules",
        Some(Permission::ManageLightRules),
    ),
    (
        "/dashboard",
        "nav.dashboard",
        Some(Permission::ReadDashboard),
    ),
    (
        "/bulletins",
        "nav.bulletins",
        Some(Permission::ReadDashboard),
    ),
    (
        "/signboards",
        "nav.signboards",
        Some(Permission::PrintSignboards),
    ),
    (
        "/open311-keys",
        "nav.open311_keys",
        Some(Permission::ManageOpen311Keys),
    ),
    ("/org", "nav.org", Some(Permission::ReadOrganisation)),
    (
        "/admin/regions",
        "nav.regions",
        Some(Permission::ManageOrganisation),
    ),
    (
        "/admin/departments",
        "nav.departments",
        Some(Permission::ManageOrganisation),
    ),
    (
        "/admin/accounts",
        "nav.accounts",
        Some(Permission::ManageAccounts),
    ),
    (
        "/admin/security",
        "nav.security",
        Some(Permission::ManageConfiguration),
    ),
    ("/access", "nav.access", Some(Permission::GrantRoles)),
    ("/audit", "nav.audit", Some(Permission::ReadAudit)),
    ("/account", "nav.account", None),
];

fn navigation(actor: &Actor, path: &str) -> Vec<NavItem> {
    SECTIONS
        .iter()
        .filter(|(_, _, p)| p.is_none_or(|p| actor.may(p)))
        // Administrators manage the organisation; the read-only view is for everyone else.
        .filter(|(href, _, _)| *href != "/org" || !actor.may(Permission::ManageOrganisation))
        .map(|(href, label, _)| NavItem {
            href,
            label,
            active: if *href == WORK_HOME {
                path == WORK_HOME
            } else {
                path.starts_with(href)
            },
        })
        .collect()
}

impl Chrome {
    /// The frame for a page without a signed-in user and without forms.
    pub fn anonymous(lang: Lang) -> Self {
        Chrome {
            lang,
            csrf: String::new(),
            user: None,
            nav: Vec::new(),
            path: "/".into(),
            notice: None,
        }
    }

    /// The frame for a signed-in user's page at `path`.
    pub fn signed(state: &AppState, signed: &Signed, path: &str) -> Self {
        let lang = signed.client.lang;
        let actor = &signed.session.actor;
        Chrome {
            lang,
            csrf: csrf::binding(&signed.client.cookies)
                .map(|b| state.csrf.token(&b))
                .unwrap_or_default(),
            user: Some(Badge {
                display_name: signed.session.display_name.clone(),
                roles: actor
                    .roles
                    .iter()
                    .map(|r| lang.t(&format!("role.{}", r.code())))
                    .collect(),
            }),
            nav: navigation(actor, path),
            path: path.to_owned(),
            notice: None,
        }
    }

    /// The frame for a form shown before sign-in (or mid-sign-in); makes sure the browser has a
    /// CSRF binding, returning the cookie jar to send back.
    pub fn pre_session(state: &AppState, client: &Client, path: &str) -> (Self, CookieJar) {
        let mut jar = client.cookies.clone();
        if csrf::binding(&jar).is_none() {
            let value = minxin_storage::identity::credentials::new_token("");
            jar = jar.add(cookie(
                PRE_SESSION_COOKIE,
                value,
                state.config.secure_cookies,
            ));
        }
        let csrf = csrf::binding(&jar)
            .map(|b| state.csrf.token(&b))
            .unwrap_or_default();
        let chrome = Chrome {
            lang: client.lang,
            csrf,
            user: None,
            nav: Vec::new(),
            path: path.to_owned(),
            notice: None,
        };
        (chrome, jar)
    }

    /// Adds a one-off notice.
    pub fn with_notice(mut self, key: Option<&'static str>) -> Self {
        self.notice = key;
        self
    }

    /// The message `key` in the page language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The `<html lang>` value.
    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> (&'static str, &'static str) {
        match self.lang {
            Lang::Zh => ("en", "English"),
            Lang::En => ("zh-CN", "中文"),
        }
    }
}
