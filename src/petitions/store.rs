//! Petitions in the database: who may see and move one (the seat a scope holds at it),
//! recording one, and each step with its counters in the same unit of work.

use serde::Serialize;
use time::Date;

use super::model::{self, Action, Holder, Kind, Stage, StageDone, Status};
use super::settings;
use super::workdays::Calendar;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::contacts::model::{day_text, parse_day};
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};

/// Where a user stands at one petition; what they see and may do follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    /// The commune committee of the petition's commune.
    Commune,
    /// The cell secretary of its village.
    Cell,
    /// The member who looks after its household.
    Member,
    /// A handler of the agency it is routed to.
    Agency,
    /// The Front's supervision: the petition and its timeline, never the household.
    Front,
}

impl Seat {
    /// Whether the household's name (and for the first three, its card) is shown.
    pub fn sees_household(self, named: bool) -> bool {
        match self {
            Seat::Commune | Seat::Cell | Seat::Member => true,
            Seat::Agency => named,
            Seat::Front => false,
        }
    }

    /// The seats that act for a holder.
    fn acts_for(self, h: Holder) -> bool {
        matches!(
            (h, self),
            (Holder::Cell, Seat::Cell)
                | (Holder::Commune, Seat::Commune)
                | (Holder::Agency, Seat::Agency)
                | (Holder::Member, Seat::Member | Seat::Cell)
        )
    }
}

/// The columns every petition read takes.
pub const COLUMNS: &str = "p.commune_id, p.id, p.group_id, p.village_id, v.name AS village_name, v.path AS village_path, \
     p.household_id, h.head_name, p.category, p.body, p.named, p.source, p.status, p.answer_level, p.agency_id, \
     a.name AS agency_name, p.competent_body, p.answer_text, p.answer_basis, p.answered_by, p.returned, p.stage_since, \
     p.due_on, p.received_on, p.closed_on, p.steps, p.created_at";

/// The joins of [`COLUMNS`].
pub const FROM: &str = "FROM petitions p JOIN units v ON v.id = p.village_id \
     JOIN households h ON h.id = p.household_id LEFT JOIN agencies a ON a.id = p.agency_id";

/// One petition as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Petition {
    pub commune_id: String,
    pub id: String,
    pub group_id: String,
    pub village_id: String,
    pub village_name: String,
    #[serde(skip)]
    pub village_path: String,
    pub household_id: String,
    /// The head of household's name; hidden (`None`) for a reader who may not see it.
    pub head_name: Option<String>,
    pub category: String,
    pub body: String,
    pub named: bool,
    pub source: String,
    pub status: Status,
    pub agency_id: Option<String>,
    pub agency_name: Option<String>,
    pub competent_body: Option<String>,
    pub answer_text: Option<String>,
    pub answer_basis: Option<String>,
    pub answered_by: Option<String>,
    pub returned: bool,
    pub stage_since: String,
    pub due_on: Option<String>,
    pub received_on: String,
    pub closed_on: Option<String>,
    pub steps: i64,
    pub created_at: String,
}

impl Petition {
    pub fn from_row(r: &Row) -> AppResult<Petition> {
        let status = Status::parse(&r.str("status")?, r.opt_str("answer_level")?.as_deref())
            .ok_or_else(|| AppError::internal("stored petition status is unknown"))?;
        Ok(Petition {
            commune_id: r.str("commune_id")?,
            id: r.str("id")?,
            group_id: r.str("group_id")?,
            village_id: r.str("village_id")?,
            village_name: r.str("village_name")?,
            village_path: r.str("village_path")?,
            household_id: r.str("household_id")?,
            head_name: Some(r.str("head_name")?),
            category: r.str("category")?,
            body: r.str("body")?,
            named: r.i64("named")? != 0,
            source: r.str("source")?,
            status,
            agency_id: r.opt_str("agency_id")?,
            agency_name: r.opt_str("agency_name")?,
            competent_body: r.opt_str("competent_body")?,
            answer_text: r.opt_str("answer_text")?,
            answer_basis: r.opt_str("answer_basis")?,
            answered_by: r.opt_str("answered_by")?,
            returned: r.i64("returned")? != 0,
            stage_since: r.str("stage_since")?,
            due_on: r.opt_str("due_on")?,
            received_on: r.str("received_on")?,
            closed_on: r.opt_str("closed_on")?,
            steps: r.i64("steps")?,
            created_at: r.str("created_at")?,
        })
    }

