//! What every page shares: language, the signed-in user, the menu, the CSRF token.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::Lang;
use crate::auth::roles::admits;
use crate::auth::{Role, Scope, Session};
use crate::error::AppError;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// The page being shown is this item or lies under it (`aria-current="page"`).
    pub current: bool,
}

/// One entry of the menu, offered to the roles whose work it serves. A role sees the entry
/// only if the route table also admits it (`app::admits_get`), so the menu cannot offer a
/// page that refuses; a unit test holds that every role named here is admitted.
struct MenuEntry {
    href: &'static str,
    key: &'static str,
    serves: &'static [Role],
    /// The page is about the user's own member record (their households).
    needs_member_record: bool,
}

/// Roles whose work is above the household: the unit tree is their way in. A member's work
/// is their households, a secretary's is the village registry, so neither gets the tree.
const UNIT_TREE_USERS: &[Role] = &[
    Role::CommuneCommittee,
    Role::AgencyHandler,
    Role::Supervisor,
    Role::FrontReviewer,
    Role::Auditor,
    Role::Admin,
];

/// The boards above the commune and the Front: their pages are counts, never names.
const BOARDS: &[Role] = &[Role::Supervisor, Role::FrontReviewer];

/// Roles with something to fetch through the API: the registries (keepers), the audit log
/// (auditors), integrations of the deployment (admin). The others have no use for a key.
const API_USERS: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Auditor,
    Role::Admin,
];

const fn entry(href: &'static str, key: &'static str, serves: &'static [Role]) -> MenuEntry {
    MenuEntry {
        href,
        key,
        serves,
        needs_member_record: false,
    }
}

const MENU: &[MenuEntry] = &[
    entry("/", "home", &Role::ALL),
    entry("/households", "households", admits::KEEPERS),
    entry("/members", "members", admits::KEEPERS),
    entry("/cells", "cells", admits::KEEPERS),
    entry("/imports", "nav_import", admits::KEEPERS),
    entry("/assignment", "assignment", admits::KEEPERS),
    MenuEntry {
        needs_member_record: true,
        ..entry("/my-households", "my_households", admits::MEMBERS)
    },
    entry("/campaigns", "campaigns", crate::campaigns::READERS),
    entry("/coverage", "coverage", crate::coverage::store::READERS),
    entry("/commitments", "commitments", admits::KEEPERS),
    entry("/commitments/summary", "commitments_summary", BOARDS),
    entry("/events", "events", admits::KEEPERS),
    entry("/funding", "funding", admits::COMMITTEE),
    entry("/funding/summary", "funding_summary", &[Role::Supervisor]),
    entry(
        "/indicators",
        "indicators",
        crate::reports::dashboard::READERS,
    ),
    entry("/reports", "reports", admits::REPORTERS),
    entry("/evaluations", "evaluations", admits::EVALUATION_READERS),
    // petitions (issue 9): each role's inbox; the lists they run on, for their keepers.
    entry("/petitions", "petitions", admits::PETITION_READERS),
    entry(
        "/petitions/dashboard",
        "petition_dashboard",
        admits::PETITION_DASHBOARD,
    ),
    entry(
        "/petitions/agencies",
        "petition_agencies",
        admits::COMMITTEE,
    ),
    entry("/units", "units", UNIT_TREE_USERS),
    entry("/audit", "audit", admits::AUDITORS),
    entry("/admin/users", "users", admits::ADMINS),
    entry("/account/tokens", "tokens", API_USERS),
    entry("/contacts/topics", "contact_topics", admits::TOPIC_KEEPERS),
    entry(
        "/petitions/settings",
        "petition_settings",
        admits::TOPIC_KEEPERS,
    ),
    entry("/evaluations/rubric", "ev_rubric", admits::TOPIC_KEEPERS),
    entry("/petitions/holidays", "petition_holidays", admits::ADMINS),
    entry("/account/password", "change_password", &Role::ALL),
];

/// The menu of a signed-in user, with the entry for `page` (a request path) marked.
fn menu_for(lang: Lang, scope: &Scope, page: &str) -> Vec<NavItem> {
    let shown: Vec<&MenuEntry> = MENU
        .iter()
        .filter(|e| !e.needs_member_record || scope.member_id().is_some())
        .filter(|e| {
            scope
                .roles()
                .into_iter()
                .any(|r| e.serves.contains(&r) && crate::app::admits_get(e.href, r))
        })
        .collect();
    // The deepest entry containing the page: /assignment/mine is not also /assignment.
    let current = shown
        .iter()
        .filter(|e| page == e.href || (e.href != "/" && page.starts_with(&format!("{}/", e.href))))
        .map(|e| e.href)
        .max_by_key(|h| h.len());
    shown
        .into_iter()
        .map(|e| NavItem {
            href: e.href,
            label: lang.t(e.key),
            current: Some(e.href) == current,
        })
        .collect()
}

pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub user: Option<String>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

impl Chrome {
    /// For visitors and error pages: no menu.
    pub fn bare(lang: Lang, title: &str) -> Chrome {
        Chrome {
            lang,
            title: title.to_owned(),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
        }
    }

    pub fn new(lang: Lang, session: &Session, title: &str) -> Chrome {
        Chrome {
            lang,
            title: title.to_owned(),
            user: Some(session.scope.display_name().to_owned()),
            nav: menu_for(lang, &session.scope, &session.page),
            csrf: session.csrf.clone(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn num(&self, n: &i64) -> String {
        super::format::number(*n)
    }

    pub fn distance(&self, metres: &i64) -> String {
        super::format::distance(*metres)
    }

    pub fn date(&self, stored: &str) -> String {
        super::format::date(stored)
    }

    pub fn datetime(&self, stored: &str) -> String {
        super::format::datetime(stored)
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}

/// Renders a template into a page.
pub fn page<T: Template>(t: &T) -> Result<Response, AppError> {
    page_with_status(StatusCode::OK, t)
}

pub fn page_with_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, AppError> {
    let html = t
        .render()
        .map_err(|e| AppError::internal(format!("template: {e}")))?;
    Ok((status, Html(html)).into_response())
}

#[cfg(test)]
mod tests {
    use super::MENU;

    /// A role named in the menu that the route table refuses would silently lose the entry.
    #[test]
    fn every_role_a_menu_entry_serves_may_open_it() {
        for e in MENU {
            for r in e.serves {
                assert!(
                    crate::app::admits_get(e.href, *r),
                    "the menu offers {} to {r:?}, which the route table refuses",
                    e.href
                );
            }
        }
    }
}
