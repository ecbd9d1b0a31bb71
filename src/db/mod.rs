//! Storage: one code path over SQLite (default, embedded) and PostgreSQL (large deployments).
//!
//! Statements are written once with `?` placeholders; [`value::to_postgres_placeholders`]
//! renders them for PostgreSQL. Handlers never begin or commit: every user action is one
//! [`Db::read`] or one [`Db::write`], and the database layer runs it to completion.
//!
//! - Reads run on a read-only pool and never take SQLite's write lock.
//! - On SQLite every write goes to the single writer (`writer.rs`), which commits groups
//!   of units of work at once, each in its own savepoint. On PostgreSQL writes are
//!   ordinary pooled transactions; PostgreSQL groups commits itself.
//! - A unit of work runs to its end whether or not its request is still there: a SQLite
//!   read completes within its first poll (its statements never wait), anything else runs
//!   in a task of its own; so a request that is cut off cannot leave it half done, and
//!   every connection is checked to be outside any transaction when it
//!   is handed out (`hygiene.rs`).
//! - What a unit of work showed or changed becomes one audit event, committed before the
//!   caller hears back (through the writer's group commit for reads).

pub mod backup;
mod bind;
mod health;
mod hygiene;
mod sqlite;
mod tx;
pub mod value;
mod writer;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgPool};
use tokio::sync::oneshot;

use crate::audit::model::Notes;
use crate::error::{AppError, AppResult};
pub use health::Health;
use hygiene::LastRoutes;
pub use hygiene::{current_route, ROUTE};
use tx::Conn;
pub use tx::{Tx, WriteTx};
pub use value::{Row, Value};
use writer::{Job, Outcome, Writer, WriterConn};

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    writer: Writer,
    routes: Arc<LastRoutes>,
}

enum Engine {
    Sqlite {
        readers: Arc<sqlite::Pool>,
        path: PathBuf,
    },
    Postgres {
        pool: PgPool,
        options: Box<PgConnectOptions>,
    },
}

/// Where the SQLite database lives in the data folder.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("danvan.db")
}

/// Read connections: as many as the machine runs threads, at least four.
fn reader_count() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32 * 2)
        .unwrap_or(4)
        .clamp(4, 16)
}

/// How long a unit of work waits for a connection before the user hears "busy".
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

