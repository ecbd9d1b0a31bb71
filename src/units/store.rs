//! Queries on the unit tree. Units are public administrative facts, not personal data:
//! any signed-in staff member may read them; creating villages needs a grant.

use serde::Serialize;

use super::naming;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::text;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: String,
    pub kind: String,
    pub code: Option<String>,
    pub name: String,
    pub unit_type: Option<String>,
    pub parent_id: Option<String>,
    #[serde(skip)]
    pub path: String,
    pub commune_id: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// A unit as named by a person or a script: its id, an official code, or
/// `commune-code/Village name`.
pub type UnitRef<'a> = &'a str;

const COLS: &str =
    "id, kind, code, name, unit_type, parent_id, path, commune_id, valid_from, valid_to";

impl Unit {
    fn from_row(r: &Row) -> AppResult<Unit> {
        Ok(Unit {
            id: r.str("id")?,
            kind: r.str("kind")?,
            code: r.opt_str("code")?,
            name: r.str("name")?,
            unit_type: r.opt_str("unit_type")?,
            parent_id: r.opt_str("parent_id")?,
            path: r.str("path")?,
            commune_id: r.opt_str("commune_id")?,
            valid_from: r.opt_str("valid_from")?,
            valid_to: r.opt_str("valid_to")?,
        })
    }

    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }

    /// The tree level's own word, when the catalogue names no kind.
    fn generic_kind(&self, en: bool) -> &'static str {
        match (self.kind.as_str(), en) {
            ("country", false) => "Quốc gia",
            ("province", false) => "Tỉnh",
            ("district", false) => "Huyện",
            ("commune", false) => "Xã",
            ("village", false) => "Thôn",
            ("country", true) => "Country",
            ("province", true) => "Province",
            ("district", true) => "District",
            ("commune", true) => "Commune",
            _ => "Village",
        }
    }

    /// The catalogue's kind of this unit: "Phường", "Thị trấn", "Xã", "Thôn"…
    pub fn kind_label(&self, en: bool) -> String {
        let vi = naming::kind_vi(
            &self.name,
            self.unit_type.as_deref(),
            self.generic_kind(false),
        );
        if en {
            naming::kind_en(&vi, self.generic_kind(true)).to_owned()
        } else {
            vi
        }
    }

    /// The unit as every page names it: "Xã Lương Bằng", "Phường Đường Hào",
    /// "Thôn Bằng Ngang" — its kind once.
    pub fn display_name(&self) -> String {
        naming::display_name(&self.name, &self.kind_label(false))
    }
}

pub async fn get(tx: &mut Tx, id: &str) -> AppResult<Unit> {
    let row = tx
        .fetch_optional(
            &format!("SELECT {COLS} FROM units WHERE id = ?"),
            &[id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    Unit::from_row(&row)
}

/// Resolves an id, an official code (current unit first), or `code/Village name`.
pub async fn resolve(tx: &mut Tx, reference: &str) -> AppResult<Unit> {
    let reference = reference.trim();
    if let Some((code, village)) = reference.split_once('/') {
        let commune = Box::pin(resolve(tx, code)).await?;
        let row = tx
            .fetch_optional(
                &format!(
                    "SELECT {COLS} FROM units WHERE parent_id = ? AND kind = 'village' AND name_folded = ? AND valid_to IS NULL"
                ),
                &[commune.id.clone().into(), text::fold(village).into()],
            )
            .await?;
        return match row {
            Some(r) => Unit::from_row(&r),
            None => Err(AppError::BadRequest(format!(
                "Không có thôn \"{}\" trong {}",
                text::clean(village),
                commune.name
            ))),
        };
    }
    if let Some(r) = tx
        .fetch_optional(
            &format!("SELECT {COLS} FROM units WHERE id = ?"),
            &[reference.into()],
        )
        .await?
    {
        return Unit::from_row(&r);
    }
    let row = tx
        .fetch_optional(
            &format!(
                "SELECT {COLS} FROM units WHERE code = ? ORDER BY CASE WHEN valid_to IS NULL THEN 0 ELSE 1 END, \
                 CASE kind WHEN 'commune' THEN 0 WHEN 'province' THEN 1 ELSE 2 END LIMIT 1"
            ),
            &[reference.into()],
        )
        .await?;
    match row {
        Some(r) => Unit::from_row(&r),
        None => Err(AppError::BadRequest(format!(
            "Không tìm thấy đơn vị \"{reference}\". Dùng mã đơn vị (vd. 12280) hoặc mã xã/tên thôn (vd. 12280/Bằng Ngang)."
        ))),
    }
}

pub async fn children(tx: &mut Tx, parent_id: &str, include_history: bool) -> AppResult<Vec<Unit>> {
    let history = if include_history {
        ""
    } else {
        " AND valid_to IS NULL"
    };
    let rows = tx
        .fetch_all(
            &format!("SELECT {COLS} FROM units WHERE parent_id = ?{history} ORDER BY name COLLATE vi, id"),
            &[parent_id.into()],
        )
        .await?;
    rows.iter().map(Unit::from_row).collect()
}

/// Units under `root` (its whole subtree), current ones only, in tree order.
pub async fn subtree(tx: &mut Tx, root: &Unit, limit: i64) -> AppResult<Vec<Unit>> {
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {COLS} FROM units WHERE path >= ? AND path < ? AND valid_to IS NULL ORDER BY path LIMIT ?"
            ),
            &[root.path.clone().into(), format!("{}~", root.path).into(), limit.into()],
        )
        .await?;
    rows.iter().map(Unit::from_row).collect()
}

