//! `danvan audit archive`: events before a date leave the database for a compressed file
//! that proves itself, and each chain keeps an anchor (the last archived sequence number
//! and hash) from which `audit verify` carries on.
//!
//! The file is gzip'd JSON lines: a header naming, per chain, the range it holds and the
//! hashes it starts from and ends at, then the events in chain order. Archives of the
//! same log join up: each one starts where the previous one ended.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::chain::{row_hash, GENESIS};
use super::{Action, Actor, Entity};
use crate::db::{Backend, Db, Tx, Value};
use crate::error::{AppError, AppResult};

const FORMAT: &str = "danvan-audit-archive/1";
const PAGE: i64 = 5_000;

/// The part of one chain an archive holds: the events after `from_seq` up to `to_seq`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChainRange {
    pub chain: String,
    pub from_seq: i64,
    pub from_hash: String,
    pub to_seq: i64,
    pub to_hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    /// Events strictly before this stored time are in the file.
    before: String,
    created_at: String,
    chains: Vec<ChainRange>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Event {
    chain: String,
    seq: i64,
    at: String,
    actor_id: String,
    action: String,
    entity: String,
    entity_id: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl Event {
    fn computed_hash(&self) -> String {
        row_hash(
            &self.prev_hash,
            &self.chain,
            self.seq,
            &self.at,
            [
                &self.actor_id,
                &self.action,
                &self.entity,
                &self.entity_id,
                &self.detail,
            ],
        )
    }
}

#[derive(Debug, Serialize)]
pub struct ArchiveReport {
    pub before: String,
    pub events: i64,
    pub chains: Vec<ChainRange>,
    pub sha256: String,
    /// PostgreSQL month partitions dropped whole.
    pub segments_dropped: Vec<String>,
}

fn refuse(msg: impl Into<String>) -> AppError {
    AppError::BadRequest(msg.into())
}

/// Moves every event before `before` (a stored UTC time) into a new file `out`, then
/// removes them from the database in one unit of work that also moves the anchors. The
/// file is written, synced and read back in full before anything is removed; a chain
/// that does not verify is not archived at all.
pub async fn archive(db: &Db, before: &str, out: &Path) -> AppResult<ArchiveReport> {
    let cutoff = before.to_owned();
    let chains = db
        .read(move |tx| Box::pin(async move { plan(tx, &cutoff).await }))
        .await?;
    let events: i64 = chains.iter().map(|c| c.to_seq - c.from_seq).sum();
    let mut report = ArchiveReport {
        before: before.to_owned(),
        events,
        chains,
        sha256: String::new(),
        segments_dropped: Vec::new(),
    };
    if events == 0 {
        return Ok(report);
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(|e| refuse(format!("Không tạo được tệp {}: {e}", out.display())))?;
    // From here on the file is ours: any failure removes it again.
    let written = write_file(db, before, &report.chains, file).await;
    let sha256 = match written.and_then(|_| verify_file(out)) {
        Ok(checked) if checked.chains == report.chains => checked.sha256,
        Ok(_) => {
            let _ = std::fs::remove_file(out);
            return Err(AppError::internal(
                "archive read back differs from what was written",
            ));
        }
        Err(e) => {
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
    };
    report.sha256 = sha256.clone();
    let (chains, cutoff) = (report.chains.clone(), before.to_owned());
    let removed = db
        .write(move |tx| Box::pin(async move { remove(tx, &chains, &cutoff, &sha256).await }))
        .await;
    match removed {
        Ok(dropped) => {
            report.segments_dropped = dropped;
            Ok(report)
        }
        Err(e) => {
            // Nothing was removed: the file would only confuse the next run.
            let _ = std::fs::remove_file(out);
            Err(e)
        }
    }
}

/// Per chain, the events to archive: after its anchor, up to the last one before the
/// first event at or after `before` (by sequence, so a chain is always cut at one point
/// even when two writers' times interleave by a millisecond).
async fn plan(tx: &mut Tx, before: &str) -> AppResult<Vec<ChainRange>> {
    let chains = tx
        .fetch_all("SELECT DISTINCT chain FROM audit_log ORDER BY chain", &[])
        .await?;
    let mut out = Vec::new();
    for c in chains {
        let chain = c.str("chain")?;
        let (from_seq, from_hash) = anchor(tx, &chain).await?;
        let first_kept = tx
            .fetch_one(
                "SELECT MIN(seq) AS s FROM audit_log WHERE chain = ? AND at >= ?",
                &[Value::from(&chain), before.into()],
            )
            .await?
            .opt_i64("s")?;
        let to_seq = match first_kept {
            Some(s) => s - 1,
            None => tx
                .fetch_one(
                    "SELECT MAX(seq) AS s FROM audit_log WHERE chain = ?",
                    &[Value::from(&chain)],
                )
                .await?
                .opt_i64("s")?
                .unwrap_or(from_seq),
        };
        if to_seq <= from_seq {
            continue;
        }
        let to_hash = tx
            .fetch_optional(
                "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?",
                &[Value::from(&chain), to_seq.into()],
            )
            .await?
            .ok_or_else(|| broken(&chain, to_seq))?
            .str("hash")?;
        out.push(ChainRange {
            chain,
            from_seq,
            from_hash,
            to_seq,
            to_hash,
        });
    }
    Ok(out)
}

/// Where a chain starts in the database: its anchor, or the beginning.
pub(super) async fn anchor(tx: &mut Tx, chain: &str) -> AppResult<(i64, String)> {
    let row = tx
        .fetch_optional(
            "SELECT seq, hash FROM audit_anchors WHERE chain = ?",
            &[chain.into()],
        )
        .await?;
    Ok(match row {
        Some(r) => (r.i64("seq")?, r.str("hash")?),
        None => (0, GENESIS.to_owned()),
    })
}

fn broken(chain: &str, seq: i64) -> AppError {
    refuse(format!(
        "Chuỗi {chain} hỏng ở dòng {seq}: không lưu trữ. Chạy `danvan audit verify` để xem chi tiết."
    ))
}

async fn write_file(
    db: &Db,
    before: &str,
    chains: &[ChainRange],
    file: std::fs::File,
) -> AppResult<()> {
    let mut gz = GzEncoder::new(
        std::io::BufWriter::new(file),
        flate2::Compression::default(),
    );
    let header = Header {
        format: FORMAT.to_owned(),
        before: before.to_owned(),
        created_at: crate::clock::now(),
        chains: chains.to_vec(),
    };
    let io = |e: std::io::Error| AppError::internal(format!("writing the archive: {e}"));
    writeln!(
        gz,
        "{}",
        serde_json::to_string(&header).map_err(|e| AppError::internal(e.to_string()))?
    )
    .map_err(io)?;
    for range in chains {
        let mut check = Link::starting(range);
        let mut after = range.from_seq;
        while after < range.to_seq {
            let (chain, upto) = (range.chain.clone(), range.to_seq);
            let page = db
                .read(move |tx| Box::pin(async move { read_page(tx, &chain, after, upto).await }))
                .await?;
            if page.is_empty() {
                return Err(broken(&range.chain, after + 1));
            }
            for e in &page {
                check.next(e)?;
                writeln!(
                    gz,
                    "{}",
                    serde_json::to_string(e).map_err(|e| AppError::internal(e.to_string()))?
                )
                .map_err(io)?;
            }
            after = page.last().map(|e| e.seq).unwrap_or(range.to_seq);
        }
        check.finish()?;
    }
    let file = gz
        .finish()
        .map_err(io)?
        .into_inner()
        .map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)
}

async fn read_page(tx: &mut Tx, chain: &str, after: i64, upto: i64) -> AppResult<Vec<Event>> {
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT chain, seq, at, actor_id, action, entity, entity_id, detail, prev_hash, hash \
                 FROM audit_log WHERE chain = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT {PAGE}"
            ),
            &[chain.into(), after.into(), upto.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                chain: r.str("chain")?,
                seq: r.i64("seq")?,
                at: r.str("at")?,
                actor_id: r.str("actor_id")?,
                action: r.str("action")?,
                entity: r.str("entity")?,
                entity_id: r.str("entity_id")?,
                detail: r.str("detail")?,
                prev_hash: r.str("prev_hash")?,
                hash: r.str("hash")?,
            })
        })
        .collect()
}