impl Db {
    /// Opens (creating if missing) the SQLite file, or connects to PostgreSQL.
    pub async fn connect(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Db> {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::open_postgres(url).await
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                Self::open_sqlite(Path::new(path)).await
            }
            Some(other) => anyhow::bail!(
                "DANVAN_DATABASE_URL phải bắt đầu bằng postgres:// hoặc sqlite: (nhận được: {})",
                other.split(':').next().unwrap_or("")
            ),
            None => {
                std::fs::create_dir_all(data_dir)?;
                Self::open_sqlite(&sqlite_path(data_dir)).await
            }
        }
    }

    /// sqlx's options, for the migrations only (units of work use `sqlite.rs`).
    fn sqlite_options(path: &Path) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .collation("vi", crate::text::compare)
    }

    async fn open_sqlite(path: &Path) -> anyhow::Result<Db> {
        // The writer's connection creates the file and switches it to WAL before any
        // reader opens it.
        let writer_conn = sqlite::open(path, sqlite::Role::Writer)?;
        let readers = sqlite::Pool::new(path, reader_count() as usize);
        let routes = Arc::new(LastRoutes::default());
        let writer = Writer::start(
            WriterConn::Sqlite(writer_conn),
            crate::audit::chain::seal,
            Arc::clone(&routes),
        );
        Ok(Db {
            inner: Arc::new(Inner {
                engine: Engine::Sqlite {
                    readers,
                    path: path.to_path_buf(),
                },
                writer,
                routes,
            }),
        })
    }

    async fn open_postgres(url: &str) -> anyhow::Result<Db> {
        let options = PgConnectOptions::from_str(url)?.application_name("danvan");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        let batcher = options.connect().await?;
        let routes = Arc::new(LastRoutes::default());
        let writer = Writer::start(
            WriterConn::Postgres(batcher),
            crate::audit::queue::drain_and_seal,
            Arc::clone(&routes),
        );
        Ok(Db {
            inner: Arc::new(Inner {
                engine: Engine::Postgres {
                    pool,
                    options: Box::new(options),
                },
                writer,
                routes,
            }),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner.engine {
            Engine::Sqlite { .. } => Backend::Sqlite,
            Engine::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this engine, on a connection of their own.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match &self.inner.engine {
            Engine::Sqlite { path, .. } => {
                let mut conn = Self::sqlite_options(path).connect().await?;
                sqlx::migrate!("migrations/sqlite").run(&mut conn).await?;
                conn.close().await?;
            }
            Engine::Postgres { pool, .. } => {
                sqlx::migrate!("migrations/postgres").run(pool).await?
            }
        }
        Ok(())
    }

    /// A read-only unit of work. What it showed of personal records is audit-logged, and
    /// that log entry is durable before this returns.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, AppResult<T>> + Send + 'static,
    {
        let db = self.clone();
        let route = current_route();
        match &self.inner.engine {
            Engine::Sqlite { .. } => {
                let conn = self.acquire(&route).await?;
                let on = Arc::clone(&route);
                let (value, notes) =
                    here_to_completion(async move { db.read_on(conn, f, &on).await }).await?;
                self.log(notes, route).await?;
                Ok(value)
            }
            Engine::Postgres { .. } => {
                to_completion(async move {
                    let conn = db.acquire(&route).await?;
                    let (value, notes) = db.read_on(conn, f, &route).await?;
                    db.log(notes, route).await?;
                    Ok(value)
                })
                .await
            }
        }
    }

    async fn read_on<T, F>(&self, conn: Conn, f: F, route: &Arc<str>) -> AppResult<(T, Notes)>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, AppResult<T>>,
    {
        let sqlite = matches!(conn, Conn::SqlitePooled(_));
        let mut tx = Tx::new(conn);
        // SQLite: one snapshot for all the statements. PostgreSQL reads at READ COMMITTED
        // would get a new snapshot per statement anyway, so they run without BEGIN.
        if sqlite {
            tx.run_script("BEGIN").await?;
        }
        let result = AssertUnwindSafe(f(&mut tx)).catch_unwind().await;
        if sqlite && tx.run_script("ROLLBACK").await.is_err() {
            let (conn, _) = tx.into_parts();
            discard(conn);
            return Err(AppError::internal("read transaction could not be ended"));
        }
        let (_, notes) = tx.into_parts();
        match result {
            Ok(Ok(v)) => Ok((v, notes)),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(panicked(route)),
        }
    }

    /// A unit of work that may write: it commits as a whole or not at all, with its one
    /// audit event, before this returns.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, AppResult<T>> + Send + 'static,
    {
        let route = current_route();
        match &self.inner.engine {
            Engine::Sqlite { .. } => {
                let (send, answer) = oneshot::channel();
                let job = Job {
                    route,
                    savepoint: true,
                    run: Box::new(move |tx| {
                        Box::pin(async move {
                            let result = f(tx).await;
                            Outcome {
                                keep: result.is_ok(),
                                answer: Box::new(move |committed| {
                                    let _ = send.send(committed.and(result));
                                }),
                            }
                        })
                    }),
                };
                self.inner.writer.submit(job).await?;
                answer.await.unwrap_or_else(|_| Err(not_saved()))
            }
            Engine::Postgres { .. } => {
                let db = self.clone();
                to_completion(async move { db.write_postgres(f, route).await }).await
            }
        }
    }

    async fn write_postgres<T, F>(&self, f: F, route: Arc<str>) -> AppResult<T>
    where
        F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, AppResult<T>>,
    {
        let conn = self.acquire(&route).await?;
        let mut tx = WriteTx::new(conn);
        tx.execute_script("BEGIN").await?;
        let result = match AssertUnwindSafe(f(&mut tx)).catch_unwind().await {
            Ok(r) => r,
            Err(_) => Err(panicked(&route)),
        };
        let result = match result {
            Ok(v) => {
                let events = tx.take_notes().into_events();
                let queued = if events.is_empty() {
                    Ok(false)
                } else {
                    crate::audit::queue::enqueue(&mut tx, &events)
                        .await
                        .map(|_| true)
                };
                match queued {
                    Ok(queued) => tx.execute_script("COMMIT").await.map(|_| (v, queued)),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if result.is_err() && tx.execute_script("ROLLBACK").await.is_err() {
            let (conn, _) = tx.into_parts();
            discard(conn);
        } else {
            drop(tx); // back to the pool before waiting for the seal
        }
        let (v, queued) = result?;
        if queued {
            // The write is durable with its events queued; answer once they are sealed,
            // so the user's own action is in the log they may open next. Should sealing
            // fail, the events stay queued for the next group: the write still stands.
            if let Err(e) = self.seal_queued(route).await {
                tracing::warn!(error = %e, "audit events stay queued until the next group");
            }
        }
        Ok(v)
    }

    /// Seals whatever audit events wait in the queue (PostgreSQL; a no-op on SQLite):
    /// at start-up, after a crash between a write's commit and its seal, and before
    /// `audit verify` reads the chains.
    pub async fn seal_pending(&self) -> AppResult<()> {
        match self.inner.engine {
            Engine::Sqlite { .. } => Ok(()),
            Engine::Postgres { .. } => self.seal_queued(Arc::from("seal-pending")).await,
        }
    }

    /// Waits for a batcher group, which seals every event queued before it began.
    async fn seal_queued(&self, route: Arc<str>) -> AppResult<()> {
        self.through_writer(Notes::default(), route).await
    }

    /// Writes the audit event of a read through the writer; returns once it is durable.
    async fn log(&self, notes: Notes, route: Arc<str>) -> AppResult<()> {
        if notes.is_empty() {
            return Ok(());
        }
        self.through_writer(notes, route).await
    }

    /// Hands `notes` (possibly none) to the writer's next group; returns once that group
    /// has committed.
    async fn through_writer(&self, notes: Notes, route: Arc<str>) -> AppResult<()> {
        let (send, answer) = oneshot::channel();
        let job = Job {
            route,
            savepoint: false,
            run: Box::new(move |tx| {
                Box::pin(async move {
                    *tx.notes() = notes;
                    Outcome {
                        keep: true,
                        answer: Box::new(move |committed| {
                            let _ = send.send(committed);
                        }),
                    }
                })
            }),
        };
        self.inner.writer.submit(job).await?;
        answer.await.unwrap_or_else(|_| Err(not_saved()))
    }

    /// A pooled connection, checked to be outside any transaction.
    async fn acquire(&self, route: &Arc<str>) -> AppResult<Conn> {
        let mut conn = match &self.inner.engine {
            Engine::Sqlite { readers, .. } => {
                Conn::SqlitePooled(readers.acquire(ACQUIRE_TIMEOUT).await?)
            }
            Engine::Postgres { pool, .. } => Conn::PgPooled(pool.acquire().await?),
        };
        if let Err(e) = hygiene::ensure_clean(conn.engine(), &self.inner.routes, route).await {
            discard(conn);
            return Err(e);
        }
        Ok(conn)
    }

    /// Fire and forget: a write nobody waits for (a session's last-seen time). It still
    /// goes through the writer, so it never competes for the write lock.
    pub fn write_later<F>(&self, f: F)
    where
        F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, AppResult<()>> + Send + 'static,
    {
        let db = self.clone();
        tokio::spawn(async move {
            if let Err(e) = db.write(f).await {
                tracing::debug!(error = %e, "background write skipped");
            }
        });
    }

    /// Whether the database can serve; writes nothing.
    pub async fn health(&self) -> Health {
        health::check(self).await
    }

    /// Finishes queued writes, stops the writer and closes every connection.
    pub async fn close(&self) {
        self.inner.writer.stop().await;
        match &self.inner.engine {
            Engine::Sqlite { readers, .. } => readers.close(),
            Engine::Postgres { pool, .. } => pool.close().await,
        }
    }

    /// The SQLite file, for backups (`None` on PostgreSQL).
    pub fn sqlite_file(&self) -> Option<&Path> {
        match &self.inner.engine {
            Engine::Sqlite { path, .. } => Some(path),
            Engine::Postgres { .. } => None,
        }
    }

    /// PostgreSQL connection settings, for `pg_dump` (`None` on SQLite).
    pub fn postgres_options(&self) -> Option<&PgConnectOptions> {
        match &self.inner.engine {
            Engine::Postgres { options, .. } => Some(options),
            Engine::Sqlite { .. } => None,
        }
    }

    /// Runs a statement outside any transaction on a connection of its own (VACUUM INTO,
    /// maintenance). Not for user actions.
    pub async fn unsafe_execute_outside_transaction(&self, sql: &str) -> AppResult<()> {
        match &self.inner.engine {
            Engine::Sqlite { path, .. } => {
                let (path, sql) = (path.clone(), sql.to_owned());
                tokio::task::spawn_blocking(move || {
                    let conn = sqlite::open(&path, sqlite::Role::Writer)?;
                    sqlite::script(&conn, &sql)
                })
                .await
                .map_err(|_| AppError::internal("maintenance statement did not finish"))??;
            }
            Engine::Postgres { pool, .. } => {
                pool.execute(sql).await?;
            }
        }
        Ok(())
    }
}

/// Runs a unit of work in a task of its own: if the request that wanted it is cut off,
/// the work still runs to its end (commit or rollback) and the connection goes back clean.
async fn to_completion<T: Send + 'static>(
    work: impl std::future::Future<Output = AppResult<T>> + Send + 'static,
) -> AppResult<T> {
    tokio::spawn(work)
        .await
        .unwrap_or_else(|_| Err(AppError::internal("unit of work did not finish")))
}

/// A SQLite read runs right here, on the request's own thread: its statements are plain
/// calls that never wait, so the whole unit of work completes in the first poll, before
/// the request could be cut off, and without the two thread hand-overs a blocking pool
/// costs (they were a fifth of a signed-in page's time). Should it ever wait after all,
/// it is handed to a task of its own and still runs to its end.
async fn here_to_completion<T: Send + 'static>(
    work: impl std::future::Future<Output = AppResult<T>> + Send + 'static,
) -> AppResult<T> {
    let mut work = Box::pin(work);
    match work.as_mut().now_or_never() {
        Some(done) => done,
        None => to_completion(work).await,
    }
}

/// Throws a connection away instead of giving it back to the pool.
fn discard(conn: Conn) {
    match conn {
        Conn::SqlitePooled(c) => c.detach(),
        Conn::PgPooled(c) => drop(c.detach()),
        other => drop(other),
    }
}

fn panicked(route: &str) -> AppError {
    tracing::error!(route, "a unit of work panicked; rolled back");
    AppError::internal("unit of work panicked")
}

fn not_saved() -> AppError {
    AppError::internal("thao tác chưa được lưu (bộ ghi dữ liệu đã dừng)")
}

/// Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Shared column list for rows decoded from one statement.
pub(crate) fn columns(names: Vec<String>) -> Arc<Vec<String>> {
    Arc::new(names)
}

#[cfg(test)]
mod tests;
