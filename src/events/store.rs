//! Events in the database: the units that may hold them, the list of a unit and period,
//! one event with its attendees, recording and editing, and the per-period summary that
//! reports read.
//!
//! Who may do what: a village's events are kept by its cell secretary and the commune
//! committee; the commune's own events by its committee. Anything else is "not found".
//! Attendees are Party members by name, so every page that shows them notes the members
//! shown for the audit log.

use serde::Serialize;
use time::Date;

use super::model::{EventDraft, Kind};
use crate::audit;
use crate::auth::{Role, Scope};
use crate::contacts::model::day_text;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::reports::period::Period;
use crate::units::store::{self as units, Unit};

const KEEPERS: &[Role] = &[Role::CellSecretary, Role::CommuneCommittee];

/// Who may read the counts of events (never the names): the keepers, and the boards and
/// the Front above the commune.
pub const SUMMARY_READERS: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
];

/// The commune a unit belongs to (a commune is its own).
pub fn commune_of(u: &Unit) -> Option<String> {
    if u.kind == "commune" {
        Some(u.id.clone())
    } else {
        u.commune_id.clone()
    }
}

/// The unit, if the scope keeps its events: a village under a keeper's grant, or a commune
/// under its committee's. Otherwise "not found", whether or not it exists.
pub async fn unit_for(tx: &mut Tx, scope: &Scope, unit_id: &str) -> AppResult<Unit> {
    let u = units::get(tx, unit_id.trim()).await?;
    let ok = u.is_current()
        && match u.kind.as_str() {
            "village" => scope.covers(KEEPERS, &u.path),
            "commune" => scope.covers(&[Role::CommuneCommittee], &u.path),
            _ => false,
        };
    if ok && commune_of(&u).is_some() {
        Ok(u)
    } else {
        Err(AppError::NotFound)
    }
}

/// The units the scope records events for: the committee's communes, then the villages
/// it keeps (a secretary's one village).
pub async fn units_in_scope(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut out: Vec<Unit> = Vec::new();
    for g in scope.grants() {
        if g.role == Role::CommuneCommittee && g.unit_kind == "commune" {
            let u = units::get(tx, &g.unit_id).await?;
            if u.is_current() && !out.iter().any(|o| o.id == u.id) {
                out.push(u);
            }
        }
    }
    out.extend(units::villages_in_scope(tx, scope).await?);
    Ok(out)
}

/// `unit_col IN` the units of `u`'s subtree (the unit itself included).
fn subtree(unit_col: &str, u: &Unit) -> (String, Vec<Value>) {
    (
        format!("{unit_col} IN (SELECT id FROM units WHERE path >= ? AND path < ?)"),
        vec![u.path.clone().into(), format!("{}~", u.path).into()],
    )
}

/// One line of a unit's list of events.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventLine {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub kind: Kind,
    /// yyyy-mm-dd.
    pub held_on: String,
    pub place: String,
    pub chair: String,
    /// Party members attending, a count.
    pub members: i64,
    /// Households attending, a count.
    pub households: i64,
}

impl EventLine {
    fn from_row(r: &Row) -> AppResult<EventLine> {
        Ok(EventLine {
            id: r.str("id")?,
            unit_id: r.str("unit_id")?,
            unit_name: r.str("unit_name")?,
            kind: Kind::parse(&r.str("kind")?)
                .ok_or_else(|| AppError::internal("stored event kind unknown"))?,
            held_on: r.str("held_on")?,
            place: r.str("place")?,
            chair: r.str("chair")?,
            members: r.i64("members")?,
            households: r.i64("households")?,
        })
    }
}

const LINE: &str =
    "SELECT e.id, e.unit_id, u.name AS unit_name, e.kind, e.held_on, e.place, e.chair, \
                    e.members, e.households FROM events e JOIN units u ON u.id = e.unit_id";

