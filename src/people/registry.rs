//! What every registry's store does the same way: scoped lists and lookups, the village a
//! record is written to, what an edit changed, and the audit notes. Households and
//! members implement [`Record`]; a new registry implements it too instead of copying.

use super::list::{ListQuery, Where};
use super::rows::TableRow;
use crate::audit;
use crate::auth::Scope;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// A registry's record as its pages and the API show it.
pub trait Record: Sized {
    const ENTITY: audit::Entity;
    /// The table's alias in [`Record::SELECT`] (`h`, `m`): filters name `<alias>.<column>`.
    const ALIAS: &'static str;
    /// `FROM <table> <alias>`, for counts.
    const FROM: &'static str;
    /// `SELECT … FROM <table> <alias> JOIN …`: the record with the names its pages show.
    const SELECT: &'static str;
    /// The table row it is stored as.
    type Stored: TableRow;

    fn from_row(r: &Row) -> AppResult<Self>;
    fn stored(&self) -> &Self::Stored;

    fn id(&self) -> &str {
        self.stored().id()
    }

    fn commune_id(&self) -> &str {
        self.stored().commune_id()
    }
}

/// One page of a list, and how many the whole list holds.
pub struct Page<R> {
    pub items: Vec<R>,
    pub total: i64,
}

/// `<alias>.<column>` of a record's table.
pub fn col<R: Record>(column: &str) -> String {
    format!("{}.{column}", R::ALIAS)
}

/// The rows the scope keeps the registry for: the start of every read.
pub fn scoped<R: Record>(scope: &Scope) -> Where {
    Where::registry_scope_keyed(scope, &col::<R>("village_id"), &col::<R>("commune_id"))
}

fn shown<R: Record>(tx: &mut Tx, scope: &Scope, items: &[R]) {
    for r in items {
        audit::shown(tx, scope, R::ENTITY, Some(r.commune_id()), [r.id()]);
    }
}

/// One page of the records `w` keeps, in `order`; noted as shown.
pub async fn page<R: Record>(
    tx: &mut Tx,
    scope: &Scope,
    w: &Where,
    q: &ListQuery,
    order: &str,
) -> AppResult<Page<R>> {
    let total = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) {} WHERE {}", R::FROM, w.sql),
            &w.args,
        )
        .await?;
    let mut args = w.args.clone();
    args.push(q.limit().into());
    args.push(q.offset().into());
    // The page's ids first, from the list indexes alone; then only those rows, whole.
    let id = col::<R>("id");
    let sql = format!(
        "{} WHERE {id} IN (SELECT {id} {} WHERE {} ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
        R::SELECT,
        R::FROM,
        w.sql
    );
    let items = tx
        .fetch_all(&sql, &args)
        .await?
        .iter()
        .map(R::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    shown(tx, scope, &items);
    Ok(Page { items, total })
}

/// The record `id` among those `w` keeps; noted as shown. Outside them it is not found,
/// like a record that does not exist: the answer leaks nothing.
pub async fn one<R: Record>(tx: &mut Tx, scope: &Scope, mut w: Where, id: &str) -> AppResult<R> {
    w.and(&format!("{} = ?", col::<R>("id")), [Value::from(id)]);
    let row = tx
        .fetch_optional(&format!("{} WHERE {}", R::SELECT, w.sql), &w.args)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = R::from_row(&row)?;
    shown(tx, scope, std::slice::from_ref(&r));
    Ok(r)
}

/// Stores a new record and reads it back as its pages show it; noted as created.
pub async fn insert<R: Record>(tx: &mut WriteTx, scope: &Scope, row: &R::Stored) -> AppResult<R> {
    tx.insert_many(
        <R::Stored as TableRow>::TABLE,
        <R::Stored as TableRow>::COLUMNS,
        &[row.values()],
    )
    .await?;
    let r: R = one(tx, scope, scoped::<R>(scope), row.id()).await?;
    did(tx, scope, audit::Action::Create, &r, serde_json::json!({}));
    Ok(r)
}

/// Writes `row` over `before` (the same record, as the scope read it), notes `action`
/// with `detail`, and reads the record back.
pub async fn rewrite<R: Record>(
    tx: &mut WriteTx,
    scope: &Scope,
    before: &R,
    row: &R::Stored,
    action: audit::Action,
    detail: serde_json::Value,
) -> AppResult<R> {
    tx.execute(&<R::Stored as TableRow>::update_sql(), &row.update_args())
        .await?;
    did(tx, scope, action, before, detail);
    one(tx, scope, scoped::<R>(scope), before.id()).await
}

/// An edit of `before`: when no field changed, nothing is written; otherwise `change`
/// makes the new row, which is written and noted as an update naming `changed`.
pub async fn edit<R: Record>(
    tx: &mut WriteTx,
    scope: &Scope,
    before: R,
    changed: &[&'static str],
    change: impl FnOnce(&mut R::Stored),
) -> AppResult<R> {
    if changed.is_empty() {
        return Ok(before);
    }
    let mut row = before.stored().clone();
    change(&mut row);
    row.touch(crate::clock::now());
    let detail = serde_json::json!({ "fields": changed });
    rewrite(tx, scope, &before, &row, audit::Action::Update, detail).await
}

/// The village a record is written to: current, and one where the scope keeps the
/// registry. Outside the scope gets `no_village`, the answer an unknown id gets.
pub async fn village_for_write(
    tx: &mut Tx,
    scope: &Scope,
    village_id: &str,
    no_village: &str,
) -> AppResult<Unit> {
    let no_village = || AppError::invalid("village_id", no_village);
    let village = units::get(tx, village_id.trim())
        .await
        .map_err(|_| no_village())?;
    if !scope.can_keep_registry_at(&village.path) {
        return Err(no_village());
    }
    if village.kind != "village" || !village.is_current() {
        return Err(AppError::invalid(
            "village_id",
            "Cần chọn một thôn đang có hiệu lực",
        ));
    }
    Ok(village)
}

/// A record moves between villages of its commune only: the commune is its tenant.
pub fn same_commune(village: &Unit, commune_id: &str, what: &str) -> AppResult<()> {
    if village.commune_id.as_deref() != Some(commune_id) {
        return Err(AppError::invalid(
            "village_id",
            format!("Chỉ chuyển {what} sang thôn khác trong cùng xã"),
        ));
    }
    Ok(())
}

/// The names of the fields an edit changed, for the audit note (empty: nothing to save).
pub fn changed(fields: &[(&'static str, bool)]) -> Vec<&'static str> {
    fields
        .iter()
        .filter(|(_, differs)| *differs)
        .map(|(name, _)| *name)
        .collect()
}

/// Notes what the unit of work did to a record.
pub fn did<R: Record>(
    tx: &mut Tx,
    scope: &Scope,
    action: audit::Action,
    r: &R,
    detail: serde_json::Value,
) {
    audit::did(
        tx,
        scope,
        action,
        R::ENTITY,
        r.id(),
        Some(r.commune_id()),
        detail,
    );
}
