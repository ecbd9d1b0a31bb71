//! The funding ledger in the database: a commune's entries, recording one (refused when
//! its source cannot pay), reversing one, and the per-period totals that supervisors and
//! reports read.
//!
//! Who may do what: the commune committee keeps its commune's ledger; the boards above
//! read totals, never the lines. Communes outside the scope are "not found".

use serde::Serialize;
use time::Date;

use super::model::{self, Direction, EntryDraft, Posted, Source, SourceTotals, Use};
use crate::audit;
use crate::auth::{Role, Scope};
use crate::contacts::model::{day_text, parse_day};
use crate::db::{Backend, Row, Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::reports::period::Period;
use crate::units::store::{self as units, Unit};

/// Who may read the totals of a unit's communes.
pub const SUMMARY_READERS: &[Role] = crate::auth::roles::admits::FUNDING_READERS;

/// The communes whose ledger the scope keeps: its committee grants'.
pub async fn communes_in_scope(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut out: Vec<Unit> = Vec::new();
    for g in scope.grants() {
        if g.role == Role::CommuneCommittee && g.unit_kind == "commune" {
            let u = units::get(tx, &g.unit_id).await?;
            if u.is_current() && !out.iter().any(|o| o.id == u.id) {
                out.push(u);
            }
        }
    }
    Ok(out)
}

/// The commune, if the scope keeps its ledger (`""`: the first one); else "not found".
pub async fn commune_for(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Unit> {
    let all = communes_in_scope(tx, scope).await?;
    match id.trim() {
        "" => all.into_iter().next(),
        id => all.into_iter().find(|c| c.id == id),
    }
    .ok_or(AppError::NotFound)
}

const COLS: &str = "id, commune_id, entry_on, direction, source, use_code, event_id, amount, description, reverses, reason, recorded_by, recorded_at";

fn posted(r: &Row) -> AppResult<Posted> {
    let bad = |what: &str| AppError::internal(format!("stored funding entry: bad {what}"));
    Ok(Posted {
        id: r.str("id")?,
        entry_on: parse_day(&r.str("entry_on")?).ok_or_else(|| bad("entry_on"))?,
        direction: Direction::parse(&r.str("direction")?).ok_or_else(|| bad("direction"))?,
        source: Source::parse(&r.str("source")?).ok_or_else(|| bad("source"))?,
        use_code: r.opt_str("use_code")?.and_then(|u| Use::parse(&u)),
        event_id: r.opt_str("event_id")?,
        amount: r.i64("amount")?,
        description: r.str("description")?,
        reverses: r.opt_str("reverses")?,
        reason: r.opt_str("reason")?,
    })
}

/// Every entry of the commune in ledger order: by date, then as recorded.
pub async fn entries(tx: &mut Tx, commune_id: &str) -> AppResult<Vec<Posted>> {
    tx.fetch_all(
        &format!("SELECT {COLS} FROM funding_entries WHERE commune_id = ? ORDER BY entry_on, recorded_at, id"),
        &[commune_id.into()],
    )
    .await?
    .iter()
    .map(posted)
    .collect()
}

/// The commune's ledger lines in `period`, with the running balances and the period's
/// totals per source.
pub async fn ledger(
    tx: &mut Tx,
    scope: &Scope,
    commune: &Unit,
    period: &Period,
) -> AppResult<(Vec<model::Line>, Vec<SourceTotals>)> {
    let c = commune_for(tx, scope, &commune.id).await?;
    let all = entries(tx, &c.id).await?;
    Ok(model::ledger(all, period.first_day(), period.last_day()))
}

/// One entry with what the page says about it.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub commune: Unit,
    pub entry: Posted,
    pub recorded_at: String,
    pub recorded_by: String,
    /// The reversing entry, if the entry has been reversed: (id, date).
    pub reversed_by: Option<(String, String)>,
    /// The event it paid for: (id, kind, date).
    pub event: Option<(String, String, String)>,
}

/// The entry, if the scope keeps its commune's ledger.
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<EntryView> {
    let row = tx
        .fetch_optional(
            &format!("SELECT {COLS} FROM funding_entries WHERE id = ?"),
            &[id.trim().into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let commune = commune_for(tx, scope, &row.str("commune_id")?).await?;
    let entry = posted(&row)?;
    let recorded_by = tx
        .fetch_optional(
            "SELECT display_name FROM users WHERE id = ?",
            &[row.str("recorded_by")?.into()],
        )
        .await?
        .map(|r| r.str("display_name"))
        .transpose()?
        .unwrap_or_else(|| row.str("recorded_by").unwrap_or_default());
    let reversed_by = tx
        .fetch_optional(
            "SELECT id, entry_on FROM funding_entries WHERE commune_id = ? AND reverses = ?",
            &[commune.id.clone().into(), entry.id.clone().into()],
        )
        .await?
        .map(|r| Ok::<_, AppError>((r.str("id")?, r.str("entry_on")?)))
        .transpose()?;
    let event = match &entry.event_id {
        Some(e) => tx
            .fetch_optional(
                "SELECT id, kind, held_on FROM events WHERE commune_id = ? AND id = ?",
                &[commune.id.clone().into(), e.clone().into()],
            )
            .await?
            .map(|r| Ok::<_, AppError>((r.str("id")?, r.str("kind")?, r.str("held_on")?)))
            .transpose()?,
        None => None,
    };
    Ok(EntryView {
        commune,
        entry,
        recorded_at: row.str("recorded_at")?,
        recorded_by,
        reversed_by,
        event,
    })
}

/// The events of the commune an expense may name, newest first: (id, kind, date, unit).
pub async fn events_to_link(
    tx: &mut Tx,
    commune_id: &str,
) -> AppResult<Vec<(String, String, String, String)>> {
    tx.fetch_all(
        "SELECT e.id, e.kind, e.held_on, u.name FROM events e JOIN units u ON u.id = e.unit_id \
         WHERE e.commune_id = ? ORDER BY e.held_on DESC, e.id DESC LIMIT 100",
        &[commune_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.str("id")?,
            r.str("kind")?,
            r.str("held_on")?,
            r.str("name")?,
        ))
    })
    .collect()
}

/// What recording an entry answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub id: String,
    pub commune_id: String,
    /// The source's balance now, after every entry (đồng).
    pub balance: i64,
    /// Recorded before under this id (a double submit, a retry): nothing changed.
    pub already_recorded: bool,
}

