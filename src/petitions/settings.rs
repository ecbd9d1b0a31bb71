//! The reference data petitions run on: the holiday table (the administrator's), and per
//! province the categories and the deadlines (its Mass Mobilisation Board's, or the
//! administrator's).

use serde::Serialize;
use time::Date;

use super::model::{self, Stage};
use super::workdays::{Calendar, DayKind, MAX_DAYS};
use crate::audit;
use crate::auth::Scope;
use crate::contacts::model::{day_text, parse_day};
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult, FieldError};

pub use crate::units::store::province_of;

/// The whole holiday table as a calendar (a few dozen rows a year).
pub async fn calendar(tx: &mut Tx) -> AppResult<Calendar> {
    let rows = tx
        .fetch_all("SELECT day, kind FROM petition_holidays", &[])
        .await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in &rows {
        if let (Some(d), Some(k)) = (parse_day(&r.str("day")?), DayKind::parse(&r.str("kind")?)) {
            days.push((d, k));
        }
    }
    Ok(Calendar::new(days))
}

/// The deadline of `stage` in the province, for `category`: the category's own, else the
/// province's, else the default.
pub async fn deadline(tx: &mut Tx, province: &str, stage: Stage, category: &str) -> AppResult<i64> {
    let rows = tx
        .fetch_all(
            "SELECT category, days FROM petition_deadlines WHERE province_id = ? AND stage = ? AND category IN ('', ?)",
            &[province.into(), stage.code().into(), category.into()],
        )
        .await?;
    let mut general = None;
    for r in &rows {
        if r.str("category")? == category && !category.is_empty() {
            return r.i64("days");
        }
        general = Some(r.i64("days")?);
    }
    Ok(general.unwrap_or_else(|| stage.default_days()))
}

/// One day of the holiday table.
#[derive(Debug, Clone, Serialize)]
pub struct Holiday {
    pub day: String,
    pub kind: String,
    pub name: String,
}

impl Holiday {
    pub fn kind_label(&self) -> &'static str {
        DayKind::parse(&self.kind).map_or("", DayKind::label_vi)
    }
}

pub async fn holidays(tx: &mut Tx, year: i32) -> AppResult<Vec<Holiday>> {
    tx.fetch_all(
        "SELECT day, kind, name FROM petition_holidays WHERE day >= ? AND day < ? ORDER BY day",
        &[
            format!("{year:04}-01-01").into(),
            format!("{:04}-01-01", year + 1).into(),
        ],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Holiday {
            day: r.str("day")?,
            kind: r.str("kind")?,
            name: r.str("name")?,
        })
    })
    .collect()
}

/// Adds or changes one day of the table (`kind` off or work), or removes it (`remove`).
pub async fn save_holiday(
    tx: &mut WriteTx,
    scope: &Scope,
    day: &str,
    kind: &str,
    name: &str,
    remove: bool,
) -> AppResult<Date> {
    let d = parse_day(day).ok_or_else(|| {
        AppError::invalid(
            "day",
            format!(
                "Ngày \"{}\" chưa đúng; ghi theo dạng ngày/tháng/năm",
                day.trim()
            ),
        )
    })?;
    if remove {
        tx.execute(
            "DELETE FROM petition_holidays WHERE day = ?",
            &[day_text(d).into()],
        )
        .await?;
    } else {
        let kind = DayKind::parse(kind)
            .ok_or_else(|| AppError::invalid("kind", "Cần chọn: ngày nghỉ hoặc ngày làm bù"))?;
        let name = crate::text::clean(name);
        if name.is_empty() || name.chars().count() > 120 {
            return Err(AppError::invalid(
                "name",
                "Cần ghi tên ngày (tối đa 120 ký tự)",
            ));
        }
        tx.execute(
            "INSERT INTO petition_holidays (day, kind, name, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            &[
                day_text(d).into(),
                kind.code().into(),
                name.into(),
                scope.user_id().into(),
                crate::clock::now().into(),
            ],
        )
        .await?;
    }
    audit::did(
        tx,
        scope,
        if remove {
            audit::Action::Update
        } else {
            audit::Action::Create
        },
        audit::Entity::PetitionSettings,
        &format!("holiday:{}", day_text(d)),
        None,
        serde_json::json!({ "removed": remove }),
    );
    Ok(d)
}

