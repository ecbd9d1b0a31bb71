//! SQLite through rusqlite: plain function calls on the thread that runs the unit of work.
//!
//! sqlx's SQLite driver gives every connection a thread of its own and sends each
//! statement there and back through channels, so a page of ten statements cost twenty
//! thread wake-ups. Here a unit of work runs on one blocking thread (reads) or on the
//! writer's own thread, and each statement is a direct call into SQLite.
//!
//! The migrations still run through sqlx (`sqlx::migrate!`), on a connection of their own.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::value::{Row, Value};
use crate::error::AppError;

/// Prepared statements kept per connection: every statement the pages use, several times over.
const STATEMENT_CACHE: usize = 256;

/// How a connection is opened: the writer may create and write; readers may do neither.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Writer,
    Reader,
}

/// Opens a connection with the settings every unit of work relies on.
pub(crate) fn open(path: &Path, role: Role) -> Result<Connection, AppError> {
    let flags = match role {
        Role::Writer => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        // Opened read-write so that WAL's shared memory can be set up; `query_only`
        // below makes any write fail instead of taking the lock.
        Role::Reader => OpenFlags::SQLITE_OPEN_READ_WRITE,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.create_collation("vi", crate::text::compare)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    match role {
        // The writer is the only connection that writes, so its page cache stays valid
        // from one group to the next: 64 MiB instead of SQLite's 2 MiB keeps the counter
        // tables' upper B-tree pages in memory at a province's size.
        Role::Writer => conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536",
        )?,
        // No memory map: each commit (an audit event per page view) makes a reader drop
        // its cache, and with a map SQLite then unmaps it whole, a TLB shoot-down across
        // every thread that cost a tenth of a signed-in page's time.
        Role::Reader => conn.execute_batch("PRAGMA query_only = ON")?,
    }
    Ok(conn)
}

/// Runs one statement to its end (rows it returns are skipped); the rows it changed.
pub(crate) fn execute(c: &Connection, sql: &str, args: &[Value]) -> Result<u64, AppError> {
    let mut stmt = c.prepare_cached(sql)?;
    bind(&mut stmt, args)?;
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(c.changes())
}

/// Runs statements without parameters (several at once allowed).
pub(crate) fn script(c: &Connection, sql: &str) -> Result<(), AppError> {
    c.execute_batch(sql)?;
    Ok(())
}

/// Every row of one statement, as backend-neutral rows.
pub(crate) fn fetch_all(c: &Connection, sql: &str, args: &[Value]) -> Result<Vec<Row>, AppError> {
    let mut stmt = c.prepare_cached(sql)?;
    bind(&mut stmt, args)?;
    let columns = super::columns(stmt.column_names().iter().map(|s| s.to_string()).collect());
    let n = columns.len();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(
                    std::str::from_utf8(t)
                        .map_err(|_| AppError::internal("a stored text is not UTF-8"))?
                        .to_owned(),
                ),
            });
        }
        out.push(Row {
            columns: Arc::clone(&columns),
            values,
        });
    }
    Ok(out)
}

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, args: &[Value]) -> Result<(), AppError> {
    let expected = stmt.parameter_count();
    if expected != args.len() {
        return Err(AppError::internal(format!(
            "statement takes {expected} parameters, got {}",
            args.len()
        )));
    }
    for (i, a) in args.iter().enumerate() {
        let at = i + 1;
        match a {
            Value::Null => stmt.raw_bind_parameter(at, rusqlite::types::Null)?,
            Value::Int(v) => stmt.raw_bind_parameter(at, v)?,
            Value::Real(v) => stmt.raw_bind_parameter(at, v)?,
            Value::Text(v) => stmt.raw_bind_parameter(at, v.as_str())?,
        }
    }
    Ok(())
}

/// SQLite's own word on whether the connection is inside a transaction.
pub(crate) fn in_transaction(c: &Connection) -> bool {
    !c.is_autocommit()
}

/// A stable identity for a connection while it is open (its handle's address).
pub(crate) fn identity(c: &Connection) -> u64 {
    // SAFETY: the pointer is only read as a number, never dereferenced.
    (unsafe { c.handle() }) as usize as u64
}

/// The read connections: opened on demand up to `max`, kept for reuse.
pub(crate) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// A read connection on loan; it goes back to the pool when dropped, unless detached.
pub(crate) struct Pooled {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl Pool {
    pub(crate) fn new(path: &Path, max: usize) -> Arc<Pool> {
        Arc::new(Pool {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(max)),
        })
    }

    /// Waits (at most `timeout`) for a free connection, opening one if none is idle.
    pub(crate) async fn acquire(self: &Arc<Self>, timeout: Duration) -> Result<Pooled, AppError> {
        let permit = tokio::time::timeout(timeout, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|_| AppError::Busy)?;
        let idle = self.lock().pop();
        let conn = match idle {
            Some(c) => c,
            None => open(&self.path, Role::Reader)?,
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: Arc::clone(self),
            _permit: permit,
        })
    }

    /// Closes the idle connections and refuses new loans.
    pub(crate) fn close(&self) {
        self.permits.close();
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Pooled {
    pub(crate) fn conn(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("a pooled connection is present until dropped")
    }

    /// Closes the connection instead of giving it back.
    pub(crate) fn detach(mut self) {
        self.conn.take();
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            if !self.pool.permits.is_closed() {
                self.pool.lock().push(c);
            }
        }
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return AppError::Busy,
                // SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE, as sqlx read them.
                ErrorCode::ConstraintViolation if matches!(f.extended_code, 1555 | 2067) => {
                    return AppError::Conflict("Bản ghi này đã có (trùng mã hoặc tên)".into())
                }
                _ => {}
            }
        }
        AppError::Internal(e.to_string())
    }
}
