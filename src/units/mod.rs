//! The unit tree: country → province → [district, before 1/7/2025] → commune → village.
//!
//! Provinces, districts and communes come from the official catalogue (embedded, see
//! `data/admin-units/README.md`); villages are created by users. Units keep validity
//! dates and lineage so that old reports keep old names.

pub mod api;
pub mod catalogue;
pub mod naming;
pub mod pages;
pub mod store;

pub use store::{Unit, UnitRef};
