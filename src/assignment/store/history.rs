//! Who looked after a household, and when.

use super::*;

const HISTORY: &str = "SELECT a.id AS plan_id, a.version, a.approved_at, a.superseded_at, p.member_id, m.full_name \
     FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id JOIN members m ON m.id = p.member_id \
     JOIN households h ON h.id = p.household_id";

fn history_row(r: &Row) -> AppResult<HistoryRow> {
    Ok(HistoryRow {
        plan_id: r.str("plan_id")?,
        version: r.i64("version")?,
        member_id: r.str("member_id")?,
        member_name: r.str("full_name")?,
        approved_at: r.str("approved_at")?,
        superseded_at: r.opt_str("superseded_at")?,
    })
}

/// Who looked after a household, plan by plan (approved plans only), newest first.
/// Registry keepers only: a member sees their own households, not their history.
pub async fn household_history(
    tx: &mut Tx,
    scope: &Scope,
    household_id: &str,
) -> AppResult<Vec<HistoryRow>> {
    let (f, mut args) = unit_filter("h.village_id", &scope.registry_paths());
    let mut all = vec![Value::from(household_id)];
    all.append(&mut args);
    tx.fetch_all(
        &format!("{HISTORY} WHERE p.household_id = ? AND a.approved_at IS NOT NULL AND {f} ORDER BY a.approved_at DESC"),
        &all,
    )
    .await?
    .iter()
    .map(history_row)
    .collect()
}

/// Who looked after household `household_id` at `at`: a stored UTC time, or a date
/// (`YYYY-MM-DD`, Vietnam) meaning the end of that day. The plan in force then is the
/// one with approved_at ≤ at < superseded_at.
pub async fn responsible_at(
    tx: &mut Tx,
    scope: &Scope,
    household_id: &str,
    at: &str,
) -> AppResult<Option<HistoryRow>> {
    let moment = moment(at)?;
    let (f, mut args) = unit_filter("h.village_id", &scope.registry_paths());
    let mut all: Vec<Value> = vec![household_id.into(), moment.clone().into(), moment.into()];
    all.append(&mut args);
    tx.fetch_optional(
        &format!(
            "{HISTORY} WHERE p.household_id = ? AND a.approved_at IS NOT NULL AND a.approved_at <= ? \
             AND (a.superseded_at IS NULL OR a.superseded_at > ?) AND {f} ORDER BY a.approved_at DESC LIMIT 1"
        ),
        &all,
    )
    .await?
    .as_ref()
    .map(history_row)
    .transpose()
}

fn moment(at: &str) -> AppResult<String> {
    let at = at.trim();
    if clock::parse(at).is_some() {
        return Ok(at.to_owned());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(at, &fmt).map_err(|_| {
        AppError::invalid("date", "Ngày phải có dạng năm-tháng-ngày, ví dụ 2026-11-30")
    })?;
    let end = d
        .with_hms_milli(23, 59, 59, 999)
        .map_err(|_| AppError::invalid("date", "Ngày không hợp lệ"))?
        .assume_offset(clock::VIETNAM);
    Ok(clock::stamp(end))
}
