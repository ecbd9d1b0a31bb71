//! Contacts in the database: recording one (with its counters, in the same unit of work),
//! a household's history, the member's list, and the province's topics.

use serde::Serialize;
use time::Date;

use super::model::{self, Attention, ContactDraft, ContactInput, ContactState, Topic};
use crate::assignment::store::assigned_filter;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::people::households::Household;
use crate::web::i18n::Lang;

/// A household its member may log for: the proof that the scope's member looks after it.
/// Only [`assigned`] makes one, so recording cannot skip the check.
pub struct Assigned {
    pub household_id: String,
    pub village_id: String,
    pub commune_id: String,
    pub province_id: String,
    pub member_id: String,
    pub head_name: String,
}

/// The household, if it is active and assigned to the scope's member in an approved plan.
/// Any other household is "not found", so a member learns nothing about others.
pub async fn assigned(tx: &mut Tx, scope: &Scope, household_id: &str) -> AppResult<Assigned> {
    let (filter, mut args) = assigned_filter(scope, "h.id").ok_or(AppError::NotFound)?;
    let member_id = scope.member_id().ok_or(AppError::NotFound)?.to_owned();
    args.insert(0, household_id.into());
    let row = tx
        .fetch_optional(
            &format!(
                "SELECT h.id, h.village_id, h.commune_id, h.head_name, u.path FROM households h \
                 JOIN units u ON u.id = h.village_id WHERE h.id = ? AND h.status = 'active' AND {filter}"
            ),
            &args,
        )
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Assigned {
        household_id: row.str("id")?,
        village_id: row.str("village_id")?,
        commune_id: row.str("commune_id")?,
        province_id: province_of(tx, &row.str("path")?).await?,
        member_id,
        head_name: row.str("head_name")?,
    })
}

use crate::units::store::province_of;

/// What recording a contact answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub id: String,
    pub household_id: String,
    pub contacted_on: String,
    /// The contact was already recorded under this id (a double submit, a retry).
    pub already_recorded: bool,
}

/// Records a contact with the household, and moves every counter it counts in, in the
/// same unit of work: the household's and the member's latest contact, and the village's
/// contacts and distinct households reached per day, month, quarter, half-year and year.
pub async fn record(
    tx: &mut WriteTx,
    scope: &Scope,
    household_id: &str,
    input: &ContactInput,
    today: Date,
) -> AppResult<Recorded> {
    let h = assigned(tx, scope, household_id).await?;
    let topics = topics(tx, &h.province_id, Lang::Vi).await?;
    let codes: Vec<&str> = topics.iter().map(|t| t.code.as_str()).collect();
    let c = model::check(input, today, &codes)?;
    if let Some(done) = already(tx, scope, &h, &c.id).await? {
        return Ok(done);
    }
    insert(tx, scope, &h, &c).await?;
    move_counters(tx, &h, &c).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Contact,
        &c.id,
        Some(&h.commune_id),
        serde_json::json!({ "household": h.household_id, "channel": c.channel.code(), "topics": c.topics.len() }),
    );
    Ok(Recorded {
        id: c.id,
        household_id: h.household_id,
        contacted_on: model::day_text(c.contacted_on),
        already_recorded: false,
    })
}

/// The contact already stored under `id` by this user for this household, if any. The
/// same id for anything else is a client's mistake, refused.
async fn already(
    tx: &mut Tx,
    scope: &Scope,
    h: &Assigned,
    id: &str,
) -> AppResult<Option<Recorded>> {
    let Some(row) = tx
        .fetch_optional(
            "SELECT household_id, recorded_by, contacted_on FROM contacts WHERE id = ?",
            &[id.into()],
        )
        .await?
    else {
        return Ok(None);
    };
    if row.str("household_id")? != h.household_id || row.str("recorded_by")? != scope.user_id() {
        return Err(AppError::Conflict(
            "Mã bản ghi này đã được dùng cho một lần tiếp xúc khác; hãy tải lại biểu mẫu".into(),
        ));
    }
    Ok(Some(Recorded {
        id: id.to_owned(),
        household_id: h.household_id.clone(),
        contacted_on: row.str("contacted_on")?,
        already_recorded: true,
    }))
}

