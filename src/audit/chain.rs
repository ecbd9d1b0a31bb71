//! The hash chains: sealing events into them, and verifying them.
//!
//! Rows form chains, one per commune (plus `global`), so a commune's log can be verified
//! on its own and appends for different communes never wait for each other. Each row's
//! hash covers the previous row's hash, so an edited, deleted or reordered row breaks it.

use futures_util::future::BoxFuture;
use serde::Serialize;

use super::checkpoint::Checkpoint;
use super::model::PendingEvent;
use crate::clock;
use crate::db::{Backend, Tx, Value, WriteTx};
use crate::error::AppResult;

/// The `prev_hash` of a chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A row's hash. Public on purpose: the algorithm is no secret (anyone may recompute a
/// chain), which is why a rewrite by someone with database access needs checkpoints.
pub fn row_hash(prev: &str, chain: &str, seq: i64, at: &str, e: [&str; 5]) -> String {
    let mut s = String::with_capacity(256);
    for part in [
        prev,
        chain,
        &seq.to_string(),
        at,
        e[0],
        e[1],
        e[2],
        e[3],
        e[4],
    ] {
        s.push_str(part);
        s.push('\n');
    }
    crate::auth::password::sha256_hex(&s)
}

const COLUMNS: &[&str] = &[
    "chain",
    "seq",
    "at",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "detail",
    "prev_hash",
    "hash",
];

/// Appends `events` to their chains inside the caller's transaction, so the log and the
/// changes it records commit together or not at all. One statement per chain for the
/// rows and one for its head, however many events a group commit carries.
pub fn seal(tx: &mut WriteTx, events: Vec<PendingEvent>) -> BoxFuture<'_, AppResult<()>> {
    Box::pin(seal_events(tx, events))
}

