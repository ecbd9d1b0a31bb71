//! Units of work: [`Tx`] reads, [`WriteTx`] reads and writes.
//!
//! Handlers never begin or commit: they hand a closure to [`super::Db::read`] or
//! [`super::Db::write`], which runs it to completion on the right connection and ends the
//! transaction itself. A read closure receives a `Tx`, which has no way to write.

use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres};

use super::bind;
use super::sqlite;
use super::value::{self, Row, Value};
use super::Backend;
use crate::audit::model::Notes;
use crate::error::AppError;

/// The connection a unit of work runs on: pooled (reads, PostgreSQL writes) or owned by
/// the writer task.
pub(crate) enum Conn {
    SqlitePooled(sqlite::Pooled),
    SqliteOwned(rusqlite::Connection),
    PgPooled(PoolConnection<Postgres>),
    PgOwned(PgConnection),
}

pub(crate) enum Engine<'a> {
    Sqlite(&'a mut rusqlite::Connection),
    Postgres(&'a mut PgConnection),
}

impl Conn {
    pub(crate) fn engine(&mut self) -> Engine<'_> {
        match self {
            Conn::SqlitePooled(c) => Engine::Sqlite(c.conn()),
            Conn::SqliteOwned(c) => Engine::Sqlite(c),
            Conn::PgPooled(c) => Engine::Postgres(c),
            Conn::PgOwned(c) => Engine::Postgres(c),
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Conn::SqlitePooled(_) | Conn::SqliteOwned(_) => Backend::Sqlite,
            Conn::PgPooled(_) | Conn::PgOwned(_) => Backend::Postgres,
        }
    }
}

/// A statement slower than this is logged with its text (`DANVAN_SLOW_STATEMENT_MS`,
/// 250 by default; 0 logs every statement), as PostgreSQL's `log_min_duration_statement`
/// does, but for both engines: a page that scans shows up in the log by its SQL.
static SLOW_STATEMENT: LazyLock<Duration> = LazyLock::new(|| {
    let ms = std::env::var("DANVAN_SLOW_STATEMENT_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(250);
    Duration::from_millis(ms)
});

/// Logs the statement when it was slow; whether it was.
fn note_if_slow(started: Instant, sql: &str) -> bool {
    let took = started.elapsed();
    let slow = took >= *SLOW_STATEMENT;
    if slow {
        tracing::warn!(ms = took.as_millis() as u64, sql = %loggable(sql), "slow statement");
    }
    slow
}

/// The longest statement text a log line carries: a multi-row insert of a thousand rows
/// would otherwise write its placeholders out a thousand times.
const LOGGED_SQL_CHARS: usize = 600;

/// `sql` on one line, cut after [`LOGGED_SQL_CHARS`] with its full length said.
fn loggable(sql: &str) -> String {
    let text: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(LOGGED_SQL_CHARS) {
        Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
        None => text,
    }
}

/// A read-only unit of work. Store functions that only read take `&mut Tx`.
pub struct Tx {
    conn: Conn,
    /// What the unit of work showed and did; one audit event when it ends.
    notes: Notes,
}

/// A unit of work that may write. It derefs to [`Tx`], so every read works inside it.
pub struct WriteTx(Tx);

impl Deref for WriteTx {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.0
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.0
    }
}

impl Tx {
    pub(crate) fn new(conn: Conn) -> Tx {
        Tx {
            conn,
            notes: Notes::default(),
        }
    }

    pub(crate) fn into_parts(self) -> (Conn, Notes) {
        (self.conn, self.notes)
    }

    pub(crate) fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The audit notes of this unit of work (see `audit::model::Notes`).
    pub fn notes(&mut self) -> &mut Notes {
        &mut self.notes
    }

    pub(crate) fn take_notes(&mut self) -> Notes {
        std::mem::take(&mut self.notes)
    }