async fn insert(tx: &mut WriteTx, scope: &Scope, h: &Assigned, c: &ContactDraft) -> AppResult<()> {
    tx.execute(
        "INSERT INTO contacts (id, household_id, member_id, village_id, commune_id, contacted_on, channel, topics, note, follow_up_on, recorded_by, recorded_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            c.id.clone().into(),
            h.household_id.clone().into(),
            h.member_id.clone().into(),
            h.village_id.clone().into(),
            h.commune_id.clone().into(),
            model::day_text(c.contacted_on).into(),
            c.channel.code().into(),
            c.topics.join(",").into(),
            c.note.clone().into(),
            c.follow_up_on.map(model::day_text).into(),
            scope.user_id().into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    Ok(())
}

async fn move_counters(tx: &mut WriteTx, h: &Assigned, c: &ContactDraft) -> AppResult<()> {
    let prev = household_state(tx, &h.household_id).await?;
    let next = model::state_after(prev.as_ref(), c);
    tx.execute(
        "INSERT INTO household_contact_state (commune_id, household_id, village_id, last_contact_on, follow_up_on, contacts) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (commune_id, household_id) DO UPDATE SET last_contact_on = excluded.last_contact_on, \
         follow_up_on = excluded.follow_up_on, contacts = excluded.contacts",
        &[
            h.commune_id.clone().into(),
            h.household_id.clone().into(),
            h.village_id.clone().into(),
            model::day_text(next.last_contact_on).into(),
            next.follow_up_on.map(model::day_text).into(),
            next.contacts.into(),
        ],
    )
    .await?;
    let on = model::day_text(c.contacted_on);
    tx.execute(
        "INSERT INTO member_contact_state (commune_id, member_id, village_id, last_contact_on, contacts) VALUES (?, ?, ?, ?, 1) \
         ON CONFLICT (commune_id, member_id) DO UPDATE SET contacts = member_contact_state.contacts + 1, \
         last_contact_on = CASE WHEN excluded.last_contact_on > member_contact_state.last_contact_on \
         THEN excluded.last_contact_on ELSE member_contact_state.last_contact_on END",
        &[
            h.commune_id.clone().into(),
            h.member_id.clone().into(),
            h.village_id.clone().into(),
            on.into(),
        ],
    )
    .await?;
    // The calendar's periods, and the province's own when its months run from a cut-off
    // day (their distinct counts cannot be added up from days). Sorted, so that every
    // writer takes the counter rows in one order and none waits on another in a cycle.
    let cutoff = crate::reports::cutoff::of_province(tx, &h.province_id).await?;
    let mut periods: Vec<String> = model::periods_of(c.contacted_on)
        .into_iter()
        .chain(model::cutoff_periods_of(c.contacted_on, cutoff))
        .collect();
    periods.sort_unstable();
    // A first contact in a period leaves a marker (the household's, and the member's:
    // active in the period, counted in the village of that contact); only a new marker
    // adds the household to the period's reach, or the member to its active ones.
    let marker = |who: &str, village: Option<&str>| -> Vec<Vec<Value>> {
        periods
            .iter()
            .map(|p| {
                let mut row = vec![h.commune_id.clone().into(), who.into(), p.clone().into()];
                row.extend(village.map(Value::from));
                row
            })
            .collect()
    };
    let reached = new_markers(
        tx,
        "INSERT INTO contact_reach (commune_id, household_id, period) VALUES ",
        &marker(&h.household_id, None),
    )
    .await?;
    let active = new_markers(
        tx,
        "INSERT INTO member_active (commune_id, member_id, period, village_id) VALUES ",
        &marker(&h.member_id, Some(&h.village_id)),
    )
    .await?;
    // Last, the rows every contact of the village or the commune adds to: on PostgreSQL
    // their locks are then held only for the few statements left before the commit.
    if prev.as_ref().map(|p| p.last_contact_on) != Some(next.last_contact_on) {
        move_recency(tx, h, prev.map(|p| p.last_contact_on), next.last_contact_on).await?;
    }
    let counts: Vec<Vec<Value>> = periods
        .iter()
        .map(|period| {
            vec![
                h.village_id.clone().into(),
                h.commune_id.clone().into(),
                period.clone().into(),
                1i64.into(),
                i64::from(reached.contains(period)).into(),
            ]
        })
        .collect();
    tx.upsert_many(
        "INSERT INTO contact_counts (village_id, commune_id, period, contacts, households) VALUES ",
        &counts,
        "ON CONFLICT (commune_id, village_id, period) DO UPDATE SET contacts = contact_counts.contacts + 1, \
         households = contact_counts.households + excluded.households",
    )
    .await?;
    let active_counts: Vec<Vec<Value>> = active
        .iter()
        .map(|period| {
            vec![
                h.commune_id.clone().into(),
                h.village_id.clone().into(),
                period.clone().into(),
                1i64.into(),
            ]
        })
        .collect();
    tx.upsert_many(
        "INSERT INTO member_active_counts (commune_id, village_id, period, members) VALUES ",
        &active_counts,
        "ON CONFLICT (commune_id, village_id, period) DO UPDATE SET members = member_active_counts.members + 1",
    )
    .await?;
    Ok(())
}

/// Leaves first-contact markers in one statement; the periods whose marker is new.
async fn new_markers(tx: &mut WriteTx, head: &str, rows: &[Vec<Value>]) -> AppResult<Vec<String>> {
    tx.upsert_many(head, rows, "ON CONFLICT DO NOTHING RETURNING period")
        .await?
        .iter()
        .map(|r| r.str("period"))
        .collect()
}

/// The household's latest contact moved from `from` to `to`: one household less on the
/// old day, one more on the new, for its village and its commune.
async fn move_recency(
    tx: &mut WriteTx,
    h: &Assigned,
    from: Option<Date>,
    to: Date,
) -> AppResult<()> {
    for unit in [&h.village_id, &h.commune_id] {
        if let Some(from) = from {
            tx.execute(
                "UPDATE contact_recency SET households = households - 1 WHERE commune_id = ? AND unit_id = ? AND day = ?",
                &[
                    h.commune_id.clone().into(),
                    unit.clone().into(),
                    model::day_text(from).into(),
                ],
            )
            .await?;
            tx.execute(
                "DELETE FROM contact_recency WHERE commune_id = ? AND unit_id = ? AND day = ? AND households <= 0",
                &[
                    h.commune_id.clone().into(),
                    unit.clone().into(),
                    model::day_text(from).into(),
                ],
            )
            .await?;
        }
        tx.execute(
            "INSERT INTO contact_recency (commune_id, unit_id, day, households) VALUES (?, ?, ?, 1) \
             ON CONFLICT (commune_id, unit_id, day) DO UPDATE SET households = contact_recency.households + 1",
            &[
                h.commune_id.clone().into(),
                unit.clone().into(),
                model::day_text(to).into(),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn household_state(tx: &mut Tx, household_id: &str) -> AppResult<Option<ContactState>> {
    let row = tx
        .fetch_optional(
            "SELECT last_contact_on, follow_up_on, contacts FROM household_contact_state WHERE household_id = ?",
            &[household_id.into()],
        )
        .await?;
    row.map(|r| {
        Ok(ContactState {
            last_contact_on: day(&r, "last_contact_on")?
                .ok_or_else(|| bad_day("last_contact_on"))?,
            follow_up_on: day(&r, "follow_up_on")?,
            contacts: r.i64("contacts")?,
        })
    })
    .transpose()
}

fn day(r: &Row, col: &str) -> AppResult<Option<Date>> {
    match r.opt_str(col)? {
        None => Ok(None),
        Some(s) => model::parse_day(&s).map(Some).ok_or_else(|| bad_day(col)),
    }
}

fn bad_day(col: &str) -> AppError {
    AppError::internal(format!("stored day in {col} is not yyyy-mm-dd"))
}

/// One contact as the household's history shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub id: String,
    pub contacted_on: String,
    pub channel: String,
    pub topics: Vec<String>,
    /// The topics in words, as the province names them.
    pub topic_labels: Vec<String>,
    pub note: String,
    pub follow_up_on: Option<String>,
    pub member_name: String,
}

impl ContactView {
    pub fn channel_key(&self) -> &'static str {
        model::Channel::parse(&self.channel).map_or("channel_visit", |c| c.key())
    }
}

/// How many past contacts the household card shows.
pub const HISTORY_LIMIT: i64 = 20;

/// The household's contacts, newest first. It takes the household as fetched through
/// the session's scope (`households::get_for_page`), which already logged that it was
/// shown: whoever may see the household may see its contacts, and no one else.
/// A household's latest contacts, newest first: an index walk in order (the test of the
/// household card's plans holds it to that), however many contacts the household has.
pub const HISTORY_SQL: &str =
    "SELECT c.id, c.contacted_on, c.channel, c.topics, c.note, c.follow_up_on, m.full_name \
     FROM contacts c JOIN members m ON m.id = c.member_id WHERE c.household_id = ? \
     ORDER BY c.contacted_on DESC, c.id DESC LIMIT ?";

pub async fn history(tx: &mut Tx, h: &Household) -> AppResult<Vec<ContactView>> {
    let path = tx
        .fetch_optional(
            "SELECT path FROM units WHERE id = ?",
            &[h.village_id.clone().into()],
        )
        .await?
        .map(|r| r.str("path"))
        .transpose()?
        .unwrap_or_default();
    let province = province_of(tx, &path).await?;
    let topics = topics_with_retired(tx, &province).await?;
    let rows = tx
        .fetch_all(HISTORY_SQL, &[h.id.clone().into(), HISTORY_LIMIT.into()])
        .await?;
    rows.iter()
        .map(|r| {
            let codes: Vec<String> = r
                .str("topics")?
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            Ok(ContactView {
                id: r.str("id")?,
                contacted_on: r.str("contacted_on")?,
                channel: r.str("channel")?,
                topic_labels: codes
                    .iter()
                    .map(|c| model::topic_label(c, &topics))
                    .collect(),
                topics: codes,
                note: r.str("note")?,
                follow_up_on: r.opt_str("follow_up_on")?,
                member_name: r.str("full_name")?,
            })
        })
        .collect()
}

/// One line of the member's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyHousehold {
    pub household_id: String,
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub phone: Option<String>,
    pub last_contact_on: Option<String>,
    pub follow_up_on: Option<String>,
    pub pending_campaigns: usize,
    pub open_requests: usize,
    /// Why it stands where it does: follow_up_due | waiting | never_contacted | stale | recent.
    pub urgency: String,
}

impl MyHousehold {
    /// The i18n key of its urgency, for the badge.
    pub fn urgency_key(&self) -> &'static str {
        match self.urgency.as_str() {
            "follow_up_due" => "urgency_follow_up_due",
            "waiting" => "urgency_waiting",
            "never_contacted" => "urgency_never_contacted",
            "stale" => "urgency_stale",
            _ => "urgency_recent",
        }
    }
}

/// The member's households, most pressing first (`model::Attention`), then in Vietnamese
/// name order, with the campaigns each still waits for. Audit-logged as shown.
pub async fn my_households(tx: &mut Tx, scope: &Scope, today: Date) -> AppResult<Vec<MyHousehold>> {
    Ok(my_day(tx, scope, today).await?.0)
}

/// The member's list and the campaigns due among their households (the home page's
/// reminders), from one read of their households: the approved plan's pairs with each
/// household, its village's path and its contact state in one statement.
pub async fn my_day(
    tx: &mut Tx,
    scope: &Scope,
    today: Date,
) -> AppResult<(Vec<MyHousehold>, Vec<crate::campaigns::store::Due>)> {
    use crate::campaigns::store::{for_households, Reachable};
    let Some(member) = scope.member_id().filter(|_| scope.has_role(Role::Member)) else {
        return Err(AppError::Forbidden);
    };
    let rows = tx
        .fetch_all(
            "SELECT h.id, h.commune_id, h.code, h.head_name, h.house_no, h.ngo, h.xom, h.phone, h.name_key, \
             h.support_categories, h.status, v.path, s.last_contact_on, s.follow_up_on \
             FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id AND a.status = 'approved' \
             JOIN households h ON h.id = p.household_id JOIN units v ON v.id = h.village_id \
             LEFT JOIN household_contact_state s ON s.commune_id = h.commune_id AND s.household_id = h.id \
             WHERE p.member_id = ? ORDER BY h.code, h.id",
            &[member.into()],
        )
        .await?;
    let commune = rows.first().map(|r| r.str("commune_id")).transpose()?;
    let ids = rows
        .iter()
        .map(|r| r.str("id"))
        .collect::<AppResult<Vec<_>>>()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        commune.as_deref(),
        ids.iter().map(String::as_str),
    );
    let targets = rows
        .iter()
        .map(Reachable::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    let mut outstanding = for_households(tx, &targets, today).await?;
    // petitions (issue 9): a household with an open petition is waiting on its member.
    let open = crate::petitions::store::open_counts(tx, &ids).await?;
    let mut list: Vec<(Attention, String, MyHousehold)> = Vec::with_capacity(rows.len());
    for (r, id) in rows.iter().zip(ids) {
        let pending = outstanding.pending.remove(&id).map_or(0, |p| p.len());
        let a = Attention {
            last_contact_on: day(r, "last_contact_on")?,
            follow_up_on: day(r, "follow_up_on")?,
            pending_campaigns: pending,
            open_requests: open.get(&id).copied().unwrap_or(0),
        };
        let line = MyHousehold {
            household_id: id,
            code: r.str("code")?,
            head_name: r.str("head_name")?,
            address: crate::assignment::store::address(
                &r.str("house_no")?,
                &r.str("ngo")?,
                &r.str("xom")?,
            ),
            phone: r.opt_str("phone")?,
            last_contact_on: a.last_contact_on.map(model::day_text),
            follow_up_on: a.follow_up_on.map(model::day_text),
            pending_campaigns: a.pending_campaigns,
            open_requests: a.open_requests,
            urgency: urgency_code(a.urgency(today)).into(),
        };
        list.push((a, r.str("name_key")?, line));
    }
    list.sort_by(|(a, ka, la), (b, kb, lb)| {
        a.order_key(today)
            .cmp(&b.order_key(today))
            .then_with(|| ka.cmp(kb))
            .then_with(|| la.code.cmp(&lb.code))
    });
    Ok((
        list.into_iter().map(|(_, _, l)| l).collect(),
        outstanding.due,
    ))
}

fn urgency_code(u: model::Urgency) -> &'static str {
    match u {
        model::Urgency::FollowUpDue => "follow_up_due",
        model::Urgency::Waiting => "waiting",
        model::Urgency::NeverContacted => "never_contacted",
        model::Urgency::Stale => "stale",
        model::Urgency::Recent => "recent",
    }
}

