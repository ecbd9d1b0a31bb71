//! PostgreSQL's audit queue: a write's events commit with the write, and the batcher
//! seals them into their chains a moment later.
//!
//! Sealing inside the write would lock the commune's chain head from the seal to the
//! commit, and every write of the commune would wait its turn behind that lock through
//! each other's fsync. Queued, writes never wait on each other for the log: the batcher
//! drains the queue in each group and seals it under one lock per chain. The write's
//! caller waits for that group's commit too, so what a user did is in the sealed log by
//! the time they see the answer, and a crash between the two leaves the events queued,
//! never lost: the next group seals them.

use futures_util::future::BoxFuture;

use super::chain;
use super::model::{Action, Entity, PendingEvent};
use crate::db::WriteTx;
use crate::error::{AppError, AppResult};

const COLUMNS: &[&str] = &[
    "chain",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "detail",
];

/// Most queued events one group seals: bounds the group's length after an outage.
const DRAIN: i64 = 5_000;

/// Queues `events` inside the write's own transaction.
pub async fn enqueue(tx: &mut WriteTx, events: &[PendingEvent]) -> AppResult<()> {
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            vec![
                e.chain.clone().into(),
                e.actor_id.clone().into(),
                e.action.code().into(),
                e.entity.code().into(),
                e.entity_id.clone().into(),
                e.detail.clone().into(),
            ]
        })
        .collect();
    tx.insert_many("audit_queue", COLUMNS, &rows).await?;
    Ok(())
}

/// Takes queued events out, oldest first, inside the batcher's transaction. Rows another
/// server's batcher is sealing are skipped, not waited for.
async fn take(tx: &mut WriteTx) -> AppResult<Vec<PendingEvent>> {
    let rows = tx
        .fetch_all(
            "DELETE FROM audit_queue WHERE id IN \
             (SELECT id FROM audit_queue ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) \
             RETURNING id, chain, actor_id, action, entity, entity_id, detail",
            &[DRAIN.into()],
        )
        .await?;
    let mut taken = Vec::with_capacity(rows.len());
    for r in &rows {
        let (action, entity) = (r.str("action")?, r.str("entity")?);
        let event = PendingEvent {
            chain: r.str("chain")?,
            actor_id: r.str("actor_id")?,
            action: Action::parse(&action)
                .ok_or_else(|| AppError::internal(format!("queued audit action {action}")))?,
            entity: Entity::parse(&entity)
                .ok_or_else(|| AppError::internal(format!("queued audit entity {entity}")))?,
            entity_id: r.str("entity_id")?,
            detail: r.str("detail")?,
        };
        taken.push((r.i64("id")?, event));
    }
    // RETURNING gives no order; the queue's does.
    taken.sort_by_key(|(id, _)| *id);
    Ok(taken.into_iter().map(|(_, e)| e).collect())
}

/// PostgreSQL's sealer: the queued events of committed writes first, then the group's own.
pub fn drain_and_seal(tx: &mut WriteTx, events: Vec<PendingEvent>) -> BoxFuture<'_, AppResult<()>> {
    Box::pin(async move {
        let mut all = take(tx).await?;
        all.extend(events);
        if all.is_empty() {
            return Ok(());
        }
        chain::seal(tx, all).await
    })
}
