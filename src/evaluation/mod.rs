//! Evaluation and classification (issue 10, item 2): a province's rubric scores each
//! village's model (Tốt / Khá / Trung bình / Yếu) and each Party member's 1+10 duty (the
//! four levels of QĐ 124-QĐ/TW) from the counters of the fieldwork and petition features;
//! the commune committee opens an evaluation for a period, sees each proposal with the
//! figures behind it, adjusts with a written reason, approves, and marks the commended
//! for a printable list. `model.rs` says which inputs a score uses and why.

pub mod api;
pub mod figures;
pub mod model;
pub mod pages;
pub mod rubric;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    use Method as M;
    let readers = Access::Roles(admits::EVALUATION_READERS);
    let committee = Access::Roles(admits::COMMITTEE);
    let rubric = Access::Roles(admits::TOPIC_KEEPERS);
    table
        .add(M::GET, "/evaluations", readers, pages::index)
        .add(M::POST, "/evaluations", committee, pages::open)
        .add(M::GET, "/evaluations/rubric", rubric, pages::rubric_form)
        .add(M::POST, "/evaluations/rubric", rubric, pages::rubric_save)
        .add(M::GET, "/evaluations/{id}", readers, pages::show)
        .add(
            M::GET,
            "/evaluations/{id}/villages/{village_id}",
            Access::Roles(admits::KEEPERS),
            pages::village,
        )
        .add(
            M::POST,
            "/evaluations/{id}/adjust",
            committee,
            pages::adjust,
        )
        .add(
            M::POST,
            "/evaluations/{id}/approve",
            committee,
            pages::approve,
        )
        .add(
            M::POST,
            "/evaluations/{id}/commend",
            committee,
            pages::commend,
        )
        .add(
            M::GET,
            "/evaluations/{id}/commendations",
            Access::Roles(admits::COMMENDATION_READERS),
            pages::commendations,
        )
        .add(M::GET, "/api/v1/evaluations", readers, api::get)
}