/// Follows one chain through its events: consecutive, linked, each hash recomputed.
struct Link<'r> {
    range: &'r ChainRange,
    seq: i64,
    hash: String,
}

impl<'r> Link<'r> {
    fn starting(range: &'r ChainRange) -> Link<'r> {
        Link {
            range,
            seq: range.from_seq,
            hash: range.from_hash.clone(),
        }
    }

    fn next(&mut self, e: &Event) -> AppResult<()> {
        if e.chain != self.range.chain
            || e.seq != self.seq + 1
            || e.prev_hash != self.hash
            || e.computed_hash() != e.hash
        {
            return Err(broken(&self.range.chain, self.seq + 1));
        }
        self.seq = e.seq;
        self.hash = e.hash.clone();
        Ok(())
    }

    fn finish(&self) -> AppResult<()> {
        if self.seq != self.range.to_seq || self.hash != self.range.to_hash {
            return Err(broken(&self.range.chain, self.seq + 1));
        }
        Ok(())
    }
}

/// What an archive file holds, once every event in it has been checked.
#[derive(Debug, Serialize)]
pub struct CheckedArchive {
    pub before: String,
    pub events: i64,
    pub chains: Vec<ChainRange>,
    pub sha256: String,
}

/// Reads an archive through and checks it: its format, every event's hash and link, and
/// that each chain runs exactly over the range its header names.
pub fn verify_file(path: &Path) -> AppResult<CheckedArchive> {
    let bytes = std::fs::read(path)
        .map_err(|e| refuse(format!("Không đọc được tệp {}: {e}", path.display())))?;
    let not_archive = || {
        refuse(format!(
            "{} không phải tệp lưu trữ nhật ký của danvan, hoặc đã bị sửa.",
            path.display()
        ))
    };
    let mut lines = BufReader::new(GzDecoder::new(&bytes[..])).lines();
    let header: Header = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok())
        .filter(|h: &Header| h.format == FORMAT)
        .ok_or_else(not_archive)?;
    let mut events = 0;
    let mut ranges = header.chains.iter();
    let mut link: Option<Link> = None;
    for line in lines {
        let e: Event = line
            .ok()
            .and_then(|l| serde_json::from_str(&l).ok())
            .ok_or_else(not_archive)?;
        if e.at.as_str() >= header.before.as_str()
            && link.as_ref().is_some_and(|l| l.seq + 1 != e.seq)
        {
            return Err(not_archive());
        }
        if link.as_ref().is_none_or(|l| l.range.chain != e.chain) {
            if let Some(done) = &link {
                done.finish()?;
            }
            let range = ranges
                .next()
                .filter(|r| r.chain == e.chain)
                .ok_or_else(not_archive)?;
            link = Some(Link::starting(range));
        }
        if let Some(l) = link.as_mut() {
            l.next(&e)?;
        }
        events += 1;
    }
    match &link {
        Some(l) => l.finish()?,
        None if header.chains.is_empty() => {}
        None => return Err(not_archive()),
    }
    if ranges.next().is_some() {
        return Err(not_archive());
    }
    Ok(CheckedArchive {
        before: header.before,
        events,
        chains: header.chains,
        sha256: {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        },
    })
}