/// The events held by `unit` or the units under it, from `from` to `to`, newest first.
/// Counts only: no member is named, so nothing personal is shown.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    from: Date,
    to: Date,
) -> AppResult<Vec<EventLine>> {
    let unit = unit_for(tx, scope, &unit.id).await?;
    let commune = commune_of(&unit).unwrap_or_default();
    let (inside, mut args) = subtree("e.unit_id", &unit);
    args.insert(0, commune.into());
    args.push(day_text(from).into());
    args.push(day_text(to).into());
    let rows = tx
        .fetch_all(
            &format!(
                "{LINE} WHERE e.commune_id = ? AND {inside} AND e.held_on >= ? AND e.held_on <= ? \
                 ORDER BY e.held_on DESC, e.id DESC LIMIT 500"
            ),
            &args,
        )
        .await?;
    rows.iter().map(EventLine::from_row).collect()
}

/// A member who attended, as the event's page names them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attendee {
    pub member_id: String,
    pub name: String,
    pub village_name: String,
}

/// One event with everything recorded about it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub line: EventLine,
    pub commune_id: String,
    pub content: String,
    pub attendees: Vec<Attendee>,
    pub created_at: String,
    pub updated_at: String,
}

/// The event, if the scope keeps its unit; its attendees are noted as shown.
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<EventView> {
    let row = tx
        .fetch_optional(&format!("{LINE} WHERE e.id = ?"), &[id.trim().into()])
        .await?
        .ok_or(AppError::NotFound)?;
    let line = EventLine::from_row(&row)?;
    let unit = unit_for(tx, scope, &line.unit_id).await?;
    let commune = commune_of(&unit).unwrap_or_default();
    let more = tx
        .fetch_one(
            "SELECT content, created_at, updated_at FROM events WHERE commune_id = ? AND id = ?",
            &[commune.clone().into(), line.id.clone().into()],
        )
        .await?;
    let attendees = attendees(tx, &commune, &line.id).await?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Event,
        Some(&commune),
        [line.id.as_str()],
    );
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        Some(&commune),
        attendees.iter().map(|a| a.member_id.as_str()),
    );
    Ok(EventView {
        line,
        commune_id: commune,
        content: more.str("content")?,
        attendees,
        created_at: more.str("created_at")?,
        updated_at: more.str("updated_at")?,
    })
}

async fn attendees(tx: &mut Tx, commune: &str, event_id: &str) -> AppResult<Vec<Attendee>> {
    let rows = tx
        .fetch_all(
            "SELECT m.id, m.full_name, v.name AS village_name FROM event_attendees a \
             JOIN members m ON m.id = a.member_id JOIN units v ON v.id = m.village_id \
             WHERE a.commune_id = ? AND a.event_id = ? ORDER BY v.name COLLATE vi, m.name_key, m.id",
            &[commune.into(), event_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Attendee {
                member_id: r.str("id")?,
                name: r.str("full_name")?,
                village_name: r.str("village_name")?,
            })
        })
        .collect()
}

/// The members an event of `unit` may list as attending: the active and exempt members
/// of the unit's villages, by village then name. Noted as shown (the form names them).
pub async fn member_choices(tx: &mut Tx, scope: &Scope, unit: &Unit) -> AppResult<Vec<Attendee>> {
    let unit = unit_for(tx, scope, &unit.id).await?;
    let commune = commune_of(&unit).unwrap_or_default();
    let (inside, mut args) = subtree("m.village_id", &unit);
    args.insert(0, commune.clone().into());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT m.id, m.full_name, v.name AS village_name FROM members m JOIN units v ON v.id = m.village_id \
                 WHERE m.commune_id = ? AND {inside} AND m.status IN ('active', 'exempt') \
                 ORDER BY v.name COLLATE vi, m.name_key, m.id"
            ),
            &args,
        )
        .await?;
    let list: Vec<Attendee> = rows
        .iter()
        .map(|r| {
            Ok(Attendee {
                member_id: r.str("id")?,
                name: r.str("full_name")?,
                village_name: r.str("village_name")?,
            })
        })
        .collect::<AppResult<_>>()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        Some(&commune),
        list.iter().map(|a| a.member_id.as_str()),
    );
    Ok(list)
}

