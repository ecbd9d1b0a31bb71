//! Reports (issue 10): the indicators of a unit for a reporting period, read from the
//! counters of the fieldwork and petition features; the periodic report in the Party's
//! format (Hướng dẫn 36-HD/VPTW) with its workflow; and the level above's consolidation.
//!
//! - `period`, `indicators`, `narrative`, `workflow`: pure.
//! - `cutoff`, `figures`, `targets`, `profile`, `store`, `consolidation`: storage.
//! - `render_docx`, `render_xlsx`: the documents; `pages`, `api`, `cli`: the ways in.

pub mod api;
pub mod chart;
pub mod cli;
pub mod consolidation;
pub mod cutoff;
pub mod dashboard;
pub mod figures;
pub mod indicators;
pub mod narrative;
pub mod pages;
pub mod period;
pub mod profile;
pub mod render_docx;
pub mod render_xlsx;
pub mod store;
pub mod targets;
pub mod workflow;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits. Each handler then asks the store
/// which side of the report the scope stands on (author or reviewer); anyone else gets
/// "not found".
pub fn routes(table: Routes) -> Routes {
    use Method as M;
    let reporters = Access::Roles(admits::REPORTERS);
    table
        .add(
            M::GET,
            "/indicators",
            Access::Roles(dashboard::READERS),
            pages::dashboard,
        )
        .add(M::GET, "/reports", reporters, pages::index)
        .add(M::POST, "/reports", reporters, pages::create)
        .add(M::GET, "/reports/settings", reporters, pages::settings)
        .add(
            M::POST,
            "/reports/settings",
            reporters,
            pages::save_settings,
        )
        .add(M::GET, "/reports/{id}", reporters, pages::show)
        .add(M::POST, "/reports/{id}", reporters, pages::update)
        .add(M::POST, "/reports/{id}/step", reporters, pages::step)
        .add(M::GET, "/reports/{id}/print", reporters, pages::print)
        .add(M::GET, "/reports/{id}/report.docx", reporters, pages::docx)
        .add(M::GET, "/reports/{id}/annex.xlsx", reporters, pages::xlsx)
        .add(
            M::GET,
            "/api/v1/indicators",
            Access::Roles(crate::coverage::store::READERS),
            api::indicators,
        )
        .add(M::GET, "/api/v1/reports", reporters, api::find)
        .add(
            M::GET,
            "/api/v1/reports/overview",
            Access::Roles(&[crate::auth::Role::Supervisor]),
            api::overview,
        )
        .add(M::GET, "/api/v1/reports/{id}", reporters, api::get)
        .add(M::POST, "/api/v1/reports/{id}/steps", reporters, api::step)
}
