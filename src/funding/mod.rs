//! Funding (issue 10, item 3): a commune's ledger of the money that runs the model, by
//! source (province, district, commune, mobilised) and by use, in integer đồng, with a
//! running balance per source. An expense a source cannot pay is refused; entries are
//! never edited, a correction is a reversing entry with its reason. The commune
//! committee writes; supervisors read totals (`store::summary`, which reports read too).

pub mod api;
pub mod model;
pub mod pages;
pub mod sheet;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    use Method as M;
    let committee = Access::Roles(admits::COMMITTEE);
    table
        .add(M::GET, "/funding", committee, pages::index)
        .add(M::POST, "/funding", committee, pages::create)
        .add(M::GET, "/funding/new", committee, pages::new_form)
        .add(M::GET, "/funding.xlsx", committee, pages::xlsx)
        .add(
            M::GET,
            "/funding/summary",
            Access::Roles(admits::FUNDING_READERS),
            pages::summary,
        )
        .add(M::GET, "/funding/{id}", committee, pages::show)
        .add(M::POST, "/funding/{id}/reverse", committee, pages::reverse)
        .add(M::GET, "/api/v1/funding", committee, api::ledger)
        .add(M::POST, "/api/v1/funding", committee, api::create)
        .add(
            M::POST,
            "/api/v1/funding/{id}/reversal",
            committee,
            api::reverse,
        )
}