    pub fn due(&self) -> Option<Date> {
        self.due_on.as_deref().and_then(parse_day)
    }

    pub fn since(&self) -> Date {
        parse_day(&self.stage_since).unwrap_or(Date::MIN)
    }

    /// Hides what `seat` may not see: the household's name, unless the seat may.
    pub fn for_seat(mut self, seat: Seat) -> Petition {
        if !seat.sees_household(self.named) {
            self.head_name = None;
        }
        self
    }
}

/// The agencies whose petitions the scope's user answers.
pub async fn handler_agencies(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<String>> {
    if !scope.has_role(Role::AgencyHandler) {
        return Ok(Vec::new());
    }
    tx.fetch_all(
        "SELECT agency_id FROM agency_handlers WHERE user_id = ?",
        &[scope.user_id().into()],
    )
    .await?
    .iter()
    .map(|r| r.str("agency_id"))
    .collect()
}

/// Whether the household is assigned to the scope's member in an approved plan.
pub async fn looks_after(tx: &mut Tx, scope: &Scope, household_id: &str) -> AppResult<bool> {
    let Some((filter, mut args)) = crate::assignment::store::assigned_filter(scope, "h.id") else {
        return Ok(false);
    };
    args.insert(0, household_id.into());
    Ok(tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM households h WHERE h.id = ? AND {filter}"),
            &args,
        )
        .await?
        > 0)
}

/// Every seat the scope holds at `p`, the most trusted first.
pub async fn seats(tx: &mut Tx, scope: &Scope, p: &Petition) -> AppResult<Vec<Seat>> {
    let mut out = Vec::new();
    let path = p.village_path.as_str();
    if scope.covers(&[Role::CommuneCommittee], path) {
        out.push(Seat::Commune);
    }
    if scope.covers(&[Role::CellSecretary], path) {
        out.push(Seat::Cell);
    }
    if scope.has_role(Role::Member) && looks_after(tx, scope, &p.household_id).await? {
        out.push(Seat::Member);
    }
    if let Some(a) = &p.agency_id {
        if handler_agencies(tx, scope).await?.contains(a) {
            out.push(Seat::Agency);
        }
    }
    if scope.covers(&[Role::FrontReviewer], path) {
        out.push(Seat::Front);
    }
    Ok(out)
}

async fn load(tx: &mut Tx, id: &str) -> AppResult<Option<Petition>> {
    tx.fetch_optional(
        &format!("SELECT {COLUMNS} {FROM} WHERE p.id = ?"),
        &[id.into()],
    )
    .await?
    .map(|r| Petition::from_row(&r))
    .transpose()
}

/// A petition the scope may see, with the seat it sees it from, noted in the audit log
/// (the petition, and the household when its name is shown). Any other answers as missing.
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<(Petition, Seat)> {
    let p = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let seat = *seats(tx, scope, &p)
        .await?
        .first()
        .ok_or(AppError::NotFound)?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Petition,
        Some(&p.commune_id),
        [p.id.as_str()],
    );
    if seat.sees_household(p.named) {
        audit::shown(
            tx,
            scope,
            audit::Entity::Household,
            Some(&p.commune_id),
            [p.household_id.as_str()],
        );
    }
    Ok((p.for_seat(seat), seat))
}

/// One step of the timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub seq: i64,
    pub action: String,
    /// What staff read: the action in words.
    pub label: String,
    pub actor_name: String,
    pub at: String,
    pub on_day: String,
    /// The agency or body the step names.
    pub who: String,
    pub note: String,
    pub late: bool,
    /// What the household reads.
    pub household_text: String,
}

pub async fn steps(tx: &mut Tx, p: &Petition) -> AppResult<Vec<StepView>> {
    let rows = tx
        .fetch_all(
            "SELECT seq, action, actor_name, at, on_day, who, note, late FROM petition_steps \
             WHERE commune_id = ? AND petition_id = ? ORDER BY seq",
            &[p.commune_id.clone().into(), p.id.clone().into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let action = r.str("action")?;
            let kind = Kind::parse(&action).unwrap_or(Kind::Receive);
            let on_day = r.str("on_day")?;
            let (who, note) = (r.str("who")?, r.str("note")?);
            let reason = if kind == Kind::Reopen {
                note.as_str()
            } else {
                ""
            };
            Ok(StepView {
                seq: r.i64("seq")?,
                label: kind.label_vi().into(),
                household_text: model::household_line(
                    kind,
                    parse_day(&on_day).unwrap_or(Date::MIN),
                    &who,
                    reason,
                ),
                actor_name: r.str("actor_name")?,
                at: r.str("at")?,
                on_day,
                who,
                note,
                late: r.opt_i64("late")?.unwrap_or(0) != 0,
                action,
            })
        })
        .collect()
}

