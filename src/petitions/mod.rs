//! Petitions (issue 9, "Close every petition"): a household's opinion or request, from the
//! doorstep through the cell, the commune and an agency to an answer, and back to the same
//! household, who confirms it or reopens it. Deadlines run on working days; overdue ones
//! escalate; counters per village, category and period move with every step.

pub mod admin;
pub mod agencies;
pub mod api;
pub mod cli;
pub mod dashboard;
mod form;
pub mod inbox;
pub mod model;
pub mod pages;
pub mod photo;
pub mod recount;
pub mod settings;
pub mod store;
pub mod workdays;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits; the store narrows by scope and
/// by the seat a user holds at each petition.
pub fn routes(table: Routes) -> Routes {
    let upload = || DefaultBodyLimit::max(pages::UPLOAD_LIMIT);
    table
        .add(
            Method::GET,
            "/households/{id}/petitions/new",
            Access::Roles(admits::MEMBERS),
            pages::new_form,
        )
        .add(
            Method::POST,
            "/households/{id}/petitions",
            Access::Roles(admits::MEMBERS),
            pages::create.layer(upload()),
        )
        .add(
            Method::GET,
            "/petitions/meeting",
            Access::Roles(admits::CELL_SECRETARIES),
            pages::meeting_form,
        )
        .add(
            Method::POST,
            "/petitions/meeting",
            Access::Roles(admits::CELL_SECRETARIES),
            pages::meeting_create.layer(upload()),
        )
        .add(
            Method::GET,
            "/petitions",
            Access::Roles(admits::PETITION_READERS),
            pages::index,
        )
        .add(
            Method::POST,
            "/petitions/bulk",
            Access::Roles(admits::TRIAGE),
            pages::bulk,
        )
        .add(
            Method::GET,
            "/petitions/dashboard",
            Access::Roles(admits::PETITION_DASHBOARD),
            dashboard::pages::index,
        )
        .add(
            Method::GET,
            "/petitions/dashboard.xlsx",
            Access::Roles(admits::PETITION_DASHBOARD),
            dashboard::pages::xlsx,
        )
        .add(
            Method::GET,
            "/api/v1/petitions/dashboard",
            Access::Roles(admits::PETITION_DASHBOARD),
            dashboard::pages::api,
        )
        .add(
            Method::GET,
            "/cong-khai/{code}/kien-nghi",
            Access::Public,
            dashboard::pages::public,
        )
        .add(
            Method::GET,
            "/petitions/{id}",
            Access::Roles(admits::PETITION_SEATS),
            pages::show,
        )
        .add(
            Method::POST,
            "/petitions/{id}/steps",
            Access::Roles(admits::PETITION_ACTORS),
            pages::step.layer(upload()),
        )
        .add(
            Method::GET,
            "/petitions/{id}/files/{kind}",
            Access::Roles(admits::PETITION_SEATS),
            pages::file,
        )
        .add(
            Method::GET,
            "/petitions/agencies",
            Access::Roles(admits::COMMITTEE),
            admin::agencies,
        )
        .add(
            Method::POST,
            "/petitions/agencies",
            Access::Roles(admits::COMMITTEE),
            admin::agency_create,
        )
        .add(
            Method::POST,
            "/petitions/agencies/{id}/handlers",
            Access::Roles(admits::COMMITTEE),
            admin::handler_create,
        )
        .add(
            Method::POST,
            "/petitions/templates",
            Access::Roles(admits::COMMITTEE),
            admin::template_create,
        )
        .add(
            Method::GET,
            "/petitions/holidays",
            Access::Roles(admits::ADMINS),
            admin::holidays,
        )
        .add(
            Method::POST,
            "/petitions/holidays",
            Access::Roles(admits::ADMINS),
            admin::holiday_save,
        )
        .add(
            Method::GET,
            "/petitions/settings",
            Access::Roles(admits::TOPIC_KEEPERS),
            admin::settings,
        )
        .add(
            Method::POST,
            "/petitions/settings",
            Access::Roles(admits::TOPIC_KEEPERS),
            admin::settings_save,
        )
        .add(
            Method::POST,
            "/api/v1/households/{id}/petitions",
            Access::Roles(admits::MEMBERS),
            api::create,
        )
        .add(
            Method::GET,
            "/api/v1/petitions",
            Access::Roles(admits::PETITION_READERS),
            api::counts,
        )
        .add(
            Method::GET,
            "/api/v1/petitions/{id}",
            Access::Roles(admits::PETITION_SEATS),
            api::get,
        )
        .add(
            Method::POST,
            "/api/v1/petitions/{id}/steps",
            Access::Roles(admits::PETITION_ACTORS),
            api::step,
        )
}
