//! Storage: one code path over SQLite (default, embedded) and PostgreSQL (large deployments).
//!
//! Statements are written once with `?` placeholders; [`value::to_postgres_placeholders`]
//! renders them for PostgreSQL. Every user action runs in one [`Tx`].

pub mod backup;
mod bind;
pub mod value;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::error::AppError;
pub use value::{Row, Value};

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One transaction: every user action runs inside exactly one.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Where the database lives, from `DANVAN_DATABASE_URL` or the data folder.
pub fn sqlite_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("danvan.db")
}

impl Db {
    /// Opens (creating if missing) the SQLite file, or connects to PostgreSQL.
    pub async fn connect(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Db> {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let opts = PgConnectOptions::from_str(url)?.application_name("danvan");
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Postgres(pool))
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

    async fn open_sqlite(path: &Path) -> anyhow::Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .collation("vi", crate::text::compare);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this engine.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// A transaction that takes the write lock at once on SQLite, so that two writers
    /// never deadlock upgrading a read lock; on PostgreSQL an ordinary transaction.
    pub async fn begin(&self) -> Result<Tx, AppError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A read-only unit of work (no write lock on SQLite).
    pub async fn begin_read(&self) -> Result<Tx, AppError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), AppError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, AppError> {
        Ok(match self {
            Tx::Sqlite(t) => bind::sqlite(sqlx::query(sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
            Tx::Postgres(t) => {
                let sql = value::to_postgres_placeholders(sql);
                bind::postgres(sqlx::query(&sql), args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
        })
    }

    /// Runs a statement without parameters (DDL, pragmas, several statements at once).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), AppError> {
        use sqlx::Executor;
        match self {
            Tx::Sqlite(t) => {
                t.execute(sql).await?;
            }
            Tx::Postgres(t) => {
                t.execute(sql).await?;
            }
        }
        Ok(())
    }

    pub async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, AppError> {
        match self {
            Tx::Sqlite(t) => {
                let rows = bind::sqlite(sqlx::query(sql), args)
                    .fetch_all(&mut **t)
                    .await?;
                bind::decode_sqlite(rows)
            }
            Tx::Postgres(t) => {
                let sql = value::to_postgres_placeholders(sql);
                let rows = bind::postgres(sqlx::query(&sql), args)
                    .fetch_all(&mut **t)
                    .await?;
                bind::decode_postgres(rows)
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

/// Shared column list for rows decoded from one statement.
pub(crate) fn columns(names: Vec<String>) -> Arc<Vec<String>> {
    Arc::new(names)
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

impl Tx {
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
        // Stay under both engines' limits on bound parameters per statement.
        let per_chunk = (30_000 / columns.len()).max(1);
        let one = format!("({})", vec!["?"; columns.len()].join(","));
        let mut n = 0;
        for chunk in rows.chunks(per_chunk) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(","));
            let mut args = Vec::with_capacity(chunk.len() * columns.len());
            for (i, r) in chunk.iter().enumerate() {
                if r.len() != columns.len() {
                    return Err(AppError::internal(format!(
                        "insert_many: row has {} values for {} columns",
                        r.len(),
                        columns.len()
                    )));
                }
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&one);
                args.extend(r.iter().cloned());
            }
            n += self.execute(&sql, &args).await?;
        }
        Ok(n)
    }
}