/// Serialises the ledger writes of one commune and source on PostgreSQL, so that two
/// expenses sent at once cannot both spend the same balance. (SQLite has one writer.)
async fn lock_source(tx: &mut WriteTx, commune_id: &str, source: Source) -> AppResult<()> {
    if tx.backend() == Backend::Postgres {
        tx.scalar_i64(
            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?))) AS locked",
            &[format!("funding:{commune_id}:{}", source.code()).into()],
        )
        .await?;
    }
    Ok(())
}

/// The source's entries as (date, effect), in ledger order.
async fn source_ledger(
    tx: &mut Tx,
    commune_id: &str,
    source: Source,
) -> AppResult<Vec<(Date, i64)>> {
    let rows = tx
        .fetch_all(
            "SELECT entry_on, direction, amount, reverses FROM funding_entries \
             WHERE commune_id = ? AND source = ? ORDER BY entry_on, recorded_at, id",
            &[commune_id.into(), source.code().into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let on = parse_day(&r.str("entry_on")?)
                .ok_or_else(|| AppError::internal("stored funding entry: bad entry_on"))?;
            let d = Direction::parse(&r.str("direction")?)
                .ok_or_else(|| AppError::internal("stored funding entry: bad direction"))?;
            Ok((
                on,
                model::effect(d, r.i64("amount")?, r.opt_str("reverses")?.is_some()),
            ))
        })
        .collect()
}

