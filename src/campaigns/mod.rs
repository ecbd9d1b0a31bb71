//! Campaigns (đợt tuyên truyền, vận động; issue 8, item 3): the commune, a supervisor or
//! the administrator sends information that must reach every household of a unit's
//! subtree (optionally only some support categories); members record each delivery;
//! coverage per member, village, commune and province comes from counters kept with each
//! delivery; members and secretaries are reminded as the end nears.

pub mod api;
pub mod model;
pub mod pages;
pub mod store;
pub mod topics;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::Role;

/// Who sees campaigns: everyone whose area a campaign reaches, bar the agency handlers
/// and auditors, whose work is elsewhere.
pub const READERS: &[Role] = store::READERS;
/// Who makes them.
pub const CREATORS: &[Role] = store::CREATORS;
/// Who records deliveries: the member for their households, the keepers for their villages.
pub const DELIVERERS: &[Role] = &[Role::Member, Role::CellSecretary, Role::CommuneCommittee];

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    table
        .add(
            Method::GET,
            "/campaigns",
            Access::Roles(READERS),
            pages::index,
        )
        .add(
            Method::POST,
            "/campaigns",
            Access::Roles(CREATORS),
            pages::create.layer(DefaultBodyLimit::max(pages::UPLOAD_LIMIT)),
        )
        .add(
            Method::GET,
            "/campaigns/new",
            Access::Roles(CREATORS),
            pages::new_form,
        )
        .add(
            Method::GET,
            "/campaigns/{id}",
            Access::Roles(READERS),
            pages::show,
        )
        .add(
            Method::GET,
            "/campaigns/{id}/file",
            Access::Roles(READERS),
            pages::file,
        )
        .add(
            Method::POST,
            "/campaigns/{id}/refresh",
            Access::Roles(CREATORS),
            pages::refresh,
        )
        .add(
            Method::GET,
            "/campaigns/{id}/households/{household_id}/delivery",
            Access::Roles(DELIVERERS),
            pages::delivery_form,
        )
        .add(
            Method::POST,
            "/campaigns/{id}/households/{household_id}/delivery",
            Access::Roles(DELIVERERS),
            pages::delivery_save,
        )
        .add(
            Method::GET,
            "/api/v1/campaigns",
            Access::Roles(READERS),
            api::list,
        )
        .add(
            Method::POST,
            "/api/v1/campaigns",
            Access::Roles(CREATORS),
            api::create,
        )
        .add(
            Method::GET,
            "/api/v1/campaigns/{id}",
            Access::Roles(READERS),
            api::get,
        )
        .add(
            Method::POST,
            "/api/v1/campaigns/{id}/deliveries",
            Access::Roles(DELIVERERS),
            api::deliver,
        )
}
