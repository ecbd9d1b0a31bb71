//! Where a province keeps its reporting cut-off day: the `settings` row
//! `report_cutoff_day:<province id>`. Without one, periods are calendar periods.

use super::period::CutOff;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

fn key(province_id: &str) -> String {
    format!("report_cutoff_day:{province_id}")
}

/// The province on a unit's path (`/vn/p-33/c-12280/…/`), or the unit itself: the path's
/// units are read by id, a handful of key reads.
pub async fn province_of(tx: &mut Tx, unit: &Unit) -> AppResult<Option<String>> {
    if unit.kind == "province" {
        return Ok(Some(unit.id.clone()));
    }
    let ids: Vec<Value> = unit
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(Value::from)
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    let marks = vec!["?"; ids.len()].join(", ");
    tx.fetch_optional(
        &format!("SELECT id FROM units WHERE id IN ({marks}) AND kind = 'province'"),
        &ids,
    )
    .await?
    .map(|r| r.str("id"))
    .transpose()
}

/// The cut-off day that periods of `unit` are counted with: its province's.
pub async fn cutoff_for(tx: &mut Tx, unit: &Unit) -> AppResult<CutOff> {
    let Some(province) = province_of(tx, unit).await? else {
        return Ok(CutOff::CALENDAR);
    };
    of_province(tx, &province).await
}

/// A province's cut-off day, by its id (one key read: the contact write asks it).
pub async fn of_province(tx: &mut Tx, province_id: &str) -> AppResult<CutOff> {
    let stored = tx
        .fetch_optional(
            "SELECT value FROM settings WHERE key = ?",
            &[key(province_id).into()],
        )
        .await?;
    Ok(stored
        .and_then(|r| r.str("value").ok())
        .and_then(|v| v.trim().parse::<u8>().ok())
        .and_then(|d| CutOff::new(d).ok())
        .unwrap_or(CutOff::CALENDAR))
}

/// Sets a province's cut-off day: its Mass Mobilisation Board (a supervisor's grant on
/// the province) or the administrator.
pub async fn set_cutoff(
    tx: &mut WriteTx,
    scope: &Scope,
    province_id: &str,
    day: u8,
) -> AppResult<CutOff> {
    let cutoff = CutOff::new(day).map_err(|m| AppError::invalid("cutoff_day", m))?;
    let province = units::get(tx, province_id).await?;
    if province.kind != "province"
        || !scope.covers(&[Role::Supervisor, Role::Admin], &province.path)
    {
        return Err(AppError::NotFound);
    }
    let before = of_province(tx, province_id).await?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[key(province_id).into(), day.to_string().into()],
    )
    .await?;
    // Distinct reach in the province's own periods is kept by markers of that day: a new
    // day makes them again from the contacts, in this same unit of work.
    if before != cutoff {
        let communes: Vec<String> = tx
            .fetch_all(
                "SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?",
                &[
                    province.path.clone().into(),
                    format!("{}~", province.path).into(),
                ],
            )
            .await?
            .iter()
            .map(|r| r.str("id"))
            .collect::<AppResult<_>>()?;
        for c in communes {
            crate::contacts::recount::rebuild_cutoff(tx, &c, cutoff).await?;
        }
    }
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Unit,
        province_id,
        None,
        serde_json::json!({ "report_cutoff_day": day }),
    );
    Ok(cutoff)
}