    /// Runs one statement; the rows it changed. Private: only [`WriteTx`] exposes it.
    async fn run(&mut self, sql: &str, args: &[Value]) -> Result<u64, AppError> {
        let started = Instant::now();
        let changed = match self.conn.engine() {
            Engine::Sqlite(c) => sqlite::execute(c, sql, args)?,
            Engine::Postgres(c) => {
                let sql = value::to_postgres_placeholders(sql);
                bind::postgres(sqlx::query(&sql), args)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
        };
        note_if_slow(started, sql);
        Ok(changed)
    }

    pub(crate) async fn run_script(&mut self, sql: &str) -> Result<(), AppError> {
        use sqlx::Executor;
        match self.conn.engine() {
            Engine::Sqlite(c) => sqlite::script(c, sql)?,
            Engine::Postgres(c) => {
                c.execute(sql).await?;
            }
        }
        Ok(())
    }

    pub async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, AppError> {
        let started = Instant::now();
        let rows = match self.conn.engine() {
            Engine::Sqlite(c) => sqlite::fetch_all(c, sql, args),
            Engine::Postgres(c) => {
                let sql = value::to_postgres_placeholders(sql);
                let rows = bind::postgres(sqlx::query(&sql), args).fetch_all(c).await?;
                bind::decode_postgres(rows)
            }
        };
        if note_if_slow(started, sql) {
            self.log_plan(sql, args);
        }
        rows
    }

    /// SQLite's plan of a slow statement, into the log beside it: which index it took, or
    /// that it scanned. (PostgreSQL has `auto_explain` for the same.)
    fn log_plan(&mut self, sql: &str, args: &[Value]) {
        if let Engine::Sqlite(c) = self.conn.engine() {
            let plan = sqlite::fetch_all(c, &format!("EXPLAIN QUERY PLAN {sql}"), args);
            if let Ok(rows) = plan {
                let steps: Vec<String> = rows.iter().filter_map(|r| r.str("detail").ok()).collect();
                tracing::warn!(plan = %steps.join(" | "), "slow statement's plan");
            }
        }
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Option<Row>, AppError> {
        Ok(self.fetch_all(sql, args).await?.into_iter().next())
    }

    pub async fn fetch_one(&mut self, sql: &str, args: &[Value]) -> Result<Row, AppError> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or_else(|| AppError::internal("expected one row, got none"))
    }

    /// `SELECT COUNT(*)`-style single integer.
    pub async fn scalar_i64(&mut self, sql: &str, args: &[Value]) -> Result<i64, AppError> {
        let row = self.fetch_one(sql, args).await?;
        match row.values.first() {
            Some(Value::Int(i)) => Ok(*i),
            Some(Value::Null) => Ok(0),
            Some(Value::Text(s)) => s
                .parse()
                .map_err(|_| AppError::internal("scalar is not an integer")),
            Some(Value::Real(f)) => Ok(*f as i64),
            None => Err(AppError::internal("scalar query returned no column")),
        }
    }
}

impl WriteTx {
    pub(crate) fn new(conn: Conn) -> WriteTx {
        WriteTx(Tx::new(conn))
    }

    pub(crate) fn into_parts(self) -> (Conn, Notes) {
        self.0.into_parts()
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, AppError> {
        self.0.run(sql, args).await
    }

    /// Runs a statement without parameters (several statements at once allowed).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), AppError> {
        self.0.run_script(sql).await
    }

    /// Inserts many rows with multi-row statements (bulk loads: demo, generator, imports).
    pub async fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<u64, AppError> {
        if rows.is_empty() || columns.is_empty() {
            return Ok(0);
        }
        if let Some(r) = rows.iter().find(|r| r.len() != columns.len()) {
            return Err(AppError::internal(format!(
                "insert_many: row has {} values for {} columns",
                r.len(),
                columns.len()
            )));
        }
        // Stay under both engines' limits on bound parameters per statement.
        let per_chunk = (30_000 / columns.len()).max(1);
        let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(","));
        let mut n = 0;
        for chunk in rows.chunks(per_chunk) {
            let (sql, args) = many_rows(&head, chunk, "");
            n += self.execute(&sql, &args).await?;
        }
        Ok(n)
    }

    /// One multi-row statement: `head` up to `VALUES`, the rows, then `tail` (a conflict
    /// rule, a `RETURNING`). For the few rows of one action (counters): one round trip
    /// instead of one per row. No two rows may share a conflict key.
    pub async fn upsert_many(
        &mut self,
        head: &str,
        rows: &[Vec<Value>],
        tail: &str,
    ) -> Result<Vec<Row>, AppError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, args) = many_rows(head, rows, tail);
        self.fetch_all(&sql, &args).await
    }
}

/// `head`, a placeholder group per row, `tail`; and the rows' values in order.
fn many_rows(head: &str, rows: &[Vec<Value>], tail: &str) -> (String, Vec<Value>) {
    let width = rows.first().map_or(0, Vec::len);
    let one = format!("({})", vec!["?"; width].join(", "));
    let values = vec![one.as_str(); rows.len()].join(", ");
    let args = rows.iter().flatten().cloned().collect();
    (format!("{head}{values} {tail}"), args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_statements_are_one_line_and_cut_when_long() {
        assert_eq!(loggable("SELECT a\n   FROM t"), "SELECT a FROM t");
        let many = format!("INSERT INTO t (a) VALUES {}", vec!["(?)"; 1000].join(", "));
        let logged = loggable(&many);
        assert!(logged.chars().count() < LOGGED_SQL_CHARS + 20, "{logged}");
        assert!(logged.ends_with(&format!("… ({} chars)", many.chars().count())));
        assert!(logged.starts_with("INSERT INTO t (a) VALUES (?), (?)"));
    }
}