pub async fn ancestors(tx: &mut Tx, unit: &Unit) -> AppResult<Vec<Unit>> {
    let ids: Vec<&str> = unit.path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    for id in &ids[..ids.len().saturating_sub(1)] {
        out.push(get(tx, id).await?);
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineageLink {
    pub kind: String,
    pub is_default: bool,
    pub effective_on: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_code: Option<String>,
}

impl LineageLink {
    pub fn kind_key(&self) -> &'static str {
        match self.kind.as_str() {
            "split" => "kind_split",
            "renamed" => "kind_renamed",
            _ => "kind_merged",
        }
    }
}

/// Predecessors (`incoming`) and successors of a unit through merges, splits and renames.
pub async fn lineage(tx: &mut Tx, unit_id: &str, incoming: bool) -> AppResult<Vec<LineageLink>> {
    let (mine, other) = if incoming {
        ("to_unit_id", "from_unit_id")
    } else {
        ("from_unit_id", "to_unit_id")
    };
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT l.kind, l.is_default, l.effective_on, u.id, u.name, u.code FROM unit_lineage l \
                 JOIN units u ON u.id = l.{other} WHERE l.{mine} = ? ORDER BY u.name COLLATE vi"
            ),
            &[unit_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LineageLink {
                kind: r.str("kind")?,
                is_default: r.bool("is_default")?,
                effective_on: r.str("effective_on")?,
                unit_id: r.str("id")?,
                unit_name: r.str("name")?,
                unit_code: r.opt_str("code")?,
            })
        })
        .collect()
}

/// Creates a village in a commune. The commune committee (or an admin) does this.
pub async fn create_village(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &Unit,
    name: &str,
) -> AppResult<Unit> {
    if commune.kind != "commune" || !commune.is_current() {
        return Err(AppError::invalid(
            "commune",
            "Thôn phải thuộc một xã đang có hiệu lực",
        ));
    }
    if !scope.covers(&[Role::CommuneCommittee, Role::Admin], &commune.path) {
        return Err(AppError::Forbidden);
    }
    let name = text::clean(name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "Tên thôn cần từ 1 đến 100 ký tự"));
    }
    let exists = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM units WHERE parent_id = ? AND kind = 'village' AND name_folded = ? AND valid_to IS NULL",
            &[commune.id.clone().into(), text::fold(&name).into()],
        )
        .await?;
    if exists > 0 {
        return Err(AppError::Conflict(format!(
            "{} đã có thôn {name}",
            commune.name
        )));
    }
    let id = clock::new_id();
    let path = format!("{}{id}/", commune.path);
    tx.execute(
        "INSERT INTO units (id, kind, code, name, name_folded, unit_type, parent_id, path, commune_id, valid_from, valid_to, created_at) \
         VALUES (?, 'village', NULL, ?, ?, 'Thôn', ?, ?, ?, ?, NULL, ?)",
        &[
            id.clone().into(),
            name.clone().into(),
            text::fold(&name).into(),
            commune.id.clone().into(),
            path.into(),
            commune.id.clone().into(),
            Value::Text(clock::now()[..10].to_owned()),
            clock::now().into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Unit,
        &id,
        Some(&commune.id),
        serde_json::json!({ "kind": "village" }),
    );
    get(tx, &id).await
}

/// Villages of a commune that the scope may keep registries for.
pub async fn villages_in_scope(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let (filter, args) = crate::auth::scope::unit_filter("id", &scope.registry_paths());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {COLS} FROM units WHERE kind = 'village' AND valid_to IS NULL AND {filter} ORDER BY name COLLATE vi, id"
            ),
            &args,
        )
        .await?;
    rows.iter().map(Unit::from_row).collect()
}

/// The province on a unit's path (`/vn/p-33/c-12280/…/`): the path's units are looked up
/// by id, a handful of key reads, rather than searched for by path range.
pub async fn province_of(tx: &mut Tx, path: &str) -> AppResult<String> {
    let ids: Vec<Value> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(Value::from)
        .collect();
    if ids.is_empty() {
        return Ok(String::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    Ok(tx
        .fetch_optional(
            &format!("SELECT id FROM units WHERE id IN ({marks}) AND kind = 'province'"),
            &ids,
        )
        .await?
        .map(|r| r.str("id"))
        .transpose()?
        .unwrap_or_default())
}