async fn insert(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    d: &EntryDraft,
) -> AppResult<i64> {
    lock_source(tx, commune_id, d.source).await?;
    let ledger = source_ledger(tx, commune_id, d.source).await?;
    if let Some(short) = model::shortfall(&ledger, d.entry_on, d.effect()) {
        return Err(AppError::invalid(
            "amount",
            model::overdraft_message(d.source, d.effect(), short),
        ));
    }
    let (reverses, reason) = match &d.reverses {
        Some((id, reason)) => (Some(id.clone()), Some(reason.clone())),
        None => (None, None),
    };
    tx.execute(
        &format!(
            "INSERT INTO funding_entries ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        &[
            d.id.clone().into(),
            commune_id.into(),
            day_text(d.entry_on).into(),
            d.direction.code().into(),
            d.source.code().into(),
            d.use_code.map(|u| u.code()).into(),
            d.event_id.clone().into(),
            d.amount.into(),
            d.description.clone().into(),
            reverses.into(),
            reason.into(),
            scope.user_id().into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    Ok(ledger.iter().map(|(_, e)| e).sum::<i64>() + d.effect())
}

/// The entry already stored under `id` by this user in this commune, if any; the same id
/// for anything else is refused.
async fn already(
    tx: &mut Tx,
    scope: &Scope,
    commune_id: &str,
    id: &str,
) -> AppResult<Option<Recorded>> {
    let Some(r) = tx
        .fetch_optional(
            "SELECT commune_id, source, recorded_by FROM funding_entries WHERE id = ?",
            &[id.into()],
        )
        .await?
    else {
        return Ok(None);
    };
    if r.str("commune_id")? != commune_id || r.str("recorded_by")? != scope.user_id() {
        return Err(AppError::Conflict(
            "Mã bản ghi này đã được dùng cho một bút toán khác; hãy tải lại biểu mẫu".into(),
        ));
    }
    let source = Source::parse(&r.str("source")?).unwrap_or(Source::Commune);
    let balance = source_ledger(tx, commune_id, source)
        .await?
        .iter()
        .map(|(_, e)| e)
        .sum();
    Ok(Some(Recorded {
        id: id.to_owned(),
        commune_id: commune_id.to_owned(),
        balance,
        already_recorded: true,
    }))
}

/// Records a receipt or an expense in the commune's ledger; an expense its source cannot
/// pay is refused with the figures, and nothing is written.
pub async fn record(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    d: &EntryDraft,
) -> AppResult<Recorded> {
    let commune = commune_for(tx, scope, commune_id).await?;
    if let Some(done) = already(tx, scope, &commune.id, &d.id).await? {
        return Ok(done);
    }
    if let Some(e) = &d.event_id {
        let n = tx
            .scalar_i64(
                "SELECT COUNT(*) FROM events WHERE commune_id = ? AND id = ?",
                &[commune.id.clone().into(), e.clone().into()],
            )
            .await?;
        if n == 0 {
            return Err(AppError::invalid(
                "event_id",
                "Không tìm thấy hội nghị này trong xã; hãy chọn lại",
            ));
        }
    }
    let balance = insert(tx, scope, &commune.id, d).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::FundingEntry,
        &d.id,
        Some(&commune.id),
        serde_json::json!({ "direction": d.direction.code(), "source": d.source.code() }),
    );
    Ok(Recorded {
        id: d.id.clone(),
        commune_id: commune.id,
        balance,
        already_recorded: false,
    })
}

/// Reverses an entry with a reason, dated `on`: a new entry that undoes it. An entry is
/// reversed at most once, and a reversal is not reversed.
pub async fn reverse(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    reversal_id: Option<&str>,
    reason: &str,
    on: Date,
) -> AppResult<Recorded> {
    let v = get(tx, scope, id).await?;
    if let Some(rid) = reversal_id.filter(|r| !r.trim().is_empty()) {
        if let Some(done) = already(tx, scope, &v.commune.id, rid.trim()).await? {
            return Ok(done);
        }
    }
    let d = model::reversal(
        &v.entry,
        v.reversed_by.as_ref().map(|r| r.0.as_str()),
        reversal_id,
        reason,
        on,
    )?;
    let balance = insert(tx, scope, &v.commune.id, &d).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Reverse,
        audit::Entity::FundingEntry,
        &v.entry.id,
        Some(&v.commune.id),
        serde_json::json!({ "reversal": d.id, "source": d.source.code() }),
    );
    Ok(Recorded {
        id: d.id,
        commune_id: v.commune.id,
        balance,
        already_recorded: false,
    })
}

