//! Coverage: households contacted in the period and in the last 30/60/90 days, members
//! with no activity, households without a member — from the province down to the member,
//! read from counters (issue 8, item 5). Aggregates only; members are named only to those
//! who keep their village's registry.

pub mod chart;
pub mod model;
pub mod pages;
pub mod sheet;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};

pub fn routes(table: Routes) -> Routes {
    table
        .add(
            Method::GET,
            "/coverage",
            Access::Roles(store::READERS),
            pages::index,
        )
        .add(
            Method::GET,
            "/coverage.xlsx",
            Access::Roles(store::READERS),
            pages::xlsx,
        )
        .add(
            Method::GET,
            "/api/v1/coverage",
            Access::Roles(store::READERS),
            pages::api,
        )
}
