//! Party cells (chi bộ). A village cell usually matches one village.

use serde::{Deserialize, Serialize};

use super::list::Where;
use super::rows::{CellRow, TableRow};
use super::validate;
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Row, Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::text;
use crate::units::store as units;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cell {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub village_name: String,
    pub name: String,
    pub active_members: i64,
}

impl Cell {
    fn from_row(r: &Row) -> AppResult<Cell> {
        Ok(Cell {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            village_name: r.str("village_name")?,
            name: r.str("name")?,
            active_members: r.i64("active_members")?,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CellForm {
    pub village_id: String,
    pub name: String,
}

pub async fn list(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Cell>> {
    let w = Where::registry_scope(scope, "c.village_id");
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT c.id, c.commune_id, c.village_id, v.name AS village_name, c.name, \
                 (SELECT COUNT(*) FROM members m WHERE m.cell_id = c.id AND m.status = 'active') AS active_members \
                 FROM cells c JOIN units v ON v.id = c.village_id WHERE c.active = 1 AND {} ORDER BY c.name COLLATE vi, c.id",
                w.sql
            ),
            &w.args,
        )
        .await?;
    rows.iter().map(Cell::from_row).collect()
}

pub async fn create(tx: &mut WriteTx, scope: &Scope, f: &CellForm) -> AppResult<Cell> {
    // Outside the scope is answered as "no such village": the answer tells nothing more.
    let no_village = || {
        AppError::invalid(
            "village_id",
            "Cần chọn thôn của chi bộ, trong các thôn bạn quản lý",
        )
    };
    let village = units::get(tx, f.village_id.trim())
        .await
        .map_err(|_| no_village())?;
    if village.kind != "village" || !scope.can_keep_registry_at(&village.path) {
        return Err(no_village());
    }
    let name = validate::short_text(&f.name, 100, "Tên chi bộ")
        .map_err(|m| AppError::invalid("name", m))?;
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "Cần nhập tên chi bộ, vd. Chi bộ thôn Bằng Ngang",
        ));
    }
    let commune_id = village.commune_id.clone().unwrap_or_default();
    let dup = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM cells WHERE commune_id = ? AND name_folded = ? AND active = 1",
            &[commune_id.clone().into(), text::fold(&name).into()],
        )
        .await?;
    if dup > 0 {
        return Err(AppError::invalid("name", format!("Xã đã có \"{name}\"")));
    }
    let id = clock::new_id();
    let row = CellRow::new(&id, &commune_id, &village.id, &name, &clock::now());
    tx.insert_many(CellRow::TABLE, CellRow::COLUMNS, &[row.values()])
        .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Cell,
        &id,
        Some(&commune_id),
        serde_json::json!({}),
    );
    list(tx, scope)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| AppError::internal("new cell not visible"))
}
