//! The single writer: one connection, one task, group commit.
//!
//! Units of work queue here. The writer takes every job waiting, runs them in one
//! transaction, each inside its own SAVEPOINT so that a failing one rolls back alone,
//! chains their audit events, and commits once. A job's caller hears back only after that
//! commit is durable (`synchronous=FULL` on SQLite). Because the writer, not the request,
//! owns the work, a request that is cut off (client gone, timeout, shutdown) cannot leave
//! a transaction half done: its job runs to completion or rolls back all the same.
//!
//! On SQLite every write goes through here. On PostgreSQL only the audit events of reads
//! do, and the sealing of the events writes queued (ordinary writes keep their own pooled
//! transactions; see `audit::queue`).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use sqlx::{Executor, PgConnection};
use tokio::sync::{mpsc, oneshot};

use super::hygiene::{self, LastRoutes};
use super::tx::{Conn, WriteTx};
use crate::audit::model::PendingEvent;
use crate::error::{AppError, AppResult};

/// Most jobs in one group: bounds the latency one slow group adds to the next.
const MAX_GROUP: usize = 256;
/// Jobs that may wait; past that, callers wait to enqueue (back-pressure).
const QUEUE: usize = 8192;

pub(crate) type JobFn =
    Box<dyn for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, Outcome> + Send + 'static>;

/// What a job tells the writer: whether to keep its changes, and how to answer its
/// caller once the group's commit has (or has not) happened.
pub(crate) struct Outcome {
    pub keep: bool,
    pub answer: Box<dyn FnOnce(AppResult<()>) + Send>,
}

pub(crate) struct Job {
    pub run: JobFn,
    pub route: Arc<str>,
    /// Jobs that cannot fail half way (a read's audit notes, no SQL of their own) need
    /// no savepoint of their own.
    pub savepoint: bool,
}

enum Msg {
    Job(Job),
    /// Finish everything queued before this, then stop.
    Stop(oneshot::Sender<()>),
}

/// The writer's connection: SQLite's single writer, or PostgreSQL's audit batcher.
pub(crate) enum WriterConn {
    Sqlite(rusqlite::Connection),
    Postgres(PgConnection),
}

/// Seals a group's audit events into their hash chains inside its transaction.
pub(crate) type Sealer =
    for<'t> fn(&'t mut WriteTx, Vec<PendingEvent>) -> BoxFuture<'t, AppResult<()>>;

/// What `/healthz` reads: is the writer alive and making progress?
pub(crate) struct WriterHealth {
    queued: AtomicUsize,
    /// Milliseconds since `started` when the writer last finished a group or idled.
    last_progress_ms: AtomicU64,
    started: Instant,
    pub(crate) failed_groups: AtomicU64,
}

impl Default for WriterHealth {
    fn default() -> Self {
        WriterHealth {
            queued: AtomicUsize::new(0),
            last_progress_ms: AtomicU64::new(0),
            started: Instant::now(),
            failed_groups: AtomicU64::new(0),
        }
    }
}

impl WriterHealth {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn progressed(&self) {
        self.last_progress_ms
            .store(self.now_ms(), Ordering::Relaxed);
    }

    /// Stuck: work is waiting and nothing has finished for `limit`.
    pub(crate) fn stuck(&self, limit: Duration) -> bool {
        let idle = self.now_ms() - self.last_progress_ms.load(Ordering::Relaxed);
        self.queued.load(Ordering::Relaxed) > 0 && idle > limit.as_millis() as u64
    }

    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Msg>,
    pub(crate) health: Arc<WriterHealth>,
}