/// The province's contact topics in use: its own list once it has one, else the plan's.
pub async fn topics(tx: &mut Tx, province_id: &str, lang: Lang) -> AppResult<Vec<Topic>> {
    let rows = tx
        .fetch_all(
            "SELECT code, label, retired FROM contact_topics WHERE province_id = ? ORDER BY position",
            &[province_id.into()],
        )
        .await?;
    if rows.is_empty() {
        return Ok(model::default_topics(lang));
    }
    rows.iter()
        .filter(|r| r.i64("retired").map(|v| v == 0).unwrap_or(false))
        .map(|r| {
            Ok(Topic {
                code: r.str("code")?,
                label: r.str("label")?,
            })
        })
        .collect()
}

/// Every topic the province ever had, retired ones too: old contacts keep their words.
async fn topics_with_retired(tx: &mut Tx, province_id: &str) -> AppResult<Vec<Topic>> {
    tx.fetch_all(
        "SELECT code, label FROM contact_topics WHERE province_id = ? ORDER BY position",
        &[province_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Topic {
            code: r.str("code")?,
            label: r.str("label")?,
        })
    })
    .collect()
}

/// One topic row as the province's editor submits it.
#[derive(Debug, Clone)]
pub struct TopicEdit {
    pub code: String,
    pub label: String,
    pub retired: bool,
}