/// Moves the anchors and removes the archived events, checking first that the chains are
/// still where the file says (no other archive ran in between, nothing was rewritten).
async fn remove(
    tx: &mut crate::db::WriteTx,
    chains: &[ChainRange],
    before: &str,
    sha256: &str,
) -> AppResult<Vec<String>> {
    let now = crate::clock::now();
    for r in chains {
        let (seq, hash) = anchor(tx, &r.chain).await?;
        let end = tx
            .fetch_optional(
                "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?",
                &[Value::from(&r.chain), r.to_seq.into()],
            )
            .await?;
        let end = end.map(|row| row.str("hash")).transpose()?;
        if seq != r.from_seq || hash != r.from_hash || end.as_deref() != Some(r.to_hash.as_str()) {
            return Err(refuse(format!(
                "Chuỗi {} đã thay đổi trong lúc lưu trữ; không xóa gì. Chạy lại lệnh.",
                r.chain
            )));
        }
        tx.execute(
            "INSERT INTO audit_anchors (chain, seq, hash, archived_to, archive_sha256, archived_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, \
             hash = excluded.hash, archived_to = excluded.archived_to, \
             archive_sha256 = excluded.archive_sha256, archived_at = excluded.archived_at",
            &[
                Value::from(&r.chain),
                r.to_seq.into(),
                Value::from(&r.to_hash),
                before.into(),
                sha256.into(),
                Value::from(&now),
            ],
        )
        .await?;
        tx.execute(
            "DELETE FROM audit_log WHERE chain = ? AND seq <= ?",
            &[Value::from(&r.chain), r.to_seq.into()],
        )
        .await?;
    }
    let events: i64 = chains.iter().map(|c| c.to_seq - c.from_seq).sum();
    super::did_as(
        tx,
        &Actor::named("cli"),
        Action::Archive,
        Entity::AuditLog,
        sha256,
        None,
        json!({ "before": before, "events": events, "chains": chains.len() }),
    );
    drop_empty_segments(tx, before).await
}

