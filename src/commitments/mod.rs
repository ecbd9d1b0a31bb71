//! Yearly commitments ("bản cam kết", issue 8, item 4): households and Party members sign
//! a form each year whose lines default to section II of the plan (II.2 for households,
//! II.1 for members) until the commune committee edits them. The village's cell secretary
//! or the commune committee records who signed and when, prints pre-filled forms, and the
//! counters per (village, year, subject) feed the summary that supervisors and the Front
//! read: counts, never names.

pub mod api;
pub mod model;
pub mod pages;
pub mod render_docx;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    use Method as M;
    let keepers = Access::Roles(admits::KEEPERS);
    let committee = Access::Roles(admits::COMMITTEE);
    table
        .add(M::GET, "/commitments", keepers, pages::index)
        .add(M::POST, "/commitments", keepers, pages::record)
        .add(
            M::GET,
            "/commitments/forms.docx",
            keepers,
            pages::forms_docx,
        )
        .add(M::GET, "/commitments/items", keepers, pages::items)
        .add(M::POST, "/commitments/items", committee, pages::item_add)
        .add(
            M::POST,
            "/commitments/items/{id}",
            committee,
            pages::item_edit,
        )
        .add(
            M::GET,
            "/commitments/summary",
            Access::Roles(store::SUMMARY_ROLES),
            pages::summary,
        )
        .add(
            M::GET,
            "/commitments/mine",
            Access::Roles(admits::MEMBERS),
            pages::mine,
        )
        .add(M::GET, "/api/v1/commitments", keepers, api::list)
        .add(M::POST, "/api/v1/commitments", keepers, api::record)
        .add(M::GET, "/api/v1/commitments/items", keepers, api::items)
        .add(
            M::PUT,
            "/api/v1/commitments/items",
            committee,
            api::replace_items,
        )
}
