//! What every request handler shares. Depends only on the database and the settings, so
//! that features can use it without depending on the application that assembles them.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;

/// Cloned for every request by the framework, so everything in it is shared, not copied.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Key for citizen-ID hashes: from `DANVAN_SECRET`, or generated once and kept in the database.
    pub secret: Arc<str>,
    /// Set when a graceful shutdown has begun (`/readyz` answers 503).
    pub shutting_down: Arc<AtomicBool>,
}