/// PostgreSQL: month partitions that lie wholly before the cut and are now empty go.
async fn drop_empty_segments(tx: &mut crate::db::WriteTx, before: &str) -> AppResult<Vec<String>> {
    if tx.backend() != Backend::Postgres {
        return Ok(Vec::new());
    }
    let parts = tx
        .fetch_all(
            "SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'audit_log'::regclass ORDER BY 1",
            &[],
        )
        .await?;
    let mut dropped = Vec::new();
    for p in parts {
        let name = p.str("name")?;
        let Some(month) = super::segments::partition_month(&name) else {
            continue;
        };
        let ends_before_cut =
            super::segments::next_month(&month).is_some_and(|end| end.as_str() <= before);
        if !ends_before_cut {
            continue;
        }
        // The name came from the catalogue and matched audit_log_YYYY_MM: safe to splice.
        let left = tx
            .scalar_i64(&format!("SELECT COUNT(*) FROM {name}"), &[])
            .await?;
        if left == 0 {
            tx.execute_script(&format!("DROP TABLE {name}")).await?;
            dropped.push(month);
        }
    }
    Ok(dropped)
}

/// The stored time at which a Vietnam calendar day begins: the archive cut.
pub fn start_of_day(day: time::Date) -> String {
    crate::clock::stamp(day.midnight().assume_offset(crate::clock::VIETNAM))
}

/// The default cut for a retention of `months`: the first day of the month `months`
/// before `today`'s month, so that whole months are archived and at least `months` full
/// months stay in the database.
pub fn retention_cut(today: time::Date, months: u32) -> time::Date {
    let total = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(year, month, 1).unwrap_or(today)
}

/// A date as people type it: `31/01/2025` (or `31-01-2025`), or ISO `2025-01-31`.
pub fn parse_day(s: &str) -> Option<time::Date> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_vietnam_day_starts_at_17_utc_the_day_before() {
        assert_eq!(
            start_of_day(date!(2026 - 01 - 01)),
            "2025-12-31T17:00:00.000Z"
        );
    }

    #[test]
    fn retention_keeps_whole_months() {
        assert_eq!(
            retention_cut(date!(2026 - 12 - 02), 24),
            date!(2024 - 12 - 01)
        );
        assert_eq!(
            retention_cut(date!(2026 - 01 - 31), 1),
            date!(2025 - 12 - 01)
        );
        assert_eq!(
            retention_cut(date!(2026 - 03 - 15), 0),
            date!(2026 - 03 - 01)
        );
    }

    #[test]
    fn days_parse_as_typed() {
        assert_eq!(parse_day("31/01/2025"), Some(date!(2025 - 01 - 31)));
        assert_eq!(parse_day("2025-01-31"), Some(date!(2025 - 01 - 31)));
        assert_eq!(parse_day("31/02/2025"), None);
        assert_eq!(parse_day("hôm qua"), None);
    }
}
