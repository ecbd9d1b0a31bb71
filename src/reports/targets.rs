//! What a unit aims at, per indicator: a province's board sets targets for all its
//! communes; a commune's committee may set its own, which stand in place of the
//! province's indicator by indicator. A share is kept in per mille, a count as is.

use std::collections::HashMap;

use super::indicators::{Indicator, Shown, Targets};
use crate::auth::Scope;
use crate::clock;
use crate::db::{Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::Unit;

/// The indicators a target can be set for: the ones a unit works towards (not the
/// registry's size, nor money).
pub fn settable() -> Vec<Indicator> {
    use Indicator as I;
    Indicator::ALL
        .into_iter()
        .filter(|i| {
            !matches!(
                i,
                I::Households
                    | I::Members
                    | I::CampaignTargeted
                    | I::StagesLate
                    | I::PetitionsReopened
                    | I::PetitionsReceived
                    | I::FundingReceived
                    | I::FundingSpent
            )
        })
        .collect()
}

async fn stored(tx: &mut Tx, unit_id: &str) -> AppResult<Targets> {
    let mut out = Targets::new();
    for r in tx
        .fetch_all(
            "SELECT indicator, value FROM report_targets WHERE unit_id = ?",
            &[unit_id.into()],
        )
        .await?
    {
        if let Some(i) = Indicator::parse(&r.str("indicator")?) {
            out.insert(i, r.i64("value")?);
        }
    }
    Ok(out)
}

/// The targets that apply to `unit`: its province's, overlaid by its own.
pub async fn of(tx: &mut Tx, unit: &Unit) -> AppResult<Targets> {
    let mut out = match super::cutoff::province_of(tx, unit).await? {
        Some(p) if p != unit.id => stored(tx, &p).await?,
        _ => Targets::new(),
    };
    out.extend(stored(tx, &unit.id).await?);
    Ok(out)
}

/// The unit's own targets only (what its form edits).
pub async fn own(tx: &mut Tx, unit: &Unit) -> AppResult<Targets> {
    stored(tx, &unit.id).await
}

/// Reads a posted target: "95" or "95,5" (%) for a share, "1.200" for a count; empty
/// for none.
pub fn parse(i: Indicator, raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim().trim_end_matches('%').trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match i.shown() {
        Shown::ShareOf(_) | Shown::OnTimeShare => {
            let v: f64 = raw.replace(',', ".").parse().map_err(|_| {
                format!(
                    "\"{}\": nhập tỉ lệ phần trăm, vd. 95 hoặc 95,5",
                    i.label_vi()
                )
            })?;
            if !(0.0..=100.0).contains(&v) {
                return Err(format!("\"{}\": tỉ lệ từ 0 đến 100%", i.label_vi()));
            }
            Ok(Some((v * 10.0).round() as i64))
        }
        Shown::Count | Shown::Money => {
            let v: i64 = raw
                .replace('.', "")
                .parse()
                .map_err(|_| format!("\"{}\": nhập một số nguyên, vd. 1.200", i.label_vi()))?;
            if !(0..=1_000_000_000).contains(&v) {
                return Err(format!("\"{}\": số không hợp lệ", i.label_vi()));
            }
            Ok(Some(v))
        }
    }
}

/// Checks every posted target (`code` → text); the first refusal names its indicator.
pub fn check(posted: &HashMap<String, String>) -> AppResult<Targets> {
    let mut out = Targets::new();
    for i in settable() {
        let raw = posted.get(i.code()).map(String::as_str).unwrap_or("");
        match parse(i, raw) {
            Ok(Some(v)) => {
                out.insert(i, v);
            }
            Ok(None) => {}
            Err(m) => return Err(AppError::invalid(i.code(), m)),
        }
    }
    Ok(out)
}

/// Replaces the unit's own targets: its own office (the author of its reports).
pub async fn save(tx: &mut WriteTx, scope: &Scope, unit: &Unit, t: &Targets) -> AppResult<()> {
    if super::store::side_of(scope, unit) != Some(super::workflow::Side::Author) {
        return Err(AppError::NotFound);
    }
    tx.execute(
        "DELETE FROM report_targets WHERE unit_id = ?",
        &[unit.id.clone().into()],
    )
    .await?;
    let now = clock::now();
    for (i, v) in t {
        tx.execute(
            "INSERT INTO report_targets (unit_id, indicator, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
            &[
                unit.id.clone().into(),
                i.code().into(),
                (*v).into(),
                scope.user_id().into(),
                now.clone().into(),
            ],
        )
        .await?;
    }
    crate::audit::did(
        tx,
        scope,
        crate::audit::Action::Update,
        crate::audit::Entity::ReportSettings,
        &unit.id,
        (unit.kind == "commune").then_some(unit.id.as_str()),
        serde_json::json!({ "targets": t.len() }),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percent_and_counts_as_numbers() {
        assert_eq!(parse(Indicator::Reached, "95,5"), Ok(Some(955)));
        assert_eq!(parse(Indicator::Reached, "90%"), Ok(Some(900)));
        assert_eq!(parse(Indicator::Contacts, "1.200"), Ok(Some(1200)));
        assert_eq!(parse(Indicator::Contacts, ""), Ok(None));
        assert!(parse(Indicator::Reached, "120").is_err());
        assert!(parse(Indicator::EventsHeld, "ba")
            .unwrap_err()
            .contains("Hội nghị"));
    }
}