/// What recording or editing an event answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: String,
    /// Recorded before under this id (a double submit, a retry): nothing changed.
    pub already_recorded: bool,
}

/// The attendees must be members the form could offer: the unit's active and exempt
/// members, or (when editing) those already on the record, who may have moved since.
async fn check_members(
    tx: &mut Tx,
    unit: &Unit,
    commune: &str,
    members: &[String],
    kept: &[String],
) -> AppResult<()> {
    let wanted: Vec<&String> = members.iter().filter(|m| !kept.contains(m)).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let (inside, mut args) = subtree("village_id", unit);
    args.insert(0, commune.into());
    let mut found = 0usize;
    for chunk in wanted.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut a = args.clone();
        a.extend(chunk.iter().map(|m| Value::from(m.as_str())));
        found += tx
            .scalar_i64(
                &format!(
                    "SELECT COUNT(*) FROM members WHERE commune_id = ? AND {inside} \
                     AND status IN ('active', 'exempt') AND id IN ({marks})"
                ),
                &a,
            )
            .await? as usize;
    }
    if found != wanted.len() {
        return Err(AppError::invalid(
            "members",
            "Có đảng viên không thuộc đơn vị tổ chức (hoặc đã chuyển đi): hãy tải lại biểu mẫu và chọn lại",
        ));
    }
    Ok(())
}

async fn write_attendees(
    tx: &mut WriteTx,
    commune: &str,
    event_id: &str,
    members: &[String],
) -> AppResult<()> {
    tx.execute(
        "DELETE FROM event_attendees WHERE commune_id = ? AND event_id = ?",
        &[commune.into(), event_id.into()],
    )
    .await?;
    let rows: Vec<Vec<Value>> = members
        .iter()
        .map(|m| vec![commune.into(), event_id.into(), m.as_str().into()])
        .collect();
    tx.insert_many(
        "event_attendees",
        &["commune_id", "event_id", "member_id"],
        &rows,
    )
    .await?;
    Ok(())
}

/// Records a new event held by the draft's unit, with its attendees. The same id sent
/// again by the same user records nothing more.
pub async fn create(tx: &mut WriteTx, scope: &Scope, d: &EventDraft) -> AppResult<Saved> {
    let unit = unit_for(tx, scope, &d.unit_id).await?;
    let commune = commune_of(&unit).unwrap_or_default();
    if let Some(r) = tx
        .fetch_optional(
            "SELECT commune_id, created_by FROM events WHERE id = ?",
            &[d.id.clone().into()],
        )
        .await?
    {
        if r.str("created_by")? == scope.user_id() && r.str("commune_id")? == commune {
            return Ok(Saved {
                id: d.id.clone(),
                already_recorded: true,
            });
        }
        return Err(AppError::Conflict(
            "Mã bản ghi này đã được dùng cho một hội nghị khác; hãy tải lại biểu mẫu".into(),
        ));
    }
    check_members(tx, &unit, &commune, &d.members, &[]).await?;
    let now = crate::clock::now();
    tx.execute(
        "INSERT INTO events (commune_id, id, unit_id, kind, held_on, place, chair, content, households, members, \
         created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            commune.clone().into(),
            d.id.clone().into(),
            unit.id.clone().into(),
            d.kind.code().into(),
            day_text(d.held_on).into(),
            d.place.clone().into(),
            d.chair.clone().into(),
            d.content.clone().into(),
            d.households.into(),
            (d.members.len() as i64).into(),
            scope.user_id().into(),
            now.clone().into(),
            scope.user_id().into(),
            now.into(),
        ],
    )
    .await?;
    write_attendees(tx, &commune, &d.id, &d.members).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Event,
        &d.id,
        Some(&commune),
        serde_json::json!({ "unit": unit.id, "kind": d.kind.code(), "members": d.members.len(), "households": d.households }),
    );
    Ok(Saved {
        id: d.id.clone(),
        already_recorded: false,
    })
}

