//! What every request handler shares. Depends only on the database and the settings, so
//! that features can use it without depending on the application that assembles them.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// Key for citizen-ID hashes: from `DANVAN_SECRET`, or generated once and kept in the database.
    pub secret: String,
    /// Set when a graceful shutdown has begun (`/readyz` answers 503).
    pub shutting_down: Arc<AtomicBool>,
}