/// A village's commune and province, for a petition recorded there.
pub struct Place {
    pub village_id: String,
    pub village_path: String,
    pub commune_id: String,
    pub province_id: String,
}

pub async fn place_of(tx: &mut Tx, village_id: &str) -> AppResult<Place> {
    let r = tx
        .fetch_optional(
            "SELECT commune_id, path FROM units WHERE id = ?",
            &[village_id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let village_path = r.str("path")?;
    Ok(Place {
        village_id: village_id.to_owned(),
        commune_id: r.str("commune_id")?,
        province_id: settings::province_of(tx, &village_path).await?,
        village_path,
    })
}

/// What recording a petition answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    /// One id per household (a meeting's opinion shared by several is one each).
    pub ids: Vec<String>,
    /// The petition was already recorded under this id (a double submit, a retry).
    pub already_recorded: bool,
}

/// A new petition's photo, already re-encoded (`photo.rs`).
pub struct File {
    pub mime: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Records one petition per household, all in `village`, linked as one group, each with
/// its first step and its counters. `draft.id` is the first one's id: when it exists
/// already, nothing is written and the earlier recording is answered.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut WriteTx,
    scope: &Scope,
    place: &Place,
    households: &[String],
    draft: &model::Draft,
    source: &str,
    photo: Option<&File>,
    today: Date,
) -> AppResult<Recorded> {
    if let Some(r) = tx
        .fetch_optional(
            "SELECT group_id, created_by FROM petitions WHERE id = ?",
            &[draft.id.clone().into()],
        )
        .await?
    {
        if r.str("created_by")? != scope.user_id() {
            return Err(AppError::Conflict(
                "Mã bản ghi này đã được dùng cho một kiến nghị khác; hãy tải lại biểu mẫu".into(),
            ));
        }
        let ids = tx
            .fetch_all(
                "SELECT id FROM petitions WHERE commune_id = ? AND group_id = ? ORDER BY id",
                &[place.commune_id.clone().into(), r.str("group_id")?.into()],
            )
            .await?
            .iter()
            .map(|r| r.str("id"))
            .collect::<AppResult<Vec<_>>>()?;
        return Ok(Recorded {
            ids,
            already_recorded: true,
        });
    }
    let cal = settings::calendar(tx).await?;
    let days = settings::deadline(tx, &place.province_id, Stage::Cell, &draft.category).await?;
    let due = cal.add_working_days(today, days);
    let now = crate::clock::now();
    let mut ids = Vec::new();
    for (i, household) in households.iter().enumerate() {
        let id = if i == 0 {
            draft.id.clone()
        } else {
            crate::clock::new_id()
        };
        tx.execute(
            "INSERT INTO petitions (commune_id, id, group_id, village_id, household_id, category, body, named, source, status, \
             returned, stage_since, due_on, received_on, steps, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', 0, ?, ?, ?, 1, ?, ?, ?)",
            &[
                place.commune_id.clone().into(),
                id.clone().into(),
                draft.id.clone().into(),
                place.village_id.clone().into(),
                household.clone().into(),
                draft.category.clone().into(),
                draft.text.clone().into(),
                Value::from(draft.named),
                source.into(),
                day_text(today).into(),
                day_text(due).into(),
                day_text(today).into(),
                scope.user_id().into(),
                now.clone().into(),
                now.clone().into(),
            ],
        )
        .await?;
        insert_step(
            tx,
            scope,
            &place.commune_id,
            &id,
            1,
            Kind::Receive,
            Status::Received,
            today,
            "",
            "",
            None,
        )
        .await?;
        let core = CounterKey {
            commune_id: place.commune_id.clone(),
            village_id: place.village_id.clone(),
            village_path: place.village_path.clone(),
            category: draft.category.clone(),
        };
        count(tx, &core, today, &[Kind::Receive.code().to_owned()]).await?;
        move_open(tx, &core, None, Some((Stage::Cell, due))).await?;
        if let Some(f) = photo {
            save_file(tx, &place.commune_id, &id, "photo", f).await?;
        }
        audit::did(
            tx,
            scope,
            audit::Action::Create,
            audit::Entity::Petition,
            &id,
            Some(&place.commune_id),
            serde_json::json!({ "household": household, "category": draft.category, "source": source, "photo": photo.is_some() }),
        );
        ids.push(id);
    }
    Ok(Recorded {
        ids,
        already_recorded: false,
    })
}

pub async fn save_file(
    tx: &mut WriteTx,
    commune_id: &str,
    petition_id: &str,
    kind: &str,
    f: &File,
) -> AppResult<()> {
    use base64::Engine;
    tx.execute(
        "INSERT INTO petition_files (commune_id, petition_id, kind, mime, name, size, content) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (commune_id, petition_id, kind) DO UPDATE SET mime = excluded.mime, name = excluded.name, \
         size = excluded.size, content = excluded.content",
        &[
            commune_id.into(),
            petition_id.into(),
            kind.into(),
            f.mime.clone().into(),
            f.name.clone().into(),
            (f.bytes.len() as i64).into(),
            base64::engine::general_purpose::STANDARD.encode(&f.bytes).into(),
        ],
    )
    .await?;
    Ok(())
}

/// The kinds of file a petition has.
pub async fn file_kinds(tx: &mut Tx, p: &Petition) -> AppResult<Vec<String>> {
    tx.fetch_all(
        "SELECT kind FROM petition_files WHERE commune_id = ? AND petition_id = ? ORDER BY kind",
        &[p.commune_id.clone().into(), p.id.clone().into()],
    )
    .await?
    .iter()
    .map(|r| r.str("kind"))
    .collect()
}

/// A file of a petition the scope may see (the Front never sees the household's photo).
pub async fn file(tx: &mut Tx, scope: &Scope, id: &str, kind: &str) -> AppResult<File> {
    use base64::Engine;
    let (p, seat) = get(tx, scope, id).await?;
    if seat == Seat::Front && kind == "photo" {
        return Err(AppError::NotFound);
    }
    let r = tx
        .fetch_optional(
            "SELECT mime, name, content FROM petition_files WHERE commune_id = ? AND petition_id = ? AND kind = ?",
            &[p.commune_id.into(), p.id.into(), kind.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(File {
        mime: r.str("mime")?,
        name: r.str("name")?,
        bytes: base64::engine::general_purpose::STANDARD
            .decode(r.str("content")?)
            .map_err(|_| AppError::internal("stored file is not base64"))?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_step(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    petition_id: &str,
    seq: i64,
    kind: Kind,
    after: Status,
    today: Date,
    who: &str,
    note: &str,
    done: Option<&StageDone>,
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO petition_steps (commune_id, petition_id, seq, action, status, actor_id, actor_name, at, on_day, who, note, stage, stage_days, late) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            commune_id.into(),
            petition_id.into(),
            seq.into(),
            kind.code().into(),
            after.code().into(),
            scope.user_id().into(),
            scope.display_name().into(),
            crate::clock::now().into(),
            day_text(today).into(),
            who.into(),
            note.into(),
            done.map(|d| d.stage.code()).into(),
            done.map(|d| d.days).into(),
            done.map(|d| d.late as i64).into(),
        ],
    )
    .await?;
    Ok(())
}

/// Where a petition's counters are kept.
pub struct CounterKey {
    pub commune_id: String,
    pub village_id: String,
    /// The units the roll-ups go to, as the petition's place already read them.
    pub village_path: String,
    pub category: String,
}

/// Adds one to each of `events` for the day, month, quarter, half-year and year of `on`:
/// on the village's row (`petition_counts`), and on every unit of the village's path in
/// `petition_totals`: for all categories on each, for the category too above the village,
/// so that a dashboard of any unit reads a few hundred rows. Two
/// statements; the rows in key order, so that concurrent steps on PostgreSQL take the
/// shared rows' locks in the same order.
async fn count(tx: &mut WriteTx, k: &CounterKey, on: Date, events: &[String]) -> AppResult<()> {
    let on_path: Vec<&str> = k
        .village_path
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut own: Vec<[&str; 5]> = Vec::new();
    let mut totals: Vec<[&str; 4]> = Vec::new();
    let periods = model::periods_of(on);
    for period in &periods {
        for e in events {
            own.push([&k.commune_id, &k.village_id, &k.category, period, e]);
            for unit in &on_path {
                totals.push([unit, period, model::ALL_CATEGORIES, e]);
                if *unit != k.village_id {
                    totals.push([unit, period, &k.category, e]);
                }
            }
        }
    }
    tx.upsert_many(
        "INSERT INTO petition_counts (commune_id, village_id, category, period, event, n) VALUES ",
        &plus_one(own),
        "ON CONFLICT (commune_id, village_id, category, period, event) DO UPDATE SET n = petition_counts.n + excluded.n",
    )
    .await?;
    tx.upsert_many(
        "INSERT INTO petition_totals (unit_id, period, category, event, n) VALUES ",
        &plus_one(totals),
        "ON CONFLICT (unit_id, period, category, event) DO UPDATE SET n = petition_totals.n + excluded.n",
    )
    .await?;
    Ok(())
}

/// Counter keys, sorted, each with the 1 it adds.
fn plus_one<const N: usize>(mut keys: Vec<[&str; N]>) -> Vec<Vec<Value>> {
    keys.sort_unstable();
    keys.iter()
        .map(|key| {
            let mut row: Vec<Value> = key.iter().map(|v| Value::from(*v)).collect();
            row.push(1i64.into());
            row
        })
        .collect()
}

/// Moves an open petition from one (stage, deadline) to another in `petition_open`, under
/// its village and category.
async fn move_open(
    tx: &mut WriteTx,
    k: &CounterKey,
    from: Option<(Stage, Date)>,
    to: Option<(Stage, Date)>,
) -> AppResult<()> {
    if from == to {
        return Ok(());
    }
    if let Some((stage, due)) = from {
        let args: Vec<Value> = vec![
            k.commune_id.clone().into(),
            k.village_id.clone().into(),
            k.category.clone().into(),
            stage.code().into(),
            day_text(due).into(),
        ];
        tx.execute(
            "UPDATE petition_open SET n = n - 1 WHERE commune_id = ? AND village_id = ? AND category = ? AND stage = ? AND due_on = ?",
            &args,
        )
        .await?;
        tx.execute(
            "DELETE FROM petition_open WHERE commune_id = ? AND village_id = ? AND category = ? AND stage = ? AND due_on = ? AND n <= 0",
            &args,
        )
        .await?;
    }
    if let Some((stage, due)) = to {
        tx.execute(
            "INSERT INTO petition_open (commune_id, village_id, category, stage, due_on, n) VALUES (?, ?, ?, ?, ?, 1) \
             ON CONFLICT (commune_id, village_id, category, stage, due_on) DO UPDATE SET n = petition_open.n + 1",
            &[
                k.commune_id.clone().into(),
                k.village_id.clone().into(),
                k.category.clone().into(),
                stage.code().into(),
                day_text(due).into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// A step as a person asked for it: the action and its texts, unchecked.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub action: String,
    pub reason: String,
    pub competent: String,
    pub agency: String,
    pub answer: String,
    pub basis: String,
    /// Delivering and the household's decision at the same visit: confirm | reopen | "".
    pub then: String,
}

/// The model's action for what was typed, with every text cleaned and bounded.
pub fn action_of(input: &StepInput) -> AppResult<Action> {
    let clean = |raw: &str, field: &str| model::clean_field(raw, field, model::MAX_ANSWER);
    Ok(match input.action.as_str() {
        "forward" => Action::Forward,
        "answer_at_cell" => Action::AnswerAtCell {
            text: clean(&input.answer, "answer")?,
        },
        "return" => Action::Return {
            reason: clean(&input.reason, "reason")?,
        },
        "assign" => Action::Assign {
            agency: input.agency.trim().to_owned(),
        },
        "transfer" => Action::Transfer {
            body: clean(&input.competent, "competent")?,
        },
        "decline" => Action::Decline {
            competent: clean(&input.competent, "competent")?,
            reason: clean(&input.reason, "reason")?,
        },
        "answer" => Action::Answer {
            text: clean(&input.answer, "answer")?,
        },
        "deliver" => Action::Deliver,
        "confirm" => Action::Confirm,
        "reopen" => Action::Reopen {
            reason: clean(&input.reason, "reason")?,
        },
        _ => {
            return Err(AppError::invalid(
                "action",
                "Thao tác này không có; hãy tải lại trang",
            ))
        }
    })
}

/// What a step answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Moved {
    /// Every petition the step moved: linked duplicates move together.
    pub ids: Vec<String>,
    pub status: String,
}

/// Moves petition `id` (and the petitions linked with it that stand where it stands) by
/// `input`, as the scope's user, on `today`. Refused steps change nothing: the model
/// decides before anything is written, and the unit of work rolls back on any error.
pub async fn step(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    input: &StepInput,
    attachment: Option<&File>,
    today: Date,
) -> AppResult<Moved> {
    let p = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let my = seats(tx, scope, &p).await?;
    if my.is_empty() {
        return Err(AppError::NotFound);
    }
    let action = action_of(input)?;
    let holder = p.status.holder();
    if !my.iter().any(|s| s.acts_for(holder)) {
        // Seen but not theirs to move: say whose turn it is, change nothing.
        return Err(AppError::invalid(
            "action",
            format!(
                "Kiến nghị đang ở bước \"{}\"; bạn chưa thể xử lý ở bước này",
                p.status.label_vi()
            ),
        ));
    }
    let next = p.status.apply(&action).map_err(|r| r.into_error())?;
    let who = match &action {
        Action::Assign { agency } => {
            let name = tx
                .fetch_optional(
                    "SELECT name FROM agencies WHERE commune_id = ? AND id = ? AND active = 1",
                    &[p.commune_id.clone().into(), agency.clone().into()],
                )
                .await?
                .ok_or_else(|| {
                    AppError::invalid("agency", "Cơ quan này không có trong danh sách của xã")
                })?;
            name.str("name")?
        }
        Action::Transfer { body } => body.clone(),
        Action::Decline { competent, .. } => competent.clone(),
        Action::Answer { .. } => match p.status {
            Status::Transferred | Status::Reopened(model::Level::Outside) => {
                p.competent_body.clone().unwrap_or_default()
            }
            _ => p.agency_name.clone().unwrap_or_default(),
        },
        Action::AnswerAtCell { .. } => "chi bộ thôn".to_owned(),
        _ => String::new(),
    };
    // Linked duplicates standing where this one stands move with it (one answer reaches
    // every linked household); delivery and the household's word are each household's.
    let mut moved = vec![p.clone()];
    if !matches!(
        action,
        Action::Deliver | Action::Confirm | Action::Reopen { .. }
    ) {
        let rows = tx
            .fetch_all(
                &format!("SELECT {COLUMNS} {FROM} WHERE p.commune_id = ? AND p.group_id = ? AND p.id <> ? ORDER BY p.id"),
                &[p.commune_id.clone().into(), p.group_id.clone().into(), p.id.clone().into()],
            )
            .await?;
        for r in &rows {
            let q = Petition::from_row(r)?;
            let theirs = seats(tx, scope, &q)
                .await?
                .iter()
                .any(|s| s.acts_for(holder));
            if q.status == p.status && q.agency_id == p.agency_id && theirs {
                moved.push(q);
            }
        }
    }
    let cal = settings::calendar(tx).await?;
    let province = place_of(tx, &p.village_id).await?.province_id;
    for q in &moved {
        apply_one(tx, scope, q, &action, next, &who, &cal, &province, today).await?;
        if let (Some(f), Action::Answer { .. } | Action::AnswerAtCell { .. }) =
            (attachment, &action)
        {
            save_file(tx, &q.commune_id, &q.id, "answer", f).await?;
        }
        if let Action::Answer { .. } | Action::AnswerAtCell { .. } = action {
            let basis = model::clean_field(&input.basis, "basis", model::MAX_ANSWER)?;
            tx.execute(
                "UPDATE petitions SET answer_basis = ? WHERE commune_id = ? AND id = ?",
                &[
                    Some(basis).filter(|b| !b.is_empty()).into(),
                    q.commune_id.clone().into(),
                    q.id.clone().into(),
                ],
            )
            .await?;
        }
    }
    // Delivered at the door and decided there: the household's word is the next step.
    let mut status = next;
    if action == Action::Deliver && !input.then.is_empty() {
        let then = StepInput {
            action: input.then.clone(),
            reason: input.reason.clone(),
            ..Default::default()
        };
        let then_action = action_of(&then)?;
        if !matches!(then_action, Action::Confirm | Action::Reopen { .. }) {
            return Err(AppError::invalid(
                "then",
                "Chỉ chọn được: hộ đồng ý, hoặc hộ chưa đồng ý",
            ));
        }
        let after = next.apply(&then_action).map_err(|r| r.into_error())?;
        let q = load(tx, &p.id).await?.ok_or(AppError::NotFound)?;
        apply_one(
            tx,
            scope,
            &q,
            &then_action,
            after,
            "",
            &cal,
            &province,
            today,
        )
        .await?;
        status = after;
    }
    Ok(Moved {
        ids: moved.into_iter().map(|q| q.id).collect(),
        status: status.code().into(),
    })
}

/// Persists one transition the model allowed: the row, the step, the counters.
#[allow(clippy::too_many_arguments)]
async fn apply_one(
    tx: &mut WriteTx,
    scope: &Scope,
    p: &Petition,
    action: &Action,
    next: Status,
    who: &str,
    cal: &Calendar,
    province: &str,
    today: Date,
) -> AppResult<()> {
    let kind = action.kind();
    let ended = p.status.stage().map(|stage| StageDone {
        stage,
        days: cal.working_days_between(p.since(), today),
        late: p.due().is_some_and(|d| today > d),
    });
    let due = match next.stage() {
        Some(s) => Some((
            s,
            cal.add_working_days(
                today,
                settings::deadline(tx, province, s, &p.category).await?,
            ),
        )),
        None => None,
    };
    let note = match action {
        Action::Return { reason } | Action::Reopen { reason } => reason.clone(),
        Action::Decline { reason, .. } => reason.clone(),
        Action::Answer { text } | Action::AnswerAtCell { text } => text.clone(),
        _ => String::new(),
    };
    let (agency, competent) = match action {
        Action::Assign { agency } => (Some(agency.clone()), p.competent_body.clone()),
        Action::Transfer { body } => (None, Some(body.clone())),
        // Not theirs: the agency lets go, and the body it names stays for the commune.
        Action::Decline { competent, .. } => (None, Some(competent.clone())),
        _ => (p.agency_id.clone(), p.competent_body.clone()),
    };
    let answer = match action {
        Action::Answer { text } | Action::AnswerAtCell { text } => Some(text.clone()),
        _ => p.answer_text.clone(),
    };
    let answered_by = match action {
        Action::Answer { .. } | Action::AnswerAtCell { .. } => Some(who.to_owned()),
        _ => p.answered_by.clone(),
    };
    tx.execute(
        "UPDATE petitions SET status = ?, answer_level = ?, agency_id = ?, competent_body = ?, answer_text = ?, answered_by = ?, \
         returned = ?, stage_since = ?, due_on = ?, closed_on = ?, steps = steps + 1, updated_at = ? \
         WHERE commune_id = ? AND id = ? AND steps = ?",
        &[
            next.code().into(),
            next.level().map(model::Level::code).into(),
            agency.into(),
            competent.into(),
            answer.into(),
            answered_by.into(),
            Value::from(kind.sends_back()),
            day_text(today).into(),
            due.map(|(_, d)| day_text(d)).into(),
            (next == Status::Closed).then(|| day_text(today)).into(),
            crate::clock::now().into(),
            p.commune_id.clone().into(),
            p.id.clone().into(),
            p.steps.into(),
        ],
    )
    .await
    .and_then(|n| {
        if n == 1 {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "Kiến nghị vừa được người khác xử lý; hãy tải lại trang".into(),
            ))
        }
    })?;
    insert_step(
        tx,
        scope,
        &p.commune_id,
        &p.id,
        p.steps + 1,
        kind,
        next,
        today,
        who,
        &note,
        ended.as_ref(),
    )
    .await?;
    let key = CounterKey {
        commune_id: p.commune_id.clone(),
        village_id: p.village_id.clone(),
        village_path: p.village_path.clone(),
        category: p.category.clone(),
    };
    let mut events = vec![kind.code().to_owned()];
    if let Some(d) = &ended {
        events.push(model::timeliness_event(d));
        events.push(model::days_event(d.stage, d.days));
    }
    count(tx, &key, today, &events).await?;
    let from = p.status.stage().zip(p.due());
    move_open(tx, &key, from, due).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Step,
        audit::Entity::Petition,
        &p.id,
        Some(&p.commune_id),
        serde_json::json!({ "action": kind.code(), "status": next.code() }),
    );
    Ok(())
}

/// Links petitions of one commune as duplicates: they take the group of the oldest, so
/// that one answer reaches them all. Only the commune committee links; closed petitions
/// stay as they are.
pub async fn link(tx: &mut WriteTx, scope: &Scope, ids: &[String]) -> AppResult<usize> {
    if ids.len() < 2 {
        return Err(AppError::invalid(
            "ids",
            "Cần chọn ít nhất hai kiến nghị trùng nhau để gộp",
        ));
    }
    let mut found = Vec::new();
    for id in ids {
        let p = load(tx, id).await?.ok_or(AppError::NotFound)?;
        if !seats(tx, scope, &p).await?.contains(&Seat::Commune) {
            return Err(AppError::NotFound);
        }
        if !p.status.is_open() {
            return Err(AppError::invalid(
                "ids",
                "Kiến nghị đã được hộ xác nhận khép lại thì không gộp nữa",
            ));
        }
        found.push(p);
    }
    if found.iter().any(|p| p.commune_id != found[0].commune_id) {
        return Err(AppError::invalid(
            "ids",
            "Chỉ gộp được kiến nghị của cùng một xã",
        ));
    }
    found.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let group = found[0].group_id.clone();
    let commune = found[0].commune_id.clone();
    let old: Vec<String> = found.iter().map(|p| p.group_id.clone()).collect();
    let mut n = 0;
    for g in old {
        n += tx
            .execute(
                "UPDATE petitions SET group_id = ? WHERE commune_id = ? AND group_id = ?",
                &[group.clone().into(), commune.clone().into(), g.into()],
            )
            .await?;
    }
    audit::did(
        tx,
        scope,
        audit::Action::Link,
        audit::Entity::Petition,
        &group,
        Some(&commune),
        serde_json::json!({ "petitions": ids }),
    );
    Ok(n as usize)
}

/// The petitions linked with `p` (its group but itself), as ids, for its page.
pub async fn linked(tx: &mut Tx, p: &Petition) -> AppResult<Vec<String>> {
    tx.fetch_all(
        "SELECT id FROM petitions WHERE commune_id = ? AND group_id = ? AND id <> ? ORDER BY id",
        &[
            p.commune_id.clone().into(),
            p.group_id.clone().into(),
            p.id.clone().into(),
        ],
    )
    .await?
    .iter()
    .map(|r| r.str("id"))
    .collect()
}

/// A household's petitions with their timelines, for its card. It takes the household as
/// fetched through the session's scope (`households::get_for_page`), which already logged
/// that it was shown: whoever may see the household may see its petitions.
pub async fn for_household(
    tx: &mut Tx,
    scope: &Scope,
    h: &crate::people::households::Household,
) -> AppResult<Vec<(Petition, Vec<StepView>)>> {
    let rows = tx
        .fetch_all(
            &format!("SELECT {COLUMNS} {FROM} WHERE p.household_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT 20"),
            &[h.id.clone().into()],
        )
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let p = Petition::from_row(r)?;
        let s = steps(tx, &p).await?;
        out.push((p, s));
    }
    if let Some((first, _)) = out.first() {
        let commune = first.commune_id.clone();
        audit::shown(
            tx,
            scope,
            audit::Entity::Petition,
            Some(&commune),
            out.iter().map(|(p, _)| p.id.as_str()),
        );
    }
    Ok(out)
}

/// Open petitions per household, for the member's list (`contacts::store::my_households`).
pub async fn open_counts(
    tx: &mut Tx,
    household_ids: &[String],
) -> AppResult<std::collections::HashMap<String, usize>> {
    let mut out = std::collections::HashMap::new();
    if household_ids.is_empty() {
        return Ok(out);
    }
    let marks = vec!["?"; household_ids.len()].join(", ");
    let args: Vec<Value> = household_ids.iter().map(Value::from).collect();
    for r in tx
        .fetch_all(
            &format!("SELECT household_id, COUNT(*) AS n FROM petitions WHERE household_id IN ({marks}) AND status <> 'closed' GROUP BY household_id"),
            &args,
        )
        .await?
    {
        out.insert(r.str("household_id")?, r.i64("n")? as usize);
    }
    Ok(out)
}
