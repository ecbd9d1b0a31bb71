//! Households: the "10" of 1+10. Scoped reads and writes, every staff read audit-logged.

use serde::{Deserialize, Serialize};

use super::address;
use super::list::{ListQuery, Where};
use super::validate;
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult, Collector, FieldError};
use crate::text;
use crate::units::store as units;

/// Support categories a household may belong to (code, Vietnamese, English).
pub const SUPPORT_CATEGORIES: &[(&str, &str, &str)] = &[
    ("ho_ngheo", "Hộ nghèo", "Poor household"),
    ("can_ngheo", "Hộ cận nghèo", "Near-poor household"),
    (
        "chinh_sach",
        "Gia đình chính sách",
        "Family of merit (policy family)",
    ),
    (
        "cao_tuoi_neo_don",
        "Người cao tuổi neo đơn",
        "Elderly person living alone",
    ),
    (
        "khuyet_tat",
        "Có người khuyết tật",
        "Person with a disability",
    ),
];

pub const STATUSES: &[&str] = &["active", "moved", "dissolved"];

/// The translation key of a status: the words every page and the export use.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "moved" => "status_moved",
        "dissolved" => "status_dissolved",
        _ => "status_active",
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Household {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub village_name: String,
    pub code: String,
    pub head_name: String,
    pub head_family: String,
    pub head_middle: String,
    pub head_given: String,
    pub xom: String,
    pub ngo: String,
    pub house_no: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub size: Option<i64>,
    pub support_categories: Vec<String>,
    /// Masked (`0330******45`); the number itself is never stored.
    pub citizen_id_masked: Option<String>,
    pub status: String,
    pub updated_at: String,
}

impl Household {
    fn from_row(r: &Row) -> AppResult<Household> {
        Ok(Household {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            village_name: r.str("village_name")?,
            code: r.str("code")?,
            head_name: r.str("head_name")?,
            head_family: r.str("head_family")?,
            head_middle: r.str("head_middle")?,
            head_given: r.str("head_given")?,
            xom: r.str("xom")?,
            ngo: r.str("ngo")?,
            house_no: r.str("house_no")?,
            latitude: r.opt_f64("latitude")?,
            longitude: r.opt_f64("longitude")?,
            phone: r.opt_str("phone")?,
            size: r.opt_i64("size")?,
            support_categories: r
                .str("support_categories")?
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            citizen_id_masked: r.opt_str("citizen_id_masked")?,
            status: r.str("status")?,
            updated_at: r.str("updated_at")?,
        })
    }

    pub fn address(&self) -> String {
        address::display(&self.house_no, &self.ngo, &self.xom)
    }

    /// The translation key of the status, for badges.
    pub fn status_key(&self) -> &'static str {
        status_key(&self.status)
    }

    pub fn support_labels(&self) -> String {
        self.support_categories
            .iter()
            .filter_map(|c| {
                SUPPORT_CATEGORIES
                    .iter()
                    .find(|(k, _, _)| k == c)
                    .map(|(_, vi, _)| *vi)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn to_form(&self) -> HouseholdForm {
        HouseholdForm {
            village_id: self.village_id.clone(),
            code: self.code.clone(),
            head_name: self.head_name.clone(),
            xom: self.xom.clone(),
            ngo: self.ngo.clone(),
            house_no: self.house_no.clone(),
            latitude: self.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: self.longitude.map(|v| v.to_string()).unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            size: self.size.map(|v| v.to_string()).unwrap_or_default(),
            support: self.support_categories.clone(),
            citizen_id: String::new(),
            confirm_duplicate: String::new(),
        }
    }
}

/// What a person typed (page form) — every field text, validated by [`HouseholdForm::validate`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdForm {
    pub village_id: String,
    pub code: String,
    pub head_name: String,
    pub xom: String,
    pub ngo: String,
    pub house_no: String,
    pub latitude: String,
    pub longitude: String,
    pub phone: String,
    pub size: String,
    pub support: Vec<String>,
    pub citizen_id: String,
    /// "1": the person saw that the village already has this head at this address and
    /// adds the household all the same ("Vẫn thêm").
    pub confirm_duplicate: String,
}

/// A household as the API receives it. Omitted fields keep their value on update.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    pub village_id: Option<String>,
    pub code: Option<String>,
    pub head_name: Option<String>,
    pub xom: Option<String>,
    pub ngo: Option<String>,
    pub house_no: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub size: Option<i64>,
    pub support_categories: Option<Vec<String>>,
    pub citizen_id: Option<String>,
}