/// One commune's totals for a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommuneFunding {
    pub commune_id: String,
    pub name: String,
    /// Every source, in [`Source::ALL`] order.
    pub sources: Vec<SourceTotals>,
}

/// Received and spent per source in `period`, with opening and closing balances, for each
/// commune under `unit` that has a ledger (a commune: itself). Counts of money only.
pub async fn summary(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
) -> AppResult<Vec<CommuneFunding>> {
    if unit.kind == "village" || !scope.covers(SUMMARY_READERS, &unit.path) {
        return Err(AppError::NotFound);
    }
    let rows = tx
        .fetch_all(
            "SELECT f.commune_id, u.name, f.source, f.direction, \
             CASE WHEN f.reverses IS NULL THEN 0 ELSE 1 END AS reversal, \
             CASE WHEN f.entry_on < ? THEN 0 ELSE 1 END AS in_period, \
             CAST(SUM(f.amount) AS BIGINT) AS total \
             FROM funding_entries f JOIN units u ON u.id = f.commune_id \
             WHERE f.commune_id IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?) \
             AND f.entry_on <= ? GROUP BY 1, 2, 3, 4, 5, 6",
            &[
                day_text(period.first_day()).into(),
                unit.path.clone().into(),
                format!("{}~", unit.path).into(),
                day_text(period.last_day()).into(),
            ],
        )
        .await?;
    let mut out: Vec<CommuneFunding> = Vec::new();
    for r in &rows {
        let commune_id = r.str("commune_id")?;
        let i = match out.iter().position(|c| c.commune_id == commune_id) {
            Some(i) => i,
            None => {
                out.push(CommuneFunding {
                    commune_id,
                    name: r.str("name")?,
                    sources: Source::ALL.iter().map(|s| SourceTotals::new(*s)).collect(),
                });
                out.len() - 1
            }
        };
        let (Some(source), Some(direction)) = (
            Source::parse(&r.str("source")?),
            Direction::parse(&r.str("direction")?),
        ) else {
            continue;
        };
        let reversal = r.i64("reversal")? == 1;
        let total = r.i64("total")?;
        let Some(t) = out[i].sources.iter_mut().find(|t| t.source == source) else {
            continue;
        };
        if r.i64("in_period")? == 0 {
            t.opening += model::effect(direction, total, reversal);
        } else {
            let n = if reversal { -total } else { total };
            match direction {
                Direction::Receipt => t.received += n,
                Direction::Expense => t.spent += n,
            }
        }
        t.closing = t.opening + t.received - t.spent;
    }
    crate::text::sort_vi(&mut out, |c| c.name.as_str());
    Ok(out)
}

/// The sum over communes, per source.
pub fn total(communes: &[CommuneFunding]) -> Vec<SourceTotals> {
    Source::ALL
        .iter()
        .map(|s| {
            let mut t = SourceTotals::new(*s);
            for c in communes {
                if let Some(x) = c.sources.iter().find(|x| x.source == *s) {
                    t.opening += x.opening;
                    t.received += x.received;
                    t.spent += x.spent;
                    t.closing += x.closing;
                }
            }
            t
        })
        .collect()
}