/// One category as a province uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub code: String,
    pub label: String,
}

/// The province's categories in use: its own list once it has one, else the defaults.
/// `with_retired` keeps the retired ones (old petitions still name them).
pub async fn categories(
    tx: &mut Tx,
    province: &str,
    with_retired: bool,
) -> AppResult<Vec<Category>> {
    let rows = tx
        .fetch_all(
            "SELECT code, label, retired FROM petition_categories WHERE province_id = ? ORDER BY position",
            &[province.into()],
        )
        .await?;
    if rows.is_empty() {
        return Ok(model::DEFAULT_CATEGORIES
            .iter()
            .map(|(c, l)| Category {
                code: (*c).into(),
                label: (*l).into(),
            })
            .collect());
    }
    let mut out = Vec::new();
    for r in &rows {
        if with_retired || r.i64("retired")? == 0 {
            out.push(Category {
                code: r.str("code")?,
                label: r.str("label")?,
            });
        }
    }
    Ok(out)
}

/// The label of a stored category code; the code itself if the province never had it.
pub fn category_label(code: &str, list: &[Category]) -> String {
    list.iter()
        .find(|c| c.code == code)
        .map(|c| c.label.clone())
        .or_else(|| {
            model::DEFAULT_CATEGORIES
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, l)| (*l).to_owned())
        })
        .unwrap_or_else(|| code.to_owned())
}

/// One category of the settings form: its code (empty for a new one), label, whether it
/// is retired, and its own deadline per stage as typed (empty: the province's).
#[derive(Debug, Clone, Default)]
pub struct CategoryEdit {
    pub code: String,
    pub label: String,
    pub retired: bool,
    pub days: Vec<(Stage, String)>,
}

impl CategoryEdit {
    /// The typed deadline of `stage`, for showing the form again.
    pub fn days_of(&self, stage: &Stage) -> &str {
        self.days
            .iter()
            .find(|(s, _)| s == stage)
            .map_or("", |(_, d)| d.as_str())
    }
}

/// The province's settings form as saved: the category list (the last row empty for a
/// new one) and the four deadlines of the province.
pub struct SettingsEdit {
    pub categories: Vec<CategoryEdit>,
    pub days: Vec<(Stage, String)>,
}

/// A typed deadline: a whole number of working days from 1 to `MAX_DAYS`.
fn parse_days(raw: &str) -> Option<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_DAYS).contains(n))
}

/// Every category's own deadlines, by code: what the settings page shows.
pub async fn category_deadlines(
    tx: &mut Tx,
    province: &str,
) -> AppResult<Vec<(String, Stage, i64)>> {
    let rows = tx
        .fetch_all(
            "SELECT category, stage, days FROM petition_deadlines WHERE province_id = ? AND category <> ''",
            &[province.into()],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(stage) = Stage::parse(&r.str("stage")?) {
            out.push((r.str("category")?, stage, r.i64("days")?));
        }
    }
    Ok(out)
}