impl HouseholdInput {
    pub fn apply(self, f: &mut HouseholdForm) {
        let set = |dst: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *dst = v;
            }
        };
        set(&mut f.village_id, self.village_id);
        set(&mut f.code, self.code);
        set(&mut f.head_name, self.head_name);
        set(&mut f.xom, self.xom);
        set(&mut f.ngo, self.ngo);
        set(&mut f.house_no, self.house_no);
        set(&mut f.latitude, self.latitude.map(|v| v.to_string()));
        set(&mut f.longitude, self.longitude.map(|v| v.to_string()));
        set(&mut f.phone, self.phone);
        set(&mut f.size, self.size.map(|v| v.to_string()));
        set(&mut f.citizen_id, self.citizen_id);
        if let Some(s) = self.support_categories {
            f.support = s;
        }
    }
}

/// A validated household, ready to store.
pub struct Draft {
    pub(crate) code: String,
    pub(crate) head_name: String,
    pub(crate) parts: text::NameParts,
    pub(crate) xom: String,
    pub(crate) ngo: String,
    pub(crate) house_no: String,
    pub(crate) latitude: Option<f64>,
    pub(crate) longitude: Option<f64>,
    pub(crate) phone: Option<String>,
    pub(crate) size: Option<i64>,
    pub(crate) support: String,
    pub(crate) citizen_id: Option<(String, String)>,
}

impl Draft {
    /// The household's `search_folded` once stored under `code`.
    pub fn search_key(&self, code: &str) -> String {
        address::household_search(code, &self.head_name, &self.house_no, &self.ngo, &self.xom)
    }
}

impl HouseholdForm {
    pub fn validate(
        &self,
        secret: &str,
        citizen_id_enabled: bool,
    ) -> Result<Draft, Vec<FieldError>> {
        let mut e = Collector::default();
        let code = e.check("code", validate::short_text(&self.code, 20, "Mã hộ"));
        let head_name = e.check("head_name", validate::person_name(&self.head_name));
        let xom = e.check("xom", validate::short_text(&self.xom, 60, "Xóm"));
        let ngo = e.check("ngo", validate::short_text(&self.ngo, 60, "Ngõ"));
        let house_no = e.check(
            "house_no",
            validate::short_text(&self.house_no, 20, "Số nhà"),
        );
        let latitude = e
            .check("latitude", validate::coordinate(&self.latitude, true))
            .flatten();
        let longitude = e
            .check("longitude", validate::coordinate(&self.longitude, false))
            .flatten();
        let phone = e.check("phone", validate::phone(&self.phone)).flatten();
        let size = e
            .check(
                "size",
                validate::small_int(&self.size, 1, 50, "Số nhân khẩu"),
            )
            .flatten();
        if self
            .support
            .iter()
            .any(|s| !SUPPORT_CATEGORIES.iter().any(|(k, _, _)| k == s))
        {
            e.push("support", "Diện hỗ trợ không có trong danh mục");
        }
        let citizen_id = if citizen_id_enabled {
            e.check("citizen_id", validate::citizen_id(&self.citizen_id, secret))
                .flatten()
        } else {
            if !self.citizen_id.trim().is_empty() {
                e.push("citizen_id", "Hệ thống không thu thập số CCCD");
            }
            None
        };
        if latitude.is_some() != longitude.is_some() && e.is_empty() {
            e.push(
                "longitude",
                "Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai",
            );
        }
        if !e.is_empty() {
            return Err(e.0);
        }
        let head_name = head_name.unwrap_or_default();
        let mut support: Vec<&str> = SUPPORT_CATEGORIES
            .iter()
            .map(|(k, _, _)| *k)
            .filter(|k| self.support.iter().any(|s| s == k))
            .collect();
        support.dedup();
        Ok(Draft {
            code: code.unwrap_or_default(),
            parts: text::split_name(&head_name),
            head_name,
            // "Xóm Đông" stays as registers write it; the display never doubles it.
            xom: xom.unwrap_or_default(),
            ngo: address::clean_ngo(&ngo.unwrap_or_default()),
            house_no: address::clean_house_no(&house_no.unwrap_or_default()),
            latitude,
            longitude,
            phone,
            size,
            support: support.join(","),
            citizen_id,
        })
    }
}