/// Rewrites an event as the form now has it. Its unit stays: an event held by a village
/// does not become the commune's. The log names the fields that changed.
pub async fn update(tx: &mut WriteTx, scope: &Scope, id: &str, d: &EventDraft) -> AppResult<Saved> {
    let before = get(tx, scope, id).await?;
    let unit = unit_for(tx, scope, &before.line.unit_id).await?;
    let commune = before.commune_id.clone();
    let kept: Vec<String> = before
        .attendees
        .iter()
        .map(|a| a.member_id.clone())
        .collect();
    check_members(tx, &unit, &commune, &d.members, &kept).await?;
    let mut had = kept.clone();
    had.sort();
    let mut now_members = d.members.clone();
    now_members.sort();
    let held_on = day_text(d.held_on);
    let changed: Vec<&str> = [
        ("kind", before.line.kind != d.kind),
        ("held_on", before.line.held_on != held_on),
        ("place", before.line.place != d.place),
        ("chair", before.line.chair != d.chair),
        ("content", before.content != d.content),
        ("households", before.line.households != d.households),
        ("members", had != now_members),
    ]
    .iter()
    .filter(|(_, c)| *c)
    .map(|(f, _)| *f)
    .collect();
    if changed.is_empty() {
        return Ok(Saved {
            id: before.line.id,
            already_recorded: true,
        });
    }
    tx.execute(
        "UPDATE events SET kind = ?, held_on = ?, place = ?, chair = ?, content = ?, households = ?, members = ?, \
         updated_by = ?, updated_at = ? WHERE commune_id = ? AND id = ?",
        &[
            d.kind.code().into(),
            held_on.into(),
            d.place.clone().into(),
            d.chair.clone().into(),
            d.content.clone().into(),
            d.households.into(),
            (d.members.len() as i64).into(),
            scope.user_id().into(),
            crate::clock::now().into(),
            commune.clone().into(),
            before.line.id.clone().into(),
        ],
    )
    .await?;
    if changed.contains(&"members") {
        write_attendees(tx, &commune, &before.line.id, &d.members).await?;
    }
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Event,
        &before.line.id,
        Some(&commune),
        serde_json::json!({ "fields": changed, "members": d.members.len() }),
    );
    Ok(Saved {
        id: before.line.id,
        already_recorded: false,
    })
}

/// The events held in a period by a unit and the units under it (a village, a commune, a
/// province), for reports: counts, never names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventSummary {
    /// Events held.
    pub held: i64,
    /// Events held per kind, in [`Kind::ALL`] order, kinds with none left out.
    pub by_kind: Vec<KindCount>,
    /// Party members attending, summed over the events.
    pub member_attendance: i64,
    /// Households attending, summed over the events.
    pub household_attendance: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub kind: Kind,
    pub held: i64,
}

/// The summary of `unit`'s events in `period`, for whoever may read counts there.
pub async fn summary(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
) -> AppResult<EventSummary> {
    if !scope.covers(SUMMARY_READERS, &unit.path) {
        return Err(AppError::NotFound);
    }
    let (inside, mut args) = subtree("unit_id", unit);
    args.push(day_text(period.first_day()).into());
    args.push(day_text(period.last_day()).into());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT kind, COUNT(*) AS n, CAST(COALESCE(SUM(members), 0) AS BIGINT) AS m, \
                 CAST(COALESCE(SUM(households), 0) AS BIGINT) AS h FROM events \
                 WHERE {inside} AND held_on >= ? AND held_on <= ? GROUP BY kind"
            ),
            &args,
        )
        .await?;
    let mut s = EventSummary::default();
    let mut counts: Vec<(Kind, i64)> = Vec::new();
    for r in &rows {
        let Some(kind) = Kind::parse(&r.str("kind")?) else {
            continue;
        };
        let n = r.i64("n")?;
        s.held += n;
        s.member_attendance += r.i64("m")?;
        s.household_attendance += r.i64("h")?;
        counts.push((kind, n));
    }
    s.by_kind = Kind::ALL
        .iter()
        .filter_map(|k| counts.iter().find(|(c, _)| c == k))
        .map(|(kind, held)| KindCount {
            kind: *kind,
            held: *held,
        })
        .collect();
    Ok(s)
}
