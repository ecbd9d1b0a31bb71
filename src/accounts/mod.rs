//! Accounts of Party members (issue 8, item 1): a village cell secretary or the commune
//! committee makes them from the members list, one at a time or for every member of a
//! village without one, and prints login slips with one-time passwords; the first sign-in
//! replaces that password, and every user can change theirs.

pub mod cli;
pub mod model;
pub mod pages;
pub mod store;

use axum::http::Method;

use crate::app::{Access, Routes};
use crate::auth::roles::admits;

/// The feature's routes, each with the roles it admits.
pub fn routes(table: Routes) -> Routes {
    table
        .add(
            Method::GET,
            "/accounts",
            Access::Roles(admits::KEEPERS),
            pages::index,
        )
        .add(
            Method::POST,
            "/accounts/members/{id}",
            Access::Roles(admits::KEEPERS),
            pages::create_one,
        )
        .add(
            Method::POST,
            "/accounts/villages/{id}",
            Access::Roles(admits::KEEPERS),
            pages::create_village,
        )
        .add(
            Method::GET,
            "/account/password",
            Access::SignedIn,
            pages::password_form,
        )
        .add(
            Method::POST,
            "/account/password",
            Access::SignedIn,
            pages::password_change,
        )
}