const SELECT: &str =
    "SELECT h.*, v.name AS village_name FROM households h JOIN units v ON v.id = h.village_id";

fn order_by(sort: &str) -> &'static str {
    match sort {
        "code" => "h.code, h.id",
        "address" => "h.xom COLLATE vi, h.ngo COLLATE vi, h.house_no, h.id",
        "updated" => "h.updated_at DESC, h.id",
        _ => "h.head_given COLLATE vi, h.head_family COLLATE vi, h.head_middle COLLATE vi, h.id",
    }
}

pub struct Page {
    pub items: Vec<Household>,
    pub total: i64,
}

/// One page of the households the scope may see; the read is audit-logged.
pub async fn list(tx: &mut Tx, scope: &Scope, q: &ListQuery) -> AppResult<Page> {
    let mut w = Where::registry_scope(scope, "h.village_id");
    // Code, head's name and address as the page shows them, so "BN0039" and "xom chua" match.
    w.filters(
        q,
        "h.",
        "active",
        STATUSES,
        ("search_folded", address::search_key),
    );
    let total = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM households h WHERE {}", w.sql),
            &w.args,
        )
        .await?;
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
        .map(Household::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    for h in &items {
        audit::shown(
            tx,
            scope,
            audit::Entity::Household,
            Some(&h.commune_id),
            [h.id.as_str()],
        );
    }
    Ok(Page { items, total })
}

/// One household, if the scope may see it (otherwise not found: existence is not leaked).
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Household> {
    let mut w = Where::registry_scope(scope, "h.village_id");
    w.and("h.id = ?", [Value::from(id)]);
    let row = tx
        .fetch_optional(&format!("{SELECT} WHERE {}", w.sql), &w.args)
        .await?
        .ok_or(AppError::NotFound)?;
    let h = Household::from_row(&row)?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        Some(&h.commune_id),
        [h.id.as_str()],
    );
    Ok(h)
}

/// One household for its detail page: registry keepers within their units, and a member
/// for a household assigned to them in an approved plan (a member's scope, DESIGN.md §1).
/// Audit-logged like every staff read. Writes keep using [`get`] (keepers only).
pub async fn get_for_page(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Household> {
    let mut w = Where::registry_scope(scope, "h.village_id");
    // assignment (issue 4)
    if let Some((sql, args)) = crate::assignment::store::assigned_filter(scope, "h.id") {
        w.sql = format!("({} OR {sql})", w.sql);
        w.args.extend(args);
    }
    w.and("h.id = ?", [Value::from(id)]);
    let row = tx
        .fetch_optional(&format!("{SELECT} WHERE {}", w.sql), &w.args)
        .await?
        .ok_or(AppError::NotFound)?;
    let h = Household::from_row(&row)?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        Some(&h.commune_id),
        [h.id.as_str()],
    );
    Ok(h)
}

