//! Export of the registry to XLSX: Vietnamese sort order, a title row naming the unit
//! and the date, only what the user may see (registries are for the roles that keep
//! them), every export audit-logged as a read of the records it holds.
//!
//! The headers are the import's own, so an exported file imports back unchanged.

use super::xlsx::{self, Out};
use crate::audit;
use crate::auth::Scope;
use crate::db::{Tx, Value};
use crate::error::{AppError, AppResult};
use crate::people::kinds::{HouseholdStatus, MemberStatus, SupportCategory};
use crate::people::list::Where;
use crate::units::store::Unit;
use crate::web::i18n::Lang;
use time::OffsetDateTime;

pub const HOUSEHOLD_HEADERS: &[&str] = &[
    "Mã hộ",
    "Họ và tên chủ hộ",
    "Thôn",
    "Xóm",
    "Ngõ",
    "Số nhà",
    "Số điện thoại",
    "Số nhân khẩu",
    "Diện hỗ trợ",
    "Vĩ độ",
    "Kinh độ",
    "Tình trạng",
    "Ngày cập nhật",
];

pub const MEMBER_HEADERS: &[&str] = &[
    "Họ và tên",
    "Thôn",
    "Chi bộ",
    "Giới tính",
    "Năm sinh",
    "Số điện thoại",
    "Trạng thái",
    "Ngày cập nhật",
];

/// A stored time → its date in Vietnam, as a date cell.
fn ymd(ts: &str) -> Out {
    match crate::clock::stored_vietnam_date(ts) {
        Some(d) => Out::Date(d.year() as u16, u8::from(d.month()), d.day()),
        None => Out::Blank,
    }
}

fn text(s: String) -> Out {
    if s.is_empty() {
        Out::Blank
    } else {
        Out::Text(s)
    }
}

/// "02/03/2026": the export is dated by Vietnam's calendar, not UTC's.
fn today_vi(now: OffsetDateTime) -> String {
    let d = crate::clock::vietnam_date(now);
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn scoped(scope: &Scope, unit: &Unit, village_col: &str) -> AppResult<Where> {
    if !scope.can_keep_registry_at(&unit.path)
        && !scope
            .registry_paths()
            .iter()
            .any(|p| p.starts_with(&unit.path))
    {
        return Err(AppError::Forbidden);
    }
    let mut w = Where::registry_scope(scope, village_col);
    w.and(
        &format!("{village_col} IN (SELECT id FROM units WHERE path >= ? AND path < ?)"),
        [
            Value::from(unit.path.as_str()),
            Value::from(format!("{}~", unit.path)),
        ],
    );
    Ok(w)
}

fn file_name(kind: &str, unit: &Unit, now: OffsetDateTime) -> String {
    let slug: String = crate::text::fold(&unit.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let d = crate::clock::vietnam_date(now);
    format!(
        "{kind}-{slug}-{}-{:02}-{:02}.xlsx",
        d.year(),
        u8::from(d.month()),
        d.day()
    )
}

/// (file name, bytes).
/// `now` dates the title and the file name (the handler passes the clock's time).
pub async fn households(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    now: OffsetDateTime,
) -> AppResult<(String, Vec<u8>)> {
    let w = scoped(scope, unit, "h.village_id")?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT h.id, h.commune_id, h.code, h.head_name, v.name AS village_name, h.xom, h.ngo, h.house_no, h.phone, h.size, \
                 h.support_categories, h.latitude, h.longitude, h.status, h.updated_at \
                 FROM households h JOIN units v ON v.id = h.village_id WHERE {} \
                 ORDER BY v.name COLLATE vi, h.name_key, h.id",
                w.sql
            ),
            &w.args,
        )
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.str("id")?);
        let support = SupportCategory::decode(&r.str("support_categories")?)
            .iter()
            .map(|c| c.label(Lang::Vi))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(vec![
            text(r.str("code")?),
            text(r.str("head_name")?),
            text(r.str("village_name")?),
            text(r.str("xom")?),
            text(r.str("ngo")?),
            text(r.str("house_no")?),
            text(r.opt_str("phone")?.unwrap_or_default()),
            r.opt_i64("size")?
                .map_or(Out::Blank, |n| Out::Number(n as f64)),
            text(support),
            r.opt_f64("latitude")?.map_or(Out::Blank, Out::Number),
            r.opt_f64("longitude")?.map_or(Out::Blank, Out::Number),
            // The words the pages use for the status.
            text(
                HouseholdStatus::parse(&r.str("status")?)
                    .unwrap_or(HouseholdStatus::Active)
                    .label(Lang::Vi)
                    .to_owned(),
            ),
            ymd(&r.str("updated_at")?),
        ]);
    }
    let commune = rows.first().map(|r| r.str("commune_id")).transpose()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        commune.as_deref(),
        ids.iter().map(String::as_str),
    );
    let title = format!(
        "DANH SÁCH HỘ GIA ĐÌNH — {} — ngày {}",
        unit.name,
        today_vi(now)
    );
    let bytes = xlsx::write("Hộ gia đình", &title, HOUSEHOLD_HEADERS, &out)?;
    Ok((file_name("ho-gia-dinh", unit, now), bytes))
}

pub async fn members(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    now: OffsetDateTime,
) -> AppResult<(String, Vec<u8>)> {
    let w = scoped(scope, unit, "m.village_id")?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT m.id, m.commune_id, m.full_name, v.name AS village_name, c.name AS cell_name, m.sex, m.birth_year, \
                 m.phone, m.status, m.updated_at \
                 FROM members m JOIN units v ON v.id = m.village_id LEFT JOIN cells c ON c.id = m.cell_id WHERE {} \
                 ORDER BY v.name COLLATE vi, m.name_key, m.id",
                w.sql
            ),
            &w.args,
        )
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.str("id")?);
        out.push(vec![
            text(r.str("full_name")?),
            text(r.str("village_name")?),
            text(r.opt_str("cell_name")?.unwrap_or_default()),
            text(
                match r.opt_str("sex")?.as_deref() {
                    Some("M") => "Nam",
                    Some("F") => "Nữ",
                    _ => "",
                }
                .to_owned(),
            ),
            r.opt_i64("birth_year")?
                .map_or(Out::Blank, |n| Out::Number(n as f64)),
            text(r.opt_str("phone")?.unwrap_or_default()),
            text(MemberStatus::label_vi_of(&r.str("status")?).to_owned()),
            ymd(&r.str("updated_at")?),
        ]);
    }
    let commune = rows.first().map(|r| r.str("commune_id")).transpose()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        commune.as_deref(),
        ids.iter().map(String::as_str),
    );
    let title = format!(
        "DANH SÁCH ĐẢNG VIÊN — {} — ngày {}",
        unit.name,
        today_vi(now)
    );
    let bytes = xlsx::write("Đảng viên", &title, MEMBER_HEADERS, &out)?;
    Ok((file_name("dang-vien", unit, now), bytes))
}