impl Writer {
    pub(crate) fn start(conn: WriterConn, sealer: Sealer, routes: Arc<LastRoutes>) -> Writer {
        let (tx, rx) = mpsc::channel(QUEUE);
        let health = Arc::new(WriterHealth::default());
        let sqlite = matches!(conn, WriterConn::Sqlite(_));
        let task = Task {
            conn: Some(conn),
            sealer,
            routes,
            health: Arc::clone(&health),
        };
        if sqlite {
            // SQLite's statements are plain calls: the writer gets a thread of its own
            // rather than holding up an async worker for every group.
            let handle = tokio::runtime::Handle::current();
            let spawned = std::thread::Builder::new()
                .name("danvan-writer".into())
                .spawn(move || handle.block_on(task.run(rx)));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start the writer thread");
            }
        } else {
            tokio::spawn(task.run(rx));
        }
        Writer { tx, health }
    }

    /// Queues a job. Fails only when the writer has stopped (shutting down).
    pub(crate) async fn submit(&self, job: Job) -> AppResult<()> {
        self.health.queued.fetch_add(1, Ordering::Relaxed);
        if self.tx.send(Msg::Job(job)).await.is_err() {
            self.health.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(AppError::Busy);
        }
        Ok(())
    }

    /// The writer task has ended (stopped, or died).
    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Finishes the queued work and stops the writer.
    pub(crate) async fn stop(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Stop(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

struct Task {
    conn: Option<WriterConn>,
    sealer: Sealer,
    routes: Arc<LastRoutes>,
    health: Arc<WriterHealth>,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        self.health.progressed();
        let mut stop: Option<oneshot::Sender<()>> = None;
        while stop.is_none() {
            let Some(first) = rx.recv().await else { break };
            let mut group = Vec::new();
            match first {
                Msg::Job(j) => group.push(j),
                Msg::Stop(s) => stop = Some(s),
            }
            while stop.is_none() && group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(Msg::Job(j)) => group.push(j),
                    Ok(Msg::Stop(s)) => stop = Some(s),
                    Err(_) => break,
                }
            }
            if !group.is_empty() {
                let n = group.len();
                self.run_group(group).await;
                self.health.queued.fetch_sub(n, Ordering::Relaxed);
            }
            self.health.progressed();
        }
        rx.close();
        if let Some(s) = stop {
            let _ = s.send(());
        }
    }

    fn backend_sql(&self) -> (&'static str, &'static str) {
        match self.conn {
            Some(WriterConn::Postgres(_)) => ("BEGIN", "COMMIT"),
            // Take the write lock at once: the writer never upgrades a read lock.
            _ => ("BEGIN IMMEDIATE", "COMMIT"),
        }
    }

    async fn exec(&mut self, sql: &str) -> AppResult<()> {
        match self.conn.as_mut() {
            Some(WriterConn::Sqlite(c)) => super::sqlite::script(c, sql)?,
            Some(WriterConn::Postgres(c)) => {
                c.execute(sql).await?;
            }
            None => return Err(AppError::internal("writer has no connection")),
        }
        Ok(())
    }

    fn take_tx(&mut self) -> Option<WriteTx> {
        Some(WriteTx::new(match self.conn.take()? {
            WriterConn::Sqlite(c) => Conn::SqliteOwned(c),
            WriterConn::Postgres(c) => Conn::PgOwned(c),
        }))
    }

    fn put_back(&mut self, tx: WriteTx) -> crate::audit::model::Notes {
        let (conn, notes) = tx.into_parts();
        self.conn = match conn {
            Conn::SqliteOwned(c) => Some(WriterConn::Sqlite(c)),
            Conn::PgOwned(c) => Some(WriterConn::Postgres(c)),
            _ => None,
        };
        notes
    }

    async fn run_group(&mut self, group: Vec<Job>) {
        let started = Instant::now();
        let (begin, commit) = self.backend_sql();
        if let Err(e) = self.begin_clean(begin, &group[0].route).await {
            tracing::error!(error = %e, "writer could not begin a transaction");
            self.health.failed_groups.fetch_add(1, Ordering::Relaxed);
            // The jobs are dropped unrun: their callers hear that nothing was saved.
            return;
        }
        let mut answers = Vec::with_capacity(group.len());
        let mut events = Vec::new();
        let n = group.len();
        for job in group {
            if job.savepoint {
                if let Err(e) = self.exec("SAVEPOINT job").await {
                    tracing::error!(error = %e, "writer could not open a savepoint");
                    self.abort_group(answers, e).await;
                    return;
                }
            }
            let Some(mut tx) = self.take_tx() else {
                return;
            };
            let outcome = AssertUnwindSafe((job.run)(&mut tx)).catch_unwind().await;
            let notes = self.put_back(tx);
            let keep = match &outcome {
                Ok(o) => o.keep,
                Err(_) => {
                    tracing::error!(route = %job.route, "a unit of work panicked; rolled back");
                    false
                }
            };
            let end = match (job.savepoint, keep) {
                (false, _) => None,
                (true, true) => Some("RELEASE job"),
                (true, false) => Some("ROLLBACK TO job; RELEASE job"),
            };
            if let Some(Err(e)) = match end {
                Some(sql) => Some(self.exec(sql).await),
                None => None,
            } {
                tracing::error!(error = %e, "writer could not end a savepoint");
                if let Ok(o) = outcome {
                    answers.push(o.answer);
                }
                self.abort_group(answers, e).await;
                return;
            }
            if keep {
                events.extend(notes.into_events());
            }
            if let Ok(o) = outcome {
                answers.push(o.answer);
            }
        }
        // Every group seals, even without events of its own: on PostgreSQL the sealer
        // also takes the events committed writes left in the audit queue.
        let sealed = match self.take_tx() {
            Some(mut tx) => {
                let r = (self.sealer)(&mut tx, events).await;
                self.put_back(tx);
                r
            }
            None => Err(AppError::internal("writer has no connection")),
        };
        if let Err(e) = sealed {
            tracing::error!(error = %e, "writer could not seal the audit events");
            self.abort_group(answers, e).await;
            return;
        }
        if let Err(e) = self.exec(commit).await {
            tracing::error!(error = %e, "writer commit failed");
            self.abort_group(answers, e).await;
            return;
        }
        for answer in answers {
            answer(Ok(()));
        }
        tracing::trace!(
            jobs = n,
            ms = started.elapsed().as_millis() as u64,
            "group committed"
        );
    }

    /// Starts a group's transaction on a connection known to be outside any transaction.
    async fn begin_clean(&mut self, begin: &str, route: &Arc<str>) -> AppResult<()> {
        let routes = Arc::clone(&self.routes);
        let mut tx = self
            .take_tx()
            .ok_or_else(|| AppError::internal("writer has no connection"))?;
        let clean = hygiene::ensure_clean(tx.conn().engine(), &routes, route).await;
        self.put_back(tx);
        clean?;
        self.exec(begin).await
    }

    async fn abort_group(
        &mut self,
        answers: Vec<Box<dyn FnOnce(AppResult<()>) + Send>>,
        e: AppError,
    ) {
        self.health.failed_groups.fetch_add(1, Ordering::Relaxed);
        let _ = self.exec("ROLLBACK").await;
        let err = match e {
            AppError::Busy => AppError::Busy,
            _ => AppError::internal(format!("thao tác chưa được lưu: {e}")),
        };
        for answer in answers {
            answer(Err(err.clone()));
        }
    }
}