async fn seal_events(tx: &mut WriteTx, events: Vec<PendingEvent>) -> AppResult<()> {
    let mut chains: Vec<&str> = Vec::new();
    for e in &events {
        if !chains.contains(&e.chain.as_str()) {
            chains.push(&e.chain);
        }
    }
    // Heads are locked in a fixed order so that two writers never wait on each other
    // in a cycle (PostgreSQL; on SQLite the writer is alone).
    chains.sort_unstable();
    let at = clock::now();
    for chain in chains {
        tx.execute(
            "INSERT INTO audit_heads (chain, last_seq, last_hash) VALUES (?, 0, ?) ON CONFLICT (chain) DO NOTHING",
            &[chain.into(), GENESIS.into()],
        )
        .await?;
        let lock = if tx.backend() == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let head = tx
            .fetch_one(
                &format!("SELECT last_seq, last_hash FROM audit_heads WHERE chain = ?{lock}"),
                &[chain.into()],
            )
            .await?;
        let mut seq = head.i64("last_seq")?;
        let mut prev = head.str("last_hash")?;
        let mut rows = Vec::new();
        for e in events.iter().filter(|e| e.chain == chain) {
            seq += 1;
            let hash = row_hash(
                &prev,
                chain,
                seq,
                &at,
                [
                    &e.actor_id,
                    e.action.code(),
                    e.entity.code(),
                    &e.entity_id,
                    &e.detail,
                ],
            );
            rows.push(vec![
                chain.into(),
                seq.into(),
                at.clone().into(),
                e.actor_id.clone().into(),
                e.action.code().into(),
                e.entity.code().into(),
                e.entity_id.clone().into(),
                e.detail.clone().into(),
                prev.clone().into(),
                hash.clone().into(),
            ]);
            prev = hash;
        }
        tx.insert_many("audit_log", COLUMNS, &rows).await?;
        tx.execute(
            "UPDATE audit_heads SET last_seq = ?, last_hash = ? WHERE chain = ?",
            &[seq.into(), prev.into(), chain.into()],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Problem {
    pub chain: String,
    pub seq: i64,
    pub what: String,
}

#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub chains: usize,
    pub rows: usize,
    pub problems: Vec<Problem>,
    /// When the checkpoint verified against was taken, if one was given.
    pub checkpoint_at: Option<String>,
}

/// Recomputes every chain found in the log, among the heads or the archive anchors. Edited rows break their
/// hash, deleted or reordered rows break the sequence or the link to the previous hash, a
/// removed tail breaks the chain head, a chain without a head is reported.
pub async fn verify(tx: &mut Tx) -> AppResult<VerifyReport> {
    verify_against(tx, &[]).await
}

/// [`verify`], and each chain of `checkpoints` must still hash, at the checkpointed seq,
/// to the checkpointed hash: this catches a rewrite that recomputed every hash and head.
pub async fn verify_against(tx: &mut Tx, checkpoints: &[Checkpoint]) -> AppResult<VerifyReport> {
    let mut chains: Vec<String> = tx
        .fetch_all(
            "SELECT chain FROM audit_heads UNION SELECT DISTINCT chain FROM audit_log \
             UNION SELECT chain FROM audit_anchors ORDER BY chain",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.str("chain"))
        .collect::<AppResult<_>>()?;
    for cp in checkpoints {
        if !chains.contains(&cp.chain) {
            chains.push(cp.chain.clone());
        }
    }
    let mut report = VerifyReport {
        chains: chains.len(),
        rows: 0,
        problems: Vec::new(),
        checkpoint_at: checkpoints.first().map(|c| c.at.clone()),
    };
    for chain in chains {
        let checkpoint = checkpoints.iter().find(|c| c.chain == chain);
        let head = tx
            .fetch_optional(
                "SELECT last_seq, last_hash FROM audit_heads WHERE chain = ?",
                &[Value::from(&chain)],
            )
            .await?;
        let rows = tx
            .fetch_all(
                "SELECT seq, at, actor_id, action, entity, entity_id, detail, prev_hash, hash \
                 FROM audit_log WHERE chain = ? ORDER BY seq",
                &[Value::from(&chain)],
            )
            .await?;
        // An archived chain carries on from its anchor: the last event `audit archive`
        // moved out, whose file proves the part before it.
        let (anchor_seq, mut prev) = super::archive::anchor(tx, &chain).await?;
        let mut expected_seq = anchor_seq + 1;
        let mut problem = |seq: i64, what: &str| {
            report.problems.push(Problem {
                chain: chain.clone(),
                seq,
                what: what.to_owned(),
            })
        };
        // A checkpoint taken where a later archive cut the chain meets the anchor; one
        // taken earlier is the archive file's to prove (`audit verify-archive`).
        if let Some(cp) = checkpoint.filter(|cp| anchor_seq > 0 && cp.seq == anchor_seq) {
            if cp.hash != prev {
                problem(
                    anchor_seq,
                    &format!(
                        "mốc lưu trữ khác mốc kiểm tra lúc {}",
                        crate::web::format::datetime(&cp.at)
                    ),
                );
            }
        }
        for r in &rows {
            let seq = r.i64("seq")?;
            if seq != expected_seq {
                problem(seq, "số thứ tự bị gián đoạn (dòng bị xóa hoặc chèn)");
            }
            if r.str("prev_hash")? != prev {
                problem(
                    seq,
                    "không nối với dòng trước (dòng bị xóa hoặc đổi thứ tự)",
                );
            }
            let computed = row_hash(
                &r.str("prev_hash")?,
                &chain,
                seq,
                &r.str("at")?,
                [
                    &r.str("actor_id")?,
                    &r.str("action")?,
                    &r.str("entity")?,
                    &r.str("entity_id")?,
                    &r.str("detail")?,
                ],
            );
            let stored = r.str("hash")?;
            if computed != stored {
                problem(seq, "nội dung dòng đã bị sửa");
            }
            if let Some(cp) = checkpoint.filter(|cp| cp.seq == seq) {
                if computed != cp.hash {
                    problem(
                        seq,
                        &format!(
                            "khác mốc kiểm tra lúc {}: các dòng đến số {seq} đã bị sửa, xóa hoặc viết lại",
                            crate::web::format::datetime(&cp.at)
                        ),
                    );
                }
            }
            prev = stored;
            expected_seq = seq + 1;
        }
        if let Some(cp) = checkpoint.filter(|cp| cp.seq > expected_seq - 1) {
            problem(
                cp.seq,
                &format!(
                    "ngắn hơn mốc kiểm tra lúc {}: khi đó chuỗi có {} dòng, nay chỉ đến số {}",
                    crate::web::format::datetime(&cp.at),
                    cp.seq,
                    expected_seq - 1
                ),
            );
        }
        match head {
            None if rows.is_empty() => {}
            Some(h) => {
                if h.i64("last_seq")? != expected_seq - 1 || h.str("last_hash")? != prev {
                    problem(expected_seq - 1, "cuối chuỗi không khớp (dòng cuối bị xóa)");
                }
            }
            None => problem(
                expected_seq - 1,
                "chuỗi không có dòng đầu mối (audit_heads bị xóa)",
            ),
        }
        report.rows += rows.len();
    }
    Ok(report)
}