async fn village_for_write(
    tx: &mut WriteTx,
    scope: &Scope,
    village_id: &str,
) -> AppResult<units::Unit> {
    if village_id.trim().is_empty() {
        return Err(AppError::invalid("village_id", "Cần chọn thôn"));
    }
    // Outside the scope is answered as "no such village": the answer tells nothing more.
    let no_village = || AppError::invalid("village_id", "Cần chọn một thôn bạn quản lý");
    let village = units::get(tx, village_id).await.map_err(|_| no_village())?;
    if !scope.can_keep_registry_at(&village.path) {
        return Err(no_village());
    }
    if village.kind != "village" || !village.is_current() {
        return Err(AppError::invalid(
            "village_id",
            "Cần chọn một thôn đang có hiệu lực",
        ));
    }
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

/// The next free code in the village, following the village's own pattern: after
/// `BN0412` comes `BN0413`; a village without codes starts at `0001`.
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
    Ok(next_code_after(&codes))
}

/// Pure part of [`next_code`]: `codes` newest first.
pub fn next_code_after(codes: &[String]) -> String {
    let split = |c: &str| {
        let digits = c.len() - c.trim_end_matches(|ch: char| ch.is_ascii_digit()).len();
        let (prefix, number) = c.split_at(c.len() - digits);
        (prefix.to_owned(), number.to_owned())
    };
    let (prefix, width) = match codes.first().map(|c| split(c)) {
        Some((p, n)) if !n.is_empty() => (p, n.len()),
        _ => (String::new(), 4),
    };
    let max = codes
        .iter()
        .map(|c| split(c))
        .filter(|(p, n)| *p == prefix && !n.is_empty())
        .filter_map(|(_, n)| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut k = max + 1;
    loop {
        let code = format!("{prefix}{k:0width$}");
        if !codes.contains(&code) {
            return code;
        }
        k += 1;
    }
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
    let mut d = form
        .validate(secret, cid_on)
        .map_err(AppError::Validation)?;
    if form.confirm_duplicate != "1" {
        warn_if_duplicate(tx, &village.id, &d).await?;
    }
    if d.code.is_empty() {
        d.code = next_code(tx, &village.id).await?;
    }
    ensure_code_free(tx, &village.id, &d.code, "").await?;
    let id = clock::new_id();
    let now = clock::now();
    let commune_id = village.commune_id.clone().unwrap_or_default();
    let (cid_masked, cid_hash) = d.citizen_id.clone().unzip();
    tx.execute(
        "INSERT INTO households (id, commune_id, village_id, code, head_family, head_middle, head_given, head_name, name_folded, \
         search_folded, xom, ngo, house_no, latitude, longitude, phone, size, support_categories, citizen_id_masked, citizen_id_hash, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
        &[
            id.clone().into(),
            commune_id.clone().into(),
            village.id.clone().into(),
            d.code.clone().into(),
            d.parts.family.clone().into(),
            d.parts.middle.clone().into(),
            d.parts.given.clone().into(),
            d.head_name.clone().into(),
            text::fold(&d.head_name).into(),
            d.search_key(&d.code).into(),
            d.xom.into(),
            d.ngo.into(),
            d.house_no.into(),
            d.latitude.into(),
            d.longitude.into(),
            d.phone.into(),
            d.size.into(),
            d.support.into(),
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
        audit::Entity::Household,
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
    form: &HouseholdForm,
    secret: &str,
    cid_on: bool,
) -> AppResult<Household> {
    let before = get(tx, scope, id).await?;
    let village = village_for_write(tx, scope, &form.village_id).await?;
    if village.commune_id.as_deref() != Some(before.commune_id.as_str()) {
        return Err(AppError::invalid(
            "village_id",
            "Chỉ chuyển hộ sang thôn khác trong cùng xã",
        ));
    }
    let d = form
        .validate(secret, cid_on)
        .map_err(AppError::Validation)?;
    let code = if d.code.is_empty() {
        before.code.clone()
    } else {
        d.code.clone()
    };
    ensure_code_free(tx, &village.id, &code, id).await?;
    let mut changed = Vec::new();
    let mut track = |name: &'static str, differs: bool| {
        if differs {
            changed.push(name);
        }
    };
    track("village_id", village.id != before.village_id);
    track("code", code != before.code);
    track("head_name", d.head_name != before.head_name);
    track("xom", d.xom != before.xom);
    track("ngo", d.ngo != before.ngo);
    track("house_no", d.house_no != before.house_no);
    track(
        "coordinates",
        d.latitude != before.latitude || d.longitude != before.longitude,
    );
    track("phone", d.phone != before.phone);
    track("size", d.size != before.size);
    track(
        "support_categories",
        d.support != before.support_categories.join(","),
    );
    track("citizen_id", d.citizen_id.is_some());
    if changed.is_empty() {
        return Ok(before);
    }
    // A blank citizen ID on edit keeps the stored one (it is never shown to re-submit).
    let (cid_masked, cid_hash) = d.citizen_id.clone().unzip();
    let search = d.search_key(&code);
    tx.execute(
        "UPDATE households SET village_id = ?, code = ?, head_family = ?, head_middle = ?, head_given = ?, head_name = ?, name_folded = ?, \
         search_folded = ?, xom = ?, ngo = ?, house_no = ?, latitude = ?, longitude = ?, phone = ?, size = ?, support_categories = ?, \
         citizen_id_masked = COALESCE(?, citizen_id_masked), citizen_id_hash = COALESCE(?, citizen_id_hash), updated_at = ? WHERE id = ?",
        &[
            village.id.clone().into(),
            code.into(),
            d.parts.family.clone().into(),
            d.parts.middle.clone().into(),
            d.parts.given.clone().into(),
            d.head_name.clone().into(),
            text::fold(&d.head_name).into(),
            search.into(),
            d.xom.into(),
            d.ngo.into(),
            d.house_no.into(),
            d.latitude.into(),
            d.longitude.into(),
            d.phone.into(),
            d.size.into(),
            d.support.into(),
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
        audit::Entity::Household,
        id,
        Some(&before.commune_id),
        serde_json::json!({ "fields": changed }),
    );
    get(tx, scope, id).await
}

/// Deactivates (moved away, dissolved) or reactivates; households are never deleted.
pub async fn set_status(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    status: &str,
) -> AppResult<Household> {
    if !STATUSES.contains(&status) {
        return Err(AppError::invalid(
            "status",
            "Trạng thái phải là active, moved hoặc dissolved",
        ));
    }
    let before = get(tx, scope, id).await?;
    if before.status == status {
        return Ok(before);
    }
    tx.execute(
        "UPDATE households SET status = ?, updated_at = ? WHERE id = ?",
        &[status.into(), clock::now().into(), id.into()],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Status,
        audit::Entity::Household,
        id,
        Some(&before.commune_id),
        serde_json::json!({ "status": status }),
    );
    get(tx, scope, id).await
}

/// Fills `search_folded` for rows stored before it existed (start-up, after migrations).
pub async fn fill_search(tx: &mut WriteTx) -> AppResult<usize> {
    let rows = tx
        .fetch_all(
            "SELECT id, code, head_name, house_no, ngo, xom FROM households WHERE search_folded = ''",
            &[],
        )
        .await?;
    for r in &rows {
        let key = address::household_search(
            &r.str("code")?,
            &r.str("head_name")?,
            &r.str("house_no")?,
            &r.str("ngo")?,
            &r.str("xom")?,
        );
        tx.execute(
            "UPDATE households SET search_folded = ? WHERE id = ?",
            &[key.into(), r.str("id")?.into()],
        )
        .await?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod code_tests {
    #[test]
    fn codes_follow_the_village_pattern() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::next_code_after(&v(&["BN0412", "BN0007"])), "BN0413");
        assert_eq!(super::next_code_after(&v(&[])), "0001");
        assert_eq!(super::next_code_after(&v(&["T-2", "T-10"])), "T-11");
        assert_eq!(super::next_code_after(&v(&["Nhà ông Ba"])), "0001");
    }
}