/// Replaces the province's topic list, in the order given. Codes are kept for life (old
/// contacts refer to them); a topic is retired, never deleted. A new topic's code is its
/// label without diacritics.
pub async fn save_topics(
    tx: &mut WriteTx,
    scope: &Scope,
    province_id: &str,
    edits: &[TopicEdit],
) -> AppResult<usize> {
    let mut seen: Vec<String> = Vec::new();
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    for e in edits {
        let label = e.label.trim();
        if label.is_empty() {
            if e.code.is_empty() {
                continue; // the empty "new topic" row
            }
            return Err(AppError::invalid(
                "label",
                "Tên nội dung không được để trống; muốn bỏ thì chọn \"Thôi dùng\"",
            ));
        }
        if label.chars().count() > 80 {
            return Err(AppError::invalid("label", "Tên nội dung dài quá 80 ký tự"));
        }
        let code = if e.code.is_empty() {
            crate::text::fold(label).replace(' ', "_")
        } else {
            e.code.clone()
        };
        if seen.contains(&code) {
            return Err(AppError::invalid(
                "label",
                format!("Nội dung \"{label}\" bị trùng"),
            ));
        }
        seen.push(code.clone());
        rows.push((code, label.to_owned(), e.retired));
    }
    if rows.iter().all(|(_, _, retired)| *retired) {
        return Err(AppError::invalid(
            "label",
            "Cần giữ ít nhất một nội dung đang dùng",
        ));
    }
    // Codes dropped from the form are kept, retired: contacts still name them.
    tx.execute(
        "UPDATE contact_topics SET retired = 1 WHERE province_id = ?",
        &[province_id.into()],
    )
    .await?;
    for (position, (code, label, retired)) in rows.iter().enumerate() {
        tx.execute(
            "INSERT INTO contact_topics (province_id, code, label, position, retired) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (province_id, code) DO UPDATE SET label = excluded.label, position = excluded.position, retired = excluded.retired",
            &[
                province_id.into(),
                code.clone().into(),
                label.clone().into(),
                (position as i64).into(),
                Value::from(*retired),
            ],
        )
        .await?;
    }
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::ContactTopics,
        province_id,
        None,
        serde_json::json!({ "topics": rows.len() }),
    );
    Ok(rows.len())
}
