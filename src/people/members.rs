//! Party members: the "1" of 1+10.

use serde::{Deserialize, Serialize};

use super::list::{ListQuery, Where};
use super::validate;
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult, Collector, FieldError};
use crate::text;
use crate::units::store as units;

/// active; exempt (miễn sinh hoạt: takes no households, theirs are covered by others);
/// moved; deceased.
pub const STATUSES: &[&str] = &["active", "exempt", "moved", "deceased"];

pub fn status_label(status: &str, en: bool) -> &'static str {
    match (status, en) {
        ("active", false) => "Đang sinh hoạt",
        ("exempt", false) => "Miễn sinh hoạt",
        ("moved", false) => "Đã chuyển đi",
        ("deceased", false) => "Đã từ trần",
        ("active", true) => "Active",
        ("exempt", true) => "Exempt",
        ("moved", true) => "Moved away",
        ("deceased", true) => "Deceased",
        _ => "?",
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub village_name: String,
    pub cell_id: Option<String>,
    pub cell_name: Option<String>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub phone: Option<String>,
    pub status: String,
    pub household_id: Option<String>,
    /// "Nguyễn Văn An · BN0039": the member's own household as people know it.
    pub household_label: Option<String>,
    pub citizen_id_masked: Option<String>,
    pub updated_at: String,
}

impl Member {
    fn from_row(r: &Row) -> AppResult<Member> {
        Ok(Member {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            village_name: r.str("village_name")?,
            cell_id: r.opt_str("cell_id")?,
            cell_name: r.opt_str("cell_name")?,
            full_name: r.str("full_name")?,
            family_name: r.str("family_name")?,
            middle_name: r.str("middle_name")?,
            given_name: r.str("given_name")?,
            sex: r.opt_str("sex")?,
            birth_year: r.opt_i64("birth_year")?,
            phone: r.opt_str("phone")?,
            status: r.str("status")?,
            household_id: r.opt_str("household_id")?,
            household_label: match (r.opt_str("household_head")?, r.opt_str("household_code")?) {
                (Some(head), Some(code)) => Some(format!("{head} · {code}")),
                _ => None,
            },
            citizen_id_masked: r.opt_str("citizen_id_masked")?,
            updated_at: r.str("updated_at")?,
        })
    }

    pub fn to_form(&self) -> MemberForm {
        MemberForm {
            village_id: self.village_id.clone(),
            cell_id: self.cell_id.clone().unwrap_or_default(),
            full_name: self.full_name.clone(),
            sex: self.sex.clone().unwrap_or_default(),
            birth_year: self.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            status: self.status.clone(),
            household_id: self.household_id.clone().unwrap_or_default(),
            citizen_id: String::new(),
            ..MemberForm::default()
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub village_id: String,
    pub cell_id: String,
    pub full_name: String,
    pub sex: String,
    pub birth_year: String,
    pub phone: String,
    pub status: String,
    pub household_id: String,
    pub citizen_id: String,
    /// The household picker's search text (code or head's name) and its button: the
    /// form comes back with the matches of the member's village to choose from.
    pub household_q: String,
    pub find_household: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub village_id: Option<String>,
    pub cell_id: Option<String>,
    pub full_name: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub phone: Option<String>,
    pub status: Option<String>,
    pub household_id: Option<String>,
    pub citizen_id: Option<String>,
}

impl MemberInput {
    pub fn apply(self, f: &mut MemberForm) {
        let set = |dst: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *dst = v;
            }
        };
        set(&mut f.village_id, self.village_id);
        set(&mut f.cell_id, self.cell_id);
        set(&mut f.full_name, self.full_name);
        set(&mut f.sex, self.sex);
        set(&mut f.birth_year, self.birth_year.map(|v| v.to_string()));
        set(&mut f.phone, self.phone);
        set(&mut f.status, self.status);
        set(&mut f.household_id, self.household_id);
        set(&mut f.citizen_id, self.citizen_id);
    }
}

/// A validated member, ready to store.
pub struct Draft {
    pub(crate) full_name: String,
    pub(crate) parts: text::NameParts,
    pub(crate) sex: Option<String>,
    pub(crate) birth_year: Option<i64>,
    pub(crate) phone: Option<String>,
    pub(crate) status: String,
    pub(crate) citizen_id: Option<(String, String)>,
}

