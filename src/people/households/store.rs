//! Reads and writes of households, each bounded by a scope; every staff read is noted
//! for the audit log.

use super::model::{Draft, Household, HouseholdForm};
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::people::address;
use crate::people::kinds::HouseholdStatus;
use crate::people::list::ListQuery;
use crate::people::registry::{self, Page, Record};
use crate::people::rows::{HouseholdRow, TableRow};
use crate::text;
use crate::units::store as units;

impl Record for Household {
    const ENTITY: audit::Entity = audit::Entity::Household;
    const ALIAS: &'static str = "h";
    const FROM: &'static str = "FROM households h";
    const SELECT: &'static str =
        "SELECT h.*, v.name AS village_name FROM households h JOIN units v ON v.id = h.village_id";
    type Stored = HouseholdRow;

    fn from_row(r: &Row) -> AppResult<Household> {
        Ok(Household {
            stored: HouseholdRow::from_row(r)?,
            village_name: r.str("village_name")?,
        })
    }

    fn stored(&self) -> &HouseholdRow {
        &self.stored
    }
}

fn order_by(sort: &str) -> &'static str {
    match sort {
        "code" => "h.code, h.id",
        "address" => "h.xom COLLATE vi, h.ngo COLLATE vi, h.house_no, h.id",
        "updated" => "h.updated_at DESC, h.id",
        _ => "h.name_key, h.id",
    }
}

/// One page of the households the scope may see; the read is audit-logged.
pub async fn list(tx: &mut Tx, scope: &Scope, q: &ListQuery) -> AppResult<Page<Household>> {
    let mut w = registry::scoped::<Household>(scope);
    // Code, head's name and address as the page shows them, so "BN0039" and "xom chua" match.
    w.filters(
        q,
        "h.",
        HouseholdStatus::Active,
        ("search_folded", address::search_key),
    );
    registry::page(tx, scope, &w, q, order_by(&q.sort)).await
}

/// One household, if the scope may see it (otherwise not found: existence is not leaked).
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Household> {
    registry::one(tx, scope, registry::scoped::<Household>(scope), id).await
}

/// One household for its detail page: registry keepers within their units, and a member
/// for a household assigned to them in an approved plan (a member's scope, DESIGN.md §1).
/// Audit-logged like every staff read. Writes keep using [`get`] (keepers only).
pub async fn get_for_page(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Household> {
    let mut w = registry::scoped::<Household>(scope);
    // assignment (issue 4)
    if let Some((sql, args)) = crate::assignment::store::assigned_filter(scope, "h.id") {
        w.sql = format!("({} OR {sql})", w.sql);
        w.args.extend(args);
    }
    registry::one(tx, scope, w, id).await
}

async fn village_for_write(
    tx: &mut WriteTx,
    scope: &Scope,
    village_id: &str,
) -> AppResult<units::Unit> {
    if village_id.trim().is_empty() {
        return Err(AppError::invalid("village_id", "Cần chọn thôn"));
    }
    let village =
        registry::village_for_write(tx, scope, village_id, "Cần chọn một thôn bạn quản lý").await?;
    // Codes are given out as "the village's highest + 1": concurrent creates in one
    // village take turns on its row (PostgreSQL; on SQLite the writer is alone).
    if tx.backend() == crate::db::Backend::Postgres {
        tx.fetch_optional(
            "SELECT id FROM units WHERE id = ? FOR UPDATE",
            &[village.id.clone().into()],
        )
        .await?;
    }
    Ok(village)
}

/// The next free code in the village (see [`super::next_code_after`]).
async fn next_code(tx: &mut Tx, village_id: &str) -> AppResult<String> {
    let rows = tx
        .fetch_all(
            "SELECT code FROM households WHERE village_id = ? ORDER BY created_at DESC, id DESC",
            &[village_id.into()],
        )
        .await?;
    let codes: Vec<String> = rows
        .iter()
        .map(|r| r.str("code"))
        .collect::<AppResult<_>>()?;
    Ok(super::next_code_after(&codes))
}

async fn ensure_code_free(
    tx: &mut Tx,
    village_id: &str,
    code: &str,
    except: &str,
) -> AppResult<()> {
    let taken = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM households WHERE village_id = ? AND code = ? AND id <> ?",
            &[village_id.into(), code.into(), except.into()],
        )
        .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "code",
            format!("Mã hộ {code} đã có trong thôn này; hãy dùng mã khác"),
        ));
    }
    Ok(())
}

