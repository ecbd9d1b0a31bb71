//! Users, sessions, grants, scope, login, CSRF, throttling.

pub mod api;
pub mod pages;
pub mod password;
pub mod roles;
pub mod scope;
pub mod session;
pub mod store;
pub mod throttle;
pub mod visitor;

pub use roles::Role;
pub use scope::Scope;
pub use session::Session;