/// Replaces the province's categories and deadlines as one action. Codes are kept for
/// life; a category is retired, never deleted.
pub async fn save_settings(
    tx: &mut WriteTx,
    scope: &Scope,
    province: &str,
    edit: &SettingsEdit,
) -> AppResult<()> {
    let mut errors = Vec::new();
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    let mut own_days: Vec<(String, Stage, Option<i64>)> = Vec::new();
    for cat in &edit.categories {
        let (code, retired) = (&cat.code, &cat.retired);
        let label = crate::text::clean(&cat.label);
        if label.is_empty() {
            if code.is_empty() {
                continue;
            }
            errors.push(FieldError::new(
                "label",
                "Tên lĩnh vực không được để trống; muốn bỏ thì chọn \"Thôi dùng\"",
            ));
            continue;
        }
        if label.chars().count() > 80 {
            errors.push(FieldError::new("label", "Tên lĩnh vực dài quá 80 ký tự"));
            continue;
        }
        let code = if code.is_empty() {
            crate::text::fold(&label).replace(' ', "_")
        } else {
            code.clone()
        };
        if rows.iter().any(|(c, _, _)| *c == code) {
            errors.push(FieldError::new(
                "label",
                format!("Lĩnh vực \"{label}\" bị trùng"),
            ));
            continue;
        }
        for (stage, raw) in &cat.days {
            if raw.trim().is_empty() {
                own_days.push((code.clone(), *stage, None));
            } else if let Some(n) = parse_days(raw) {
                own_days.push((code.clone(), *stage, Some(n)));
            } else {
                errors.push(FieldError::new(
                    &format!("cat_{}", stage.code()),
                    format!(
                        "Thời hạn \"{}\" của lĩnh vực \"{label}\" cần là số ngày làm việc từ 1 đến {MAX_DAYS}, hoặc để trống để theo thời hạn chung",
                        stage.label_vi()
                    ),
                ));
            }
        }
        rows.push((code, label, *retired));
    }
    if errors.is_empty() && rows.iter().all(|(_, _, r)| *r) {
        errors.push(FieldError::new(
            "label",
            "Cần giữ ít nhất một lĩnh vực đang dùng",
        ));
    }
    let mut days = Vec::new();
    for (stage, raw) in &edit.days {
        match parse_days(raw) {
            Some(n) => days.push((*stage, n)),
            None => errors.push(FieldError::new(
                &format!("days_{}", stage.code()),
                format!(
                    "Thời hạn \"{}\" cần là số ngày làm việc từ 1 đến {MAX_DAYS}",
                    stage.label_vi()
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    tx.execute(
        "UPDATE petition_categories SET retired = 1 WHERE province_id = ?",
        &[province.into()],
    )
    .await?;
    for (position, (code, label, retired)) in rows.iter().enumerate() {
        tx.execute(
            "INSERT INTO petition_categories (province_id, code, label, position, retired) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (province_id, code) DO UPDATE SET label = excluded.label, position = excluded.position, retired = excluded.retired",
            &[
                province.into(),
                code.clone().into(),
                label.clone().into(),
                (position as i64).into(),
                Value::from(*retired),
            ],
        )
        .await?;
    }
    for (stage, n) in &days {
        tx.execute(
            "INSERT INTO petition_deadlines (province_id, stage, category, days) VALUES (?, ?, '', ?) \
             ON CONFLICT (province_id, stage, category) DO UPDATE SET days = excluded.days",
            &[province.into(), stage.code().into(), (*n).into()],
        )
        .await?;
    }
    for (code, stage, n) in &own_days {
        match n {
            Some(n) => {
                tx.execute(
                    "INSERT INTO petition_deadlines (province_id, stage, category, days) VALUES (?, ?, ?, ?) \
                     ON CONFLICT (province_id, stage, category) DO UPDATE SET days = excluded.days",
                    &[province.into(), stage.code().into(), code.clone().into(), (*n).into()],
                )
                .await?;
            }
            None => {
                tx.execute(
                    "DELETE FROM petition_deadlines WHERE province_id = ? AND stage = ? AND category = ?",
                    &[province.into(), stage.code().into(), code.clone().into()],
                )
                .await?;
            }
        }
    }
    let own = own_days.iter().filter(|d| d.2.is_some()).count();
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::PetitionSettings,
        province,
        None,
        serde_json::json!({ "categories": rows.len(), "deadlines": days.len(), "category_deadlines": own }),
    );
    Ok(())
}
