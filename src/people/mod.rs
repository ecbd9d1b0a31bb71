//! Registries: households, Party members, Party cells.

pub mod address;
pub mod api;
pub mod cells;
pub mod counts;
pub mod forms;
pub mod households;
pub mod kinds;
pub mod list;
pub mod members;
pub mod pages;
pub mod registry;
pub mod rows;
pub mod sort_keys;
pub mod validate;
