//! Contacts: a member's visits, calls, meetings and messages with the households they
//! look after (plan, section II.1), the member's list sorted by what needs attention,
//! and the per-village counters coverage is read from.

pub mod api;
pub mod cli;
pub mod counters;
pub mod model;
pub mod pages;
pub mod recount;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

pub fn routes(table: Routes) -> Routes {
    table
        .add(
            Method::GET,
            "/my-households",
            Access::Roles(admits::MEMBERS),
            pages::mine,
        )
        .add(
            Method::GET,
            "/households/{id}/contacts/new",
            Access::Roles(admits::MEMBERS),
            pages::new_form,
        )
        .add(
            Method::POST,
            "/households/{id}/contacts",
            Access::Roles(admits::MEMBERS),
            pages::create,
        )
        .add(
            Method::GET,
            "/contacts/topics",
            Access::Roles(admits::TOPIC_KEEPERS),
            pages::topics,
        )
        .add(
            Method::POST,
            "/contacts/topics",
            Access::Roles(admits::TOPIC_KEEPERS),
            pages::topics_save,
        )
        .add(
            Method::GET,
            "/api/v1/my/households",
            Access::Roles(admits::MEMBERS),
            api::mine,
        )
        .add(
            Method::GET,
            "/api/v1/households/{id}/contacts",
            Access::Roles(admits::HOUSEHOLD_READERS),
            api::list,
        )
        .add(
            Method::POST,
            "/api/v1/households/{id}/contacts",
            Access::Roles(admits::MEMBERS),
            api::create,
        )
}
