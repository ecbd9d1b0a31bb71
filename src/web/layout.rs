//! What every page shares: language, the signed-in user, the menu, the CSRF token.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::Lang;
use crate::auth::{Role, Session};
use crate::error::AppError;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
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
        let s = &session.scope;
        let mut nav = vec![NavItem {
            href: "/",
            label: lang.t("home"),
        }];
        if s.keeps_registry() {
            nav.push(NavItem {
                href: "/households",
                label: lang.t("households"),
            });
            nav.push(NavItem {
                href: "/members",
                label: lang.t("members"),
            });
            nav.push(NavItem {
                href: "/cells",
                label: lang.t("cells"),
            });
            // imports and exports (issue 3)
            nav.push(NavItem {
                href: "/imports",
                label: lang.t("import"),
            });
            // assignment (issue 4)
            nav.push(NavItem {
                href: "/assignment",
                label: lang.t("assignment"),
            });
        }
        // assignment (issue 4): a member's scope is the households assigned to them.
        if s.member_id().is_some() && s.has_role(Role::Member) {
            nav.push(NavItem {
                href: "/assignment/mine",
                label: lang.t("my_households"),
            });
        }
        if s.is_staff() {
            nav.push(NavItem {
                href: "/units",
                label: lang.t("units"),
            });
        }
        if s.has_role(Role::Auditor) {
            nav.push(NavItem {
                href: "/audit",
                label: lang.t("audit"),
            });
        }
        if s.has_role(Role::Admin) {
            nav.push(NavItem {
                href: "/admin/users",
                label: lang.t("users"),
            });
        }
        nav.push(NavItem {
            href: "/account/tokens",
            label: lang.t("tokens"),
        });
        Chrome {
            lang,
            title: title.to_owned(),
            user: Some(s.display_name().to_owned()),
            nav,
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
