//! The storage layer's promises, on a real SQLite file: a connection left inside a
//! transaction is cleaned before its next use, a unit of work whose caller went away
//! still ends, failing units of work in one group roll back alone.

use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

use super::*;

async fn scratch() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::connect(None, dir.path()).await.expect("open");
    db.write(|tx| {
        Box::pin(async move {
            tx.execute_script("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
                .await
        })
    })
    .await
    .expect("table");
    (db, dir)
}

async fn count(db: &Db) -> i64 {
    db.read(|tx| Box::pin(async move { tx.scalar_i64("SELECT COUNT(*) FROM t", &[]).await }))
        .await
        .expect("count")
}

fn insert(k: &str) -> impl for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, AppResult<()>> {
    let k = k.to_owned();
    move |tx| {
        Box::pin(async move {
            tx.execute("INSERT INTO t (k, v) VALUES (?, 1)", &[k.into()])
                .await
                .map(|_| ())
        })
    }
}

/// The defect behind "attempted to call begin_with at non-zero transaction depth": sqlx
/// gave a pooled connection back while it was still inside a transaction. Whatever the
/// cause, the next unit of work on that connection must find it clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_left_in_a_transaction_is_rolled_back_when_handed_out() {
    let (db, _dir) = scratch().await;
    let Engine::Sqlite { readers, .. } = &db.inner.engine else {
        unreachable!()
    };
    // Leave every pooled connection inside an open transaction, as a cancelled
    // `begin` used to.
    let mut held = Vec::new();
    for _ in 0..reader_count() {
        let mut c = readers.acquire(WAIT).await.expect("acquire");
        c.conn()
            .execute_batch("BEGIN; SELECT COUNT(*) FROM t;")
            .expect("begin and read");
        held.push(c);
    }
    drop(held);
    db.write(insert("after")).await.expect("write");
    // As many reads at once as there are connections, so that every one is handed out.
    let n = reader_count() as usize;
    let mut reads = Vec::new();
    for _ in 0..n {
        let db = db.clone();
        reads.push(tokio::spawn(async move {
            db.read(|tx| {
                Box::pin(async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    tx.scalar_i64("SELECT COUNT(*) FROM t", &[]).await
                })
            })
            .await
        }));
    }
    for r in reads {
        assert_eq!(
            r.await.expect("join").expect("read"),
            1,
            "a stale snapshot would miss the write"
        );
    }
    let mut all = Vec::new();
    for _ in 0..n {
        all.push(readers.acquire(WAIT).await.expect("acquire"));
    }
    for c in all.iter_mut() {
        assert!(
            c.conn().is_autocommit(),
            "connection still inside a transaction"
        );
    }
}

/// A write whose caller is cut off at once still runs to its end, exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_caller_went_away_still_commits() {
    let (db, _dir) = scratch().await;
    for i in 0..200 {
        let db2 = db.clone();
        let k = format!("k{i}");
        // Give up on the answer at once, or after a little while.
        let wait = Duration::from_micros((i % 7) * 50);
        let _ = tokio::time::timeout(wait, async move { db2.write(insert(&k)).await }).await;
    }
    // Everything queued is done once a later write has answered.
    db.write(insert("last")).await.expect("write");
    let n = count(&db).await;
    assert!((1..=201).contains(&n), "{n}");
    // Each key at most once: the primary key would have refused a second insert, and a
    // retry of the same key now fails cleanly instead of poisoning anything.
    let again = db.write(insert("last")).await;
    assert!(again.is_err());
    assert_eq!(count(&db).await, n);
}

/// In one group commit, a failing unit of work rolls back alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_unit_of_work_rolls_back_alone() {
    let (db, _dir) = scratch().await;
    let mut tasks = Vec::new();
    for i in 0..64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    tx.execute(
                        "INSERT INTO t (k, v) VALUES (?, 1)",
                        &[format!("k{i}").into()],
                    )
                    .await?;
                    if i % 2 == 1 {
                        return Err(AppError::BadRequest("odd".into()));
                    }
                    Ok(())
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.expect("join").is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 32);
    assert_eq!(count(&db).await, 32);
}

/// A unit of work that panics rolls back and the writer keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_unit_of_work_rolls_back_and_the_writer_lives_on() {
    let (db, _dir) = scratch().await;
    let r = db
        .write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO t (k, v) VALUES ('p', 1)", &[])
                    .await?;
                if tx.backend() == Backend::Sqlite {
                    panic!("a bug in a handler");
                }
                Ok(())
            })
        })
        .await;
    assert!(r.is_err());
    db.write(insert("fine")).await.expect("writer alive");
    assert_eq!(count(&db).await, 1);
    assert!(db.health().await.ok);
}

/// Read connections cannot write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_cannot_write() {
    let (db, _dir) = scratch().await;
    let r = db
        .read(|tx| {
            Box::pin(async move { tx.run_script("INSERT INTO t (k, v) VALUES ('x', 1)").await })
        })
        .await;
    assert!(r.is_err());
    assert_eq!(count(&db).await, 0);
}
