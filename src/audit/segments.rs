//! The log in monthly segments. On PostgreSQL a segment is a partition of `audit_log`
//! (`audit_log_2026_12` holds December 2026, by the UTC text of `at`); on SQLite it is
//! the same range of `at`, found through an index. Archiving removes whole segments
//! before a date; verify reads across whatever segments remain.

use crate::db::{Backend, Db};
use crate::error::AppResult;

/// How many months ahead the partitions are made, so that the DEFAULT partition (which
/// catches a row whose month has none) stays empty in practice.
const MONTHS_AHEAD: i32 = 2;

/// `"2026-12"` for a stored time `2026-12-01T…Z`.
pub fn month_of(at: &str) -> &str {
    at.get(..7).unwrap_or(at)
}

/// The month after `"YYYY-MM"`.
pub fn next_month(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&m) {
        return None;
    }
    Some(if m == 12 {
        format!("{:04}-01", y + 1)
    } else {
        format!("{y:04}-{:02}", m + 1)
    })
}

/// The partition of a month: `audit_log_2026_12`.
pub fn partition_name(month: &str) -> String {
    format!("audit_log_{}", month.replace('-', "_"))
}

/// The month a partition holds, if `name` is one of ours.
pub fn partition_month(name: &str) -> Option<String> {
    let rest = name.strip_prefix("audit_log_")?;
    let (y, m) = rest.split_once('_')?;
    let ok =
        y.len() == 4 && m.len() == 2 && (y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit());
    ok.then(|| format!("{y}-{m}"))
}

/// Makes sure this month's partition and the next ones exist (PostgreSQL; a no-op on
/// SQLite). Called at start-up and then twice a day by the server. A month whose rows
/// already went to the DEFAULT partition cannot get its own; that is logged and harmless:
/// those rows are still verified and archived, only removed by a delete.
pub async fn keep_ahead(db: &Db) -> AppResult<()> {
    if db.backend() != Backend::Postgres {
        return Ok(());
    }
    let mut month = month_of(&crate::clock::now()).to_owned();
    for _ in 0..=MONTHS_AHEAD {
        let Some(next) = next_month(&month) else {
            break;
        };
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF audit_log FOR VALUES FROM ('{month}') TO ('{next}')",
            partition_name(&month)
        );
        let made = db
            .write(move |tx| {
                Box::pin(async move {
                    tx.execute_script("SET LOCAL lock_timeout = '5s'").await?;
                    tx.execute_script(&sql).await
                })
            })
            .await;
        if let Err(e) = made {
            tracing::warn!(month = %month, error = %e, "audit log: no partition for this month");
        }
        month = next;
    }
    Ok(())
}

/// Runs [`keep_ahead`] twice a day for as long as the server lives.
pub fn spawn_keeper(db: Db) {
    if db.backend() != Backend::Postgres {
        return;
    }
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(12 * 3600));
        every.tick().await; // start-up already made them
        loop {
            every.tick().await;
            if let Err(e) = keep_ahead(&db).await {
                tracing::warn!(error = %e, "audit log: could not prepare next months' partitions");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_the_year() {
        assert_eq!(next_month("2026-11").as_deref(), Some("2026-12"));
        assert_eq!(next_month("2026-12").as_deref(), Some("2027-01"));
        assert_eq!(next_month("2026-13"), None);
        assert_eq!(next_month("nonsense"), None);
        assert_eq!(month_of("2026-12-01T00:00:00.000Z"), "2026-12");
    }

    #[test]
    fn partition_names_round_trip() {
        assert_eq!(partition_name("2026-12"), "audit_log_2026_12");
        assert_eq!(
            partition_month("audit_log_2026_12").as_deref(),
            Some("2026-12")
        );
        assert_eq!(partition_month("audit_log_default"), None);
        assert_eq!(partition_month("audit_log_20_12"), None);
    }
}
