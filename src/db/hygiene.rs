//! No connection goes back to work inside a transaction.
//!
//! Every unit of work checks the engine's real state of its connection when it gets it:
//! SQLite's autocommit flag, and on PostgreSQL whether the current statement is the first
//! of its transaction. A connection found inside a transaction is rolled back (or thrown
//! away when that fails) and a warning names the route that left it so.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::PgConnection;

use super::sqlite;
use crate::error::AppError;

tokio::task_local! {
    /// The route being served (`GET /households/{id}`), for warnings about connections.
    pub static ROUTE: Arc<str>;
}

/// The route of the current request, or what else is running (CLI, background work).
pub fn current_route() -> Arc<str> {
    ROUTE
        .try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::from("(ngoài yêu cầu HTTP)"))
}

/// Which route last used each connection, by the connection's identity.
#[derive(Default)]
pub(crate) struct LastRoutes(Mutex<HashMap<u64, Arc<str>>>);

impl LastRoutes {
    fn swap(&self, conn: u64, route: &Arc<str>) -> Option<Arc<str>> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(conn, Arc::clone(route))
    }
}

/// PostgreSQL: `statement_timestamp()` equals `transaction_timestamp()` in the first
/// statement of a transaction and only there, so a difference means an open transaction.
/// Sent as one simple-protocol query, so that the statement is its transaction's first
/// message (the extended protocol's Bind and Execute would each restart the clock).
async fn postgres_state(c: &mut PgConnection) -> Result<(bool, u64), AppError> {
    use sqlx::Row;
    // A bare string with no arguments goes out as a simple Query message.
    let row = sqlx::Executor::fetch_one(
        c,
        "SELECT statement_timestamp() <> transaction_timestamp(), pg_backend_pid()",
    )
    .await?;
    let open: bool = row.try_get(0)?;
    let pid: i32 = row.try_get(1)?;
    Ok((open, pid as u64))
}

/// Makes sure the connection is outside any transaction before a unit of work starts.
/// `Err` means it could not be cleaned: the caller must throw the connection away.
pub(crate) async fn ensure_clean(
    engine: super::tx::Engine<'_>,
    routes: &LastRoutes,
    route: &Arc<str>,
) -> Result<(), AppError> {
    use sqlx::Executor;
    match engine {
        super::tx::Engine::Sqlite(c) => {
            let left_by = routes.swap(sqlite::identity(c), route);
            if sqlite::in_transaction(c) {
                warn_left_open(left_by.as_deref(), route);
                c.execute_batch("ROLLBACK")?;
                if sqlite::in_transaction(c) {
                    return Err(AppError::internal("connection stuck in a transaction"));
                }
            }
        }
        super::tx::Engine::Postgres(c) => {
            let (open, id) = postgres_state(c).await?;
            let left_by = routes.swap(id, route);
            if open {
                warn_left_open(left_by.as_deref(), route);
                c.execute("ROLLBACK").await?;
                if postgres_state(c).await?.0 {
                    return Err(AppError::internal("connection stuck in a transaction"));
                }
            }
        }
    }
    Ok(())
}

fn warn_left_open(left_by: Option<&str>, now: &str) {
    tracing::warn!(
        left_by = left_by.unwrap_or("(không rõ)"),
        now_serving = now,
        "a pooled connection was handed out inside a transaction; rolled it back"
    );
}
