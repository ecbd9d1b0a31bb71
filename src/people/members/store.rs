//! Reads and writes of Party members, each bounded by a scope; every staff read is
//! noted for the audit log.

use super::model::{Member, MemberForm};
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Row, Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::people::kinds::{Coded, MemberStatus};
use crate::people::list::{ListQuery, Where};
use crate::people::registry::{self, Record};
use crate::people::rows::{MemberRow, TableRow};
use crate::text;
use crate::units::store as units;

impl Record for Member {
    const ENTITY: audit::Entity = audit::Entity::Member;
    const ALIAS: &'static str = "m";
    const FROM: &'static str = "FROM members m";
    const SELECT: &'static str = "SELECT m.*, v.name AS village_name, c.name AS cell_name, \
                      hh.head_name AS household_head, hh.code AS household_code FROM members m \
                      JOIN units v ON v.id = m.village_id LEFT JOIN cells c ON c.id = m.cell_id \
                      LEFT JOIN households hh ON hh.id = m.household_id";
    type Stored = MemberRow;

    fn from_row(r: &Row) -> AppResult<Member> {
        Ok(Member {
            stored: MemberRow::from_row(r)?,
            village_name: r.str("village_name")?,
            cell_name: r.opt_str("cell_name")?,
            household_label: match (r.opt_str("household_head")?, r.opt_str("household_code")?) {
                (Some(head), Some(code)) => Some(format!("{head} · {code}")),
                _ => None,
            },
        })
    }

    fn stored(&self) -> &MemberRow {
        &self.stored
    }
}

fn order_by(sort: &str) -> &'static str {
    match sort {
        "updated" => "m.updated_at DESC, m.id",
        "birth_year" => "m.birth_year, m.id",
        _ => "m.name_key, m.id",
    }
}

pub struct Page {
    pub items: Vec<Member>,
    pub total: i64,
    /// How many of every status the same search finds, in [`MemberStatus::ALL`] order:
    /// the default list (active + exempt) says what its count is made of.
    pub by_status: Vec<(MemberStatus, i64)>,
}

fn filtered(scope: &Scope, q: &ListQuery) -> Where {
    let mut w = registry::scoped::<Member>(scope);
    w.filters(q, "m.", MemberStatus::Active, ("name_folded", text::fold));
    w
}

pub async fn list(tx: &mut Tx, scope: &Scope, q: &ListQuery) -> AppResult<Page> {
    let mut q = q.clone();
    let mut w = registry::scoped::<Member>(scope);
    // "active" lists of members include the exempt: they are still members of the cell.
    if q.status.is_empty() {
        q.status = "all".into();
        w.and("m.status IN ('active', 'exempt')", []);
    }
    w.filters(&q, "m.", MemberStatus::Active, ("name_folded", text::fold));
    let every = filtered(
        scope,
        &ListQuery {
            status: "all".into(),
            ..q.clone()
        },
    );
    let counted = tx
        .fetch_all(
            &format!(
                "SELECT m.status, COUNT(*) AS n FROM members m WHERE {} GROUP BY m.status",
                every.sql
            ),
            &every.args,
        )
        .await?;
    let mut by_status = Vec::new();
    for st in MemberStatus::ALL {
        let mut n = 0;
        for r in &counted {
            if r.str("status")? == st.code() {
                n = r.i64("n")?;
            }
        }
        by_status.push((*st, n));
    }
    let p = registry::page(tx, scope, &w, &q, order_by(&q.sort)).await?;
    Ok(Page {
        items: p.items,
        total: p.total,
        by_status,
    })
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Member> {
    registry::one(tx, scope, registry::scoped::<Member>(scope), id).await
}

/// Checks the village, the cell and the member's own household all lie in the scope and in
/// one commune. Returns (village, cell id, household id). A reference outside the scope gets
/// the very answer a reference to nothing gets, so that the answer says nothing of records
/// the user may not see.
async fn places(
    tx: &mut Tx,
    scope: &Scope,
    f: &MemberForm,
) -> AppResult<(units::Unit, Option<String>, Option<String>)> {
    let village = registry::village_for_write(
        tx,
        scope,
        &f.village_id,
        "Cần chọn thôn nơi đảng viên cư trú, trong các thôn bạn quản lý",
    )
    .await?;
    let commune = village.commune_id.clone().unwrap_or_default();
    let cell = reference(
        tx,
        scope,
        ("cells", "cell_id"),
        &f.cell_id,
        &commune,
        "Không tìm thấy chi bộ này trong xã, ở các thôn bạn quản lý",
    )
    .await?;
    let household = reference(
        tx,
        scope,
        ("households", "household_id"),
        &f.household_id,
        &commune,
        "Không tìm thấy hộ gia đình này trong xã, ở các thôn bạn quản lý",
    )
    .await?;
    Ok((village, cell, household))
}

/// The id typed in `field`, if any, once it is known to name a row of `table` (cells or
/// households) in `commune`, in a village where the scope keeps the registry; otherwise
/// `missing`, whether the row is out of scope or does not exist.
async fn reference(
    tx: &mut Tx,
    scope: &Scope,
    (table, field): (&'static str, &str),
    typed: &str,
    commune: &str,
    missing: &str,
) -> AppResult<Option<String>> {
    let id = typed.trim();
    if id.is_empty() {
        return Ok(None);
    }
    let mut w = Where::registry_scope(scope, "village_id");
    w.and("id = ? AND commune_id = ?", [id.into(), commune.into()]);
    let n = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM {table} WHERE {}", w.sql),
            &w.args,
        )
        .await?;
    if n == 0 {
        return Err(AppError::invalid(field, missing));
    }
    Ok(Some(id.to_owned()))
}

pub async fn create(
    tx: &mut WriteTx,
    scope: &Scope,
    f: &MemberForm,
    secret: &str,
    cid_on: bool,
) -> AppResult<Member> {
    let (village, cell, household) = places(tx, scope, f).await?;
    let d = f.validate(secret, cid_on).map_err(AppError::Validation)?;
    let commune_id = village.commune_id.clone().unwrap_or_default();
    let mut row = d.new_row(clock::new_id(), &commune_id, &village.id, &clock::now());
    row.cell_id = cell;
    row.household_id = household;
    registry::insert(tx, scope, &row).await
}

pub async fn update(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    f: &MemberForm,
    secret: &str,
    cid_on: bool,
) -> AppResult<Member> {
    let before = get(tx, scope, id).await?;
    let (village, cell, household) = places(tx, scope, f).await?;
    registry::same_commune(&village, &before.commune_id, "đảng viên")?;
    let d = f.validate(secret, cid_on).map_err(AppError::Validation)?;
    let changed = registry::changed(&[
        ("village_id", village.id != before.village_id),
        ("cell_id", cell != before.cell_id),
        ("full_name", d.full_name != before.full_name),
        ("sex", d.sex != before.sex),
        ("birth_year", d.birth_year != before.birth_year),
        ("phone", d.phone != before.phone),
        ("status", d.status != before.status),
        ("household_id", household != before.household_id),
        ("citizen_id", d.citizen_id.is_some()),
    ]);
    registry::edit(tx, scope, before, &changed, |row| {
        d.write_over(row);
        row.village_id = village.id.clone();
        row.cell_id = cell;
        row.household_id = household;
    })
    .await
}

/// Sets a member's status (moved, deceased, exempt, active); members are never deleted.
pub async fn set_status(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    status: &str,
) -> AppResult<Member> {
    let before = get(tx, scope, id).await?;
    let mut form = before.to_form();
    form.status = status.to_owned();
    update(tx, scope, id, &form, "", false).await
}
