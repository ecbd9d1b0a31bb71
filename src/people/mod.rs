//! Registries: households, Party members, Party cells.

pub mod address;
pub mod api;
pub mod cells;
pub mod households;
pub mod list;
pub mod members;
pub mod pages;
pub mod validate;
