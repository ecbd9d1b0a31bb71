//! The stored name-order keys (`name_key`, see `text::sort_key_of`) of households and
//! members. Every write sets them through the typed rows; this fills rows stored before
//! the column existed, and recomputes all of them when the collation data compiled into
//! the binary changes (`text::SORT_KEY_VERSION` differs from the one they were made with).

use super::rows::{HouseholdRow, MemberRow, TableRow};
use crate::auth::Scope;
use crate::db::{Value, WriteTx};
use crate::error::AppResult;
use crate::text::SORT_KEY_VERSION;

/// A row whose list order is kept as a stored key.
trait NameKeyed: TableRow {
    fn name_key(&self) -> String;
}

impl NameKeyed for HouseholdRow {
    fn name_key(&self) -> String {
        HouseholdRow::name_key(self)
    }
}

impl NameKeyed for MemberRow {
    fn name_key(&self) -> String {
        MemberRow::name_key(self)
    }
}

/// Start-up, after the migrations: the rows (re)keyed.
pub async fn fill(tx: &mut WriteTx, _system: &Scope) -> AppResult<usize> {
    let made_with = tx
        .fetch_optional(
            "SELECT value FROM settings WHERE key = 'sort_key_version'",
            &[],
        )
        .await?
        .map(|r| r.str("value"))
        .transpose()?;
    let all = made_with.as_deref() != Some(SORT_KEY_VERSION);
    let n = refill::<HouseholdRow>(tx, all).await? + refill::<MemberRow>(tx, all).await?;
    if all {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('sort_key_version', ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[SORT_KEY_VERSION.into()],
        )
        .await?;
    }
    Ok(n)
}

async fn refill<R: NameKeyed>(tx: &mut WriteTx, all: bool) -> AppResult<usize> {
    let which = if all { "" } else { " WHERE name_key = ''" };
    let rows = tx
        .fetch_all(&format!("SELECT * FROM {}{which}", R::TABLE), &[])
        .await?;
    let update = format!(
        "UPDATE {} SET name_key = ? WHERE commune_id = ? AND id = ?",
        R::TABLE
    );
    for r in &rows {
        let row = R::from_row(r)?;
        tx.execute(
            &update,
            &[
                row.name_key().into(),
                Value::from(row.commune_id()),
                Value::from(row.id()),
            ],
        )
        .await?;
    }
    Ok(rows.len())
}