impl MemberForm {
    pub(crate) fn validate(&self, secret: &str, cid_on: bool) -> Result<Draft, Vec<FieldError>> {
        let mut e = Collector::default();
        let full_name = e.check("full_name", validate::person_name(&self.full_name));
        let this_year = time::OffsetDateTime::now_utc().year() as i64;
        let birth_year = e
            .check(
                "birth_year",
                validate::small_int(&self.birth_year, 1900, this_year - 16, "Năm sinh"),
            )
            .flatten();
        let phone = e.check("phone", validate::phone(&self.phone)).flatten();
        let sex = match self.sex.trim() {
            "" => None,
            s @ ("M" | "F") => Some(s.to_owned()),
            _ => {
                e.push("sex", "Giới tính là M (nam) hoặc F (nữ)");
                None
            }
        };
        let status = if self.status.trim().is_empty() {
            "active"
        } else {
            self.status.trim()
        };
        if !STATUSES.contains(&status) {
            e.push(
                "status",
                "Trạng thái là active, exempt, moved hoặc deceased",
            );
        }
        let citizen_id = if cid_on {
            e.check("citizen_id", validate::citizen_id(&self.citizen_id, secret))
                .flatten()
        } else {
            if !self.citizen_id.trim().is_empty() {
                e.push("citizen_id", "Hệ thống không thu thập số CCCD");
            }
            None
        };
        if !e.is_empty() {
            return Err(e.0);
        }
        let full_name = full_name.unwrap_or_default();
        Ok(Draft {
            parts: text::split_name(&full_name),
            full_name,
            sex,
            birth_year,
            phone,
            status: status.to_owned(),
            citizen_id,
        })
    }
}

const SELECT: &str = "SELECT m.*, v.name AS village_name, c.name AS cell_name, \
                      hh.head_name AS household_head, hh.code AS household_code FROM members m \
                      JOIN units v ON v.id = m.village_id LEFT JOIN cells c ON c.id = m.cell_id \
                      LEFT JOIN households hh ON hh.id = m.household_id";

fn order_by(sort: &str) -> &'static str {
    match sort {
        "updated" => "m.updated_at DESC, m.id",
        "birth_year" => "m.birth_year, m.id",
        _ => "m.given_name COLLATE vi, m.family_name COLLATE vi, m.middle_name COLLATE vi, m.id",
    }
}