/// The import's rule for "the same household" (one head, one address), asked on a
/// manual add: refused with field `duplicate` until the person confirms.
async fn warn_if_duplicate(tx: &mut Tx, village_id: &str, d: &Draft) -> AppResult<()> {
    let rows = tx
        .fetch_all(
            "SELECT code, head_name, house_no, ngo, xom FROM households WHERE village_id = ? AND name_folded = ? ORDER BY code",
            &[village_id.into(), text::fold(&d.head_name).into()],
        )
        .await?;
    let key = address::same_household_key(&d.head_name, &d.house_no, &d.ngo, &d.xom);
    for r in &rows {
        let (house_no, ngo, xom) = (r.str("house_no")?, r.str("ngo")?, r.str("xom")?);
        if address::same_household_key(&r.str("head_name")?, &house_no, &ngo, &xom) == key {
            let shown = address::display(&house_no, &ngo, &xom);
            return Err(AppError::invalid(
                "duplicate",
                format!(
                    "Thôn đã có hộ {} (mã {}{}) cùng tên chủ hộ và địa chỉ. Nếu đây đúng là một hộ khác, bấm \"Vẫn thêm\"",
                    r.str("head_name")?,
                    r.str("code")?,
                    if shown.is_empty() { String::new() } else { format!(", {shown}") }
                ),
            ));
        }
    }
    Ok(())
}

pub async fn create(
    tx: &mut WriteTx,
    scope: &Scope,
    form: &HouseholdForm,
    secret: &str,
    cid_on: bool,
) -> AppResult<Household> {
    let village = village_for_write(tx, scope, &form.village_id).await?;
    let d = form
        .validate(secret, cid_on)
        .map_err(AppError::Validation)?;
    if form.confirm_duplicate != "1" {
        warn_if_duplicate(tx, &village.id, &d).await?;
    }
    let code = if d.code.is_empty() {
        next_code(tx, &village.id).await?
    } else {
        d.code.clone()
    };
    ensure_code_free(tx, &village.id, &code, "").await?;
    let commune_id = village.commune_id.clone().unwrap_or_default();
    let row = d.new_row(
        clock::new_id(),
        &commune_id,
        &village.id,
        &code,
        &clock::now(),
    );
    registry::insert(tx, scope, &row).await
}

pub async fn update(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    form: &HouseholdForm,
    secret: &str,
    cid_on: bool,
) -> AppResult<Household> {
    let before = get(tx, scope, id).await?;
    let village = village_for_write(tx, scope, &form.village_id).await?;
    registry::same_commune(&village, &before.commune_id, "hộ")?;
    let d = form
        .validate(secret, cid_on)
        .map_err(AppError::Validation)?;
    let code = if d.code.is_empty() {
        before.code.clone()
    } else {
        d.code.clone()
    };
    ensure_code_free(tx, &village.id, &code, id).await?;
    let changed = registry::changed(&[
        ("village_id", village.id != before.village_id),
        ("code", code != before.code),
        ("head_name", d.head_name != before.head_name),
        ("xom", d.xom != before.xom),
        ("ngo", d.ngo != before.ngo),
        ("house_no", d.house_no != before.house_no),
        (
            "coordinates",
            d.latitude != before.latitude || d.longitude != before.longitude,
        ),
        ("phone", d.phone != before.phone),
        ("size", d.size != before.size),
        ("support_categories", d.support != before.support_categories),
        ("citizen_id", d.citizen_id.is_some()),
    ]);
    registry::edit(tx, scope, before, &changed, |row| {
        d.write_over(row);
        row.village_id = village.id.clone();
        row.code = code;
    })
    .await
}

/// Deactivates (moved away, dissolved) or reactivates; households are never deleted.
pub async fn set_status(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    status: &str,
) -> AppResult<Household> {
    let Some(status) = HouseholdStatus::parse(status) else {
        return Err(AppError::invalid(
            "status",
            "Trạng thái phải là active, moved hoặc dissolved",
        ));
    };
    let before = get(tx, scope, id).await?;
    if before.status == status {
        return Ok(before);
    }
    let mut row = before.stored.clone();
    row.status = status;
    row.touch(clock::now());
    let detail = serde_json::json!({ "status": status.code() });
    registry::rewrite(tx, scope, &before, &row, audit::Action::Status, detail).await
}

/// Fills `search_folded` for rows stored before it existed (start-up, after
/// migrations). The system acts, under the scope it names; no record is shown.
pub async fn fill_search(tx: &mut WriteTx, _system: &Scope) -> AppResult<usize> {
    let rows = tx
        .fetch_all("SELECT * FROM households WHERE search_folded = ''", &[])
        .await?;
    for r in &rows {
        let row = HouseholdRow::from_row(r)?;
        tx.execute(
            "UPDATE households SET search_folded = ? WHERE id = ?",
            &[row.search_folded().into(), Value::from(&row.id)],
        )
        .await?;
    }
    Ok(rows.len())
}
