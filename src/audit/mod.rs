//! The audit log: who did what, when — never the values.
//!
//! Rows form hash chains, one per commune (plus `global`), so a commune's log can be
//! verified on its own and appends for different communes never wait for each other.
//! `danvan audit verify` recomputes every chain and finds edited, deleted or reordered rows.

pub mod pages;

use serde::Serialize;

use crate::auth::Scope;
use crate::clock;
use crate::db::{Backend, Tx, Value};
use crate::error::AppResult;

pub const GLOBAL_CHAIN: &str = "global";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened.
pub struct Event<'a> {
    pub actor_id: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    /// The commune the record belongs to, or `None` for deployment-wide records.
    pub commune_id: Option<&'a str>,
    /// Field names, counts, ids — never personal values.
    pub detail: serde_json::Value,
}

fn row_hash(prev: &str, chain: &str, seq: i64, at: &str, e: [&str; 5]) -> String {
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

/// Appends one event inside the caller's transaction, so the log and the change it
/// records commit together or not at all.
pub async fn append(tx: &mut Tx, ev: Event<'_>) -> AppResult<()> {
    let chain = ev.commune_id.unwrap_or(GLOBAL_CHAIN);
    tx.execute(
        "INSERT INTO audit_heads (chain, last_seq, last_hash) VALUES (?, 0, ?) ON CONFLICT (chain) DO NOTHING",
        &[chain.into(), GENESIS.into()],
    )
    .await?;
    // On PostgreSQL the row lock orders concurrent appends to one chain; SQLite
    // transactions here already hold the database's write lock.
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
    let seq = head.i64("last_seq")? + 1;
    let prev = head.str("last_hash")?;
    let at = clock::now();
    let detail = ev.detail.to_string();
    let hash = row_hash(
        &prev,
        chain,
        seq,
        &at,
        [ev.actor_id, ev.action, ev.entity, ev.entity_id, &detail],
    );
    tx.execute(
        "INSERT INTO audit_log (chain, seq, at, actor_id, action, entity, entity_id, detail, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            chain.into(),
            seq.into(),
            at.into(),
            ev.actor_id.into(),
            ev.action.into(),
            ev.entity.into(),
            ev.entity_id.into(),
            detail.into(),
            prev.into(),
            hash.clone().into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_heads SET last_seq = ?, last_hash = ? WHERE chain = ?",
        &[seq.into(), hash.into(), chain.into()],
    )
    .await?;
    Ok(())
}

/// Records that a staff member read personal records (one event for a list page).
pub async fn log_read(
    tx: &mut Tx,
    scope: &Scope,
    entity: &str,
    commune_id: Option<&str>,
    ids: &[String],
) -> AppResult<()> {
    if ids.is_empty() || !scope.is_staff() {
        return Ok(());
    }
    let (entity_id, detail) = if ids.len() == 1 {
        (ids[0].as_str(), serde_json::json!({}))
    } else {
        ("*", serde_json::json!({ "ids": ids }))
    };
    append(
        tx,
        Event {
            actor_id: &scope.user_id,
            action: "read",
            entity,
            entity_id,
            commune_id,
            detail,
        },
    )
    .await
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
}

/// Recomputes every chain. Edited rows break their hash, deleted or reordered rows break
/// the sequence or the link to the previous hash, a removed tail breaks the chain head.
pub async fn verify(tx: &mut Tx) -> AppResult<VerifyReport> {
    let heads = tx
        .fetch_all(
            "SELECT chain, last_seq, last_hash FROM audit_heads ORDER BY chain",
            &[],
        )
        .await?;
    let mut report = VerifyReport {
        chains: heads.len(),
        rows: 0,
        problems: Vec::new(),
    };
    for head in heads {
        let chain = head.str("chain")?;
        let rows = tx
            .fetch_all(
                "SELECT seq, at, actor_id, action, entity, entity_id, detail, prev_hash, hash \
                 FROM audit_log WHERE chain = ? ORDER BY seq",
                &[Value::from(&chain)],
            )
            .await?;
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut problem = |seq: i64, what: &str| {
            report.problems.push(Problem {
                chain: chain.clone(),
                seq,
                what: what.to_owned(),
            })
        };
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
            prev = stored;
            expected_seq = seq + 1;
        }
        if head.i64("last_seq")? != expected_seq - 1 || head.str("last_hash")? != prev {
            problem(expected_seq - 1, "cuối chuỗi không khớp (dòng cuối bị xóa)");
        }
        report.rows += rows.len();
    }
    Ok(report)
}