pub struct Page {
    pub items: Vec<Member>,
    pub total: i64,
    /// How many of every status the same search finds, in [`STATUSES`] order: the
    /// default list (active + exempt) says what its count is made of.
    pub by_status: Vec<(&'static str, i64)>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, q: &ListQuery) -> AppResult<Page> {
    let mut w = Where::registry_scope(scope, "m.village_id");
    let mut q = q.clone();
    // "active" lists of members include the exempt: they are still members of the cell.
    if q.status.is_empty() {
        q.status = "all".into();
        w.and("m.status IN ('active', 'exempt')", []);
    }
    w.filters(&q, "m.", "active", STATUSES, ("name_folded", text::fold));
    let total = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM members m WHERE {}", w.sql),
            &w.args,
        )
        .await?;
    let mut every = Where::registry_scope(scope, "m.village_id");
    let any_status = ListQuery {
        status: "all".into(),
        ..q.clone()
    };
    every.filters(
        &any_status,
        "m.",
        "active",
        STATUSES,
        ("name_folded", text::fold),
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
    for st in STATUSES {
        let mut n = 0;
        for r in &counted {
            if r.str("status")? == *st {
                n = r.i64("n")?;
            }
        }
        by_status.push((*st, n));
    }
    let mut args = w.args.clone();
    args.push(q.limit().into());
    args.push(q.offset().into());
    let rows = tx
        .fetch_all(
            &format!(
                "{SELECT} WHERE {} ORDER BY {} LIMIT ? OFFSET ?",
                w.sql,
                order_by(&q.sort)
            ),
            &args,
        )
        .await?;
    let items = rows
        .iter()
        .map(Member::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    for m in &items {
        audit::shown(
            tx,
            scope,
            audit::Entity::Member,
            Some(&m.commune_id),
            [m.id.as_str()],
        );
    }
    Ok(Page {
        items,
        total,
        by_status,
    })
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Member> {
    let mut w = Where::registry_scope(scope, "m.village_id");
    w.and("m.id = ?", [Value::from(id)]);
    let row = tx
        .fetch_optional(&format!("{SELECT} WHERE {}", w.sql), &w.args)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = Member::from_row(&row)?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        Some(&m.commune_id),
        [m.id.as_str()],
    );
    Ok(m)
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
    let no_village = || {
        AppError::invalid(
            "village_id",
            "Cần chọn thôn nơi đảng viên cư trú, trong các thôn bạn quản lý",
        )
    };
    let village = units::get(tx, f.village_id.trim())
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
    let commune = village.commune_id.clone().unwrap_or_default();
    let cell = match f.cell_id.trim() {
        "" => None,
        id => {
            if !in_scope(tx, scope, "cells", id, &commune).await? {
                return Err(AppError::invalid(
                    "cell_id",
                    "Không tìm thấy chi bộ này trong xã, ở các thôn bạn quản lý",
                ));
            }
            Some(id.to_owned())
        }
    };
    let household = match f.household_id.trim() {
        "" => None,
        id => {
            if !in_scope(tx, scope, "households", id, &commune).await? {
                return Err(AppError::invalid(
                    "household_id",
                    "Không tìm thấy hộ gia đình này trong xã, ở các thôn bạn quản lý",
                ));
            }
            Some(id.to_owned())
        }
    };
    Ok((village, cell, household))
}

/// Whether row `id` of `table` (cells or households) lies in `commune` and in a village
/// where the scope keeps the registry.
async fn in_scope(
    tx: &mut Tx,
    scope: &Scope,
    table: &'static str,
    id: &str,
    commune: &str,
) -> AppResult<bool> {
    let mut w = Where::registry_scope(scope, "village_id");
    w.and("id = ? AND commune_id = ?", [id.into(), commune.into()]);
    let n = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM {table} WHERE {}", w.sql),
            &w.args,
        )
        .await?;
    Ok(n > 0)
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
    let id = clock::new_id();
    let now = clock::now();
    let commune_id = village.commune_id.clone().unwrap_or_default();
    let (cid_masked, cid_hash) = d.citizen_id.unzip();
    tx.execute(
        "INSERT INTO members (id, commune_id, village_id, cell_id, family_name, middle_name, given_name, full_name, name_folded, \
         sex, birth_year, phone, status, household_id, citizen_id_masked, citizen_id_hash, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            id.clone().into(),
            commune_id.clone().into(),
            village.id.into(),
            cell.into(),
            d.parts.family.into(),
            d.parts.middle.into(),
            d.parts.given.into(),
            d.full_name.clone().into(),
            text::fold(&d.full_name).into(),
            d.sex.into(),
            d.birth_year.into(),
            d.phone.into(),
            d.status.into(),
            household.into(),
            cid_masked.into(),
            cid_hash.into(),
            now.clone().into(),
            now.into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Member,
        &id,
        Some(&commune_id),
        serde_json::json!({}),
    );
    get(tx, scope, &id).await
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
    if village.commune_id.as_deref() != Some(before.commune_id.as_str()) {
        return Err(AppError::invalid(
            "village_id",
            "Chỉ chuyển đảng viên sang thôn khác trong cùng xã",
        ));
    }
    let d = f.validate(secret, cid_on).map_err(AppError::Validation)?;
    let mut changed: Vec<&str> = Vec::new();
    for (name, differs) in [
        ("village_id", village.id != before.village_id),
        ("cell_id", cell != before.cell_id),
        ("full_name", d.full_name != before.full_name),
        ("sex", d.sex != before.sex),
        ("birth_year", d.birth_year != before.birth_year),
        ("phone", d.phone != before.phone),
        ("status", d.status != before.status),
        ("household_id", household != before.household_id),
        ("citizen_id", d.citizen_id.is_some()),
    ] {
        if differs {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        return Ok(before);
    }
    let (cid_masked, cid_hash) = d.citizen_id.unzip();
    tx.execute(
        "UPDATE members SET village_id = ?, cell_id = ?, family_name = ?, middle_name = ?, given_name = ?, full_name = ?, name_folded = ?, \
         sex = ?, birth_year = ?, phone = ?, status = ?, household_id = ?, citizen_id_masked = COALESCE(?, citizen_id_masked), \
         citizen_id_hash = COALESCE(?, citizen_id_hash), updated_at = ? WHERE id = ?",
        &[
            village.id.into(),
            cell.into(),
            d.parts.family.into(),
            d.parts.middle.into(),
            d.parts.given.into(),
            d.full_name.clone().into(),
            text::fold(&d.full_name).into(),
            d.sex.into(),
            d.birth_year.into(),
            d.phone.into(),
            d.status.into(),
            household.into(),
            cid_masked.into(),
            cid_hash.into(),
            clock::now().into(),
            id.into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Member,
        id,
        Some(&before.commune_id),
        serde_json::json!({ "fields": changed }),
    );
    get(tx, scope, id).await
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
