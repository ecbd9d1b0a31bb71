//! Events (issue 10, item 3): the launch conference ("Hội nghị ra mắt"), the reviews
//! ("sơ kết", "tổng kết"), cell meetings and dialogues, each with its date, place, chair,
//! content and attendance (Party members by name, households by count). A village's
//! events are kept by its cell secretary and the commune committee, the commune's own by
//! its committee; reports read the per-period summary (`store::summary`).

pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    use Method as M;
    let keepers = Access::Roles(admits::KEEPERS);
    table
        .add(M::GET, "/events", keepers, pages::index)
        .add(M::POST, "/events", keepers, pages::create)
        .add(M::GET, "/events/new", keepers, pages::new_form)
        .add(M::GET, "/events/{id}", keepers, pages::show)
        .add(M::POST, "/events/{id}", keepers, pages::update)
        .add(M::GET, "/events/{id}/edit", keepers, pages::edit_form)
        .add(M::GET, "/api/v1/events", keepers, api::list)
        .add(M::POST, "/api/v1/events", keepers, api::create)
        .add(M::GET, "/api/v1/events/{id}", keepers, api::get)
        .add(M::PUT, "/api/v1/events/{id}", keepers, api::update)
}
