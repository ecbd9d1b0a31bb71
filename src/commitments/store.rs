//! Commitments in the database: the lines of a commune's form, the records of a village's
//! year, the per-(village, year, subject) counters, and the summary that reads them.
//!
//! Who may do what: the keepers of a village's registry (its cell secretary, the commune
//! committee) read names and record; only the commune committee edits the lines; the
//! summary shows counts to supervisors and the Front, never a name. Villages and people the
//! scope cannot reach are "not found".

use serde::Serialize;
use time::Date;

use super::model::{self, Line, State, Subject};
use crate::assignment::store::{village_for, Need};
use crate::audit;
use crate::auth::scope::unit_filter;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// A village whose names the scope may read, "not found" otherwise.
pub async fn village(tx: &mut Tx, scope: &Scope, village_id: &str) -> AppResult<Unit> {
    village_for(tx, scope, village_id, Need::Read).await
}

/// One household or member of a village with the state of their commitment for a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub subject_id: String,
    /// The household's code; empty for members.
    pub code: String,
    /// The household head's or the member's name.
    pub name: String,
    /// The household's address as shown; empty for members.
    pub address: String,
    /// `None`: nothing recorded yet.
    pub signed: Option<bool>,
    /// yyyy-mm-dd.
    pub signed_on: Option<String>,
    /// The member in charge of the household in the approved plan, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_charge: Option<String>,
}

impl Entry {
    pub fn is_signed(&self) -> bool {
        self.signed == Some(true)
    }
}

/// Signed and total of a village's year for one subject.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub signed: i64,
    pub total: i64,
}

fn select(subject: Subject, with_in_charge: bool) -> String {
    let charge = if with_in_charge && subject == Subject::Household {
        ", pm.full_name AS in_charge FROM households h \
         LEFT JOIN assignment_pairs ap ON ap.household_id = h.id AND ap.plan_id IN \
           (SELECT id FROM assignment_plans WHERE village_id = h.village_id AND status = 'approved') \
         LEFT JOIN members pm ON pm.id = ap.member_id"
    } else if subject == Subject::Household {
        ", NULL AS in_charge FROM households h"
    } else {
        ", NULL AS in_charge FROM members h"
    };
    let cols = match subject {
        Subject::Household => "h.id, h.code, h.head_name AS name, h.house_no, h.ngo, h.xom",
        Subject::Member => {
            "h.id, '' AS code, h.full_name AS name, '' AS house_no, '' AS ngo, '' AS xom"
        }
    };
    format!(
        "SELECT {cols}, h.commune_id, c.signed, c.signed_on{charge} \
         LEFT JOIN commitments c ON c.commune_id = h.commune_id AND c.year = ? AND c.subject = '{}' AND c.subject_id = h.id",
        subject.code()
    )
}

fn entry(r: &Row) -> AppResult<Entry> {
    Ok(Entry {
        subject_id: r.str("id")?,
        code: r.str("code")?,
        name: r.str("name")?,
        address: crate::people::address::display(
            &r.str("house_no")?,
            &r.str("ngo")?,
            &r.str("xom")?,
        ),
        signed: r.opt_i64("signed")?.map(|v| v != 0),
        signed_on: r.opt_str("signed_on")?,
        in_charge: r.opt_str("in_charge")?,
    })
}

/// The active households or members of `village` (checked by the caller) with their state
/// for `year`, in Vietnamese order, `limit` from `offset`; noted as shown to the scope.
pub async fn entries(
    tx: &mut Tx,
    scope: &Scope,
    village: &Unit,
    year: i32,
    subject: Subject,
    page: Option<(i64, i64)>,
    with_in_charge: bool,
) -> AppResult<Vec<Entry>> {
    let (filter, fargs) = unit_filter("h.village_id", &scope.registry_paths());
    let mut args: Vec<Value> = vec![year.into()];
    args.extend(fargs);
    args.push(village.id.clone().into());
    let mut sql = format!(
        "{} WHERE {filter} AND h.village_id = ? AND h.status = 'active' ORDER BY h.name_key, h.id",
        select(subject, with_in_charge)
    );
    if let Some((limit, offset)) = page {
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push(limit.into());
        args.push(offset.into());
    }
    let rows = tx.fetch_all(&sql, &args).await?;
    let items = rows.iter().map(entry).collect::<AppResult<Vec<_>>>()?;
    if let Some(first) = rows.first() {
        let commune = first.str("commune_id")?;
        let entity = match subject {
            Subject::Household => audit::Entity::Household,
            Subject::Member => audit::Entity::Member,
        };
        audit::shown(
            tx,
            scope,
            entity,
            Some(&commune),
            items.iter().map(|e| e.subject_id.as_str()),
        );
    }
    Ok(items)
}

/// Signed (from the counters) and total (active in the registry) of a village's year.
pub async fn tally(tx: &mut Tx, village_id: &str, year: i32, subject: Subject) -> AppResult<Tally> {
    let signed = tx
        .fetch_optional(
            "SELECT signed FROM commitment_counts WHERE village_id = ? AND year = ? AND subject = ?",
            &[village_id.into(), year.into(), subject.code().into()],
        )
        .await?
        .map(|r| r.i64("signed"))
        .transpose()?
        .unwrap_or(0);
    let table = match subject {
        Subject::Household => "households",
        Subject::Member => "members",
    };
    let total = tx
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM {table} WHERE village_id = ? AND status = 'active'"),
            &[village_id.into()],
        )
        .await?;
    Ok(Tally { signed, total })
}

/// What one record did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    /// The record's id: the first record's for this (year, subject), kept by later ones.
    pub id: String,
    pub year: i32,
    pub subject: Subject,
    pub subject_id: String,
    pub village_id: String,
    pub signed: bool,
    /// yyyy-mm-dd.
    pub signed_on: Option<String>,
    /// False when the record was already in this state.
    pub changed: bool,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

async fn bump(
    tx: &mut WriteTx,
    village_id: &str,
    commune_id: &str,
    year: i32,
    subject: Subject,
    delta: i64,
) -> AppResult<()> {
    if delta == 0 {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO commitment_counts (village_id, commune_id, year, subject, signed) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (commune_id, village_id, year, subject) DO UPDATE SET signed = commitment_counts.signed + excluded.signed",
        &[
            village_id.into(),
            commune_id.into(),
            year.into(),
            subject.code().into(),
            delta.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Records `state` for one household or member of the scope's registry for `year`; a
/// later record replaces the state, and the counters move in the same unit of work.
/// `id` names a new record (an API client's UUIDv7); `village`, when given, must be the
/// subject's (the page's village), else the subject is "not found".
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut WriteTx,
    scope: &Scope,
    year: i32,
    subject: Subject,
    subject_id: &str,
    village: Option<&str>,
    state: State,
    id: Option<String>,
) -> AppResult<Recorded> {
    let table = match subject {
        Subject::Household => "households",
        Subject::Member => "members",
    };
    let (filter, mut args) = unit_filter("s.village_id", &scope.registry_paths());
    args.push(subject_id.into());
    let who = tx
        .fetch_optional(
            &format!(
                "SELECT s.village_id, s.commune_id FROM {table} s WHERE {filter} AND s.id = ?"
            ),
            &args,
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let village_id = who.str("village_id")?;
    let commune_id = who.str("commune_id")?;
    if village.is_some_and(|v| v != village_id) {
        return Err(AppError::NotFound);
    }
    let signed_on = state.signed_on.map(iso);
    let before = tx
        .fetch_optional(
            "SELECT id, village_id, commune_id, signed, signed_on FROM commitments WHERE commune_id = ? AND year = ? AND subject = ? AND subject_id = ?",
            &[commune_id.clone().into(), year.into(), subject.code().into(), subject_id.into()],
        )
        .await?;
    let now = clock::now();
    let (record_id, changed) = match before {
        Some(b) => {
            let old_signed = b.i64("signed")? != 0;
            let changed = old_signed != state.signed
                || b.opt_str("signed_on")? != signed_on
                || b.str("village_id")? != village_id;
            if changed {
                tx.execute(
                    "UPDATE commitments SET signed = ?, signed_on = ?, village_id = ?, commune_id = ?, recorded_by = ?, recorded_at = ? WHERE id = ?",
                    &[
                        state.signed.into(),
                        signed_on.clone().map_or(Value::Null, Value::from),
                        village_id.clone().into(),
                        commune_id.clone().into(),
                        scope.user_id().into(),
                        now.into(),
                        b.str("id")?.into(),
                    ],
                )
                .await?;
                bump(
                    tx,
                    &b.str("village_id")?,
                    &b.str("commune_id")?,
                    year,
                    subject,
                    -i64::from(old_signed),
                )
                .await?;
                bump(
                    tx,
                    &village_id,
                    &commune_id,
                    year,
                    subject,
                    i64::from(state.signed),
                )
                .await?;
            }
            (b.str("id")?, changed)
        }
        None => {
            let id = id.unwrap_or_else(clock::new_id);
            let taken = tx
                .scalar_i64(
                    "SELECT COUNT(*) FROM commitments WHERE id = ?",
                    &[id.clone().into()],
                )
                .await?;
            if taken > 0 {
                return Err(AppError::Conflict(format!(
                    "Mã bản ghi {id} đã dùng cho một bản cam kết khác; hãy tạo mã mới"
                )));
            }
            tx.execute(
                "INSERT INTO commitments (id, commune_id, village_id, year, subject, subject_id, signed, signed_on, recorded_by, recorded_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    id.clone().into(),
                    commune_id.clone().into(),
                    village_id.clone().into(),
                    year.into(),
                    subject.code().into(),
                    subject_id.into(),
                    state.signed.into(),
                    signed_on.clone().map_or(Value::Null, Value::from),
                    scope.user_id().into(),
                    now.into(),
                ],
            )
            .await?;
            let delta = model::counter_delta(None, state.signed);
            bump(tx, &village_id, &commune_id, year, subject, delta).await?;
            (id, true)
        }
    };
    if changed {
        audit::did(
            tx,
            scope,
            audit::Action::Update,
            audit::Entity::Commitment,
            &record_id,
            Some(&commune_id),
            serde_json::json!({ "year": year, "subject": subject.code(), "subject_id": subject_id, "fields": ["signed", "signed_on"] }),
        );
    }
    Ok(Recorded {
        id: record_id,
        year,
        subject,
        subject_id: subject_id.to_owned(),
        village_id,
        signed: state.signed,
        signed_on,
        changed,
    })
}

// --- the lines of the form ---

/// A line as pages and the API show it: `id` is `default-N` while the commune uses the
/// plan's lines.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: String,
    pub text: String,
}

/// A retired line, kept for history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RetiredItem {
    pub id: String,
    pub text: String,
    pub retired_at: String,
}

/// A commune's lines for one subject.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Items {
    pub commune_id: String,
    pub subject: Subject,
    /// False while the commune uses the plan's own lines.
    pub customised: bool,
    pub items: Vec<Item>,
    pub retired: Vec<RetiredItem>,
}

/// The communes whose lines the scope may read: those of the villages it keeps.
pub async fn communes_in_scope(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut ids: Vec<String> = Vec::new();
    for v in units::villages_in_scope(tx, scope).await? {
        if let Some(c) = v.commune_id {
            if !ids.contains(&c) {
                ids.push(c);
            }
        }
    }
    let mut out = Vec::new();
    for id in ids {
        out.push(units::get(tx, &id).await?);
    }
    Ok(out)
}

/// The commune `id` (empty: the scope's first), if the scope may read its lines.
pub async fn commune(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Unit> {
    let all = communes_in_scope(tx, scope).await?;
    match id.trim() {
        "" => all.into_iter().next().ok_or(AppError::NotFound),
        id => all
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound),
    }
}

/// A commune's current lines (the plan's until the committee edits them) and retired ones.
pub async fn items(tx: &mut Tx, commune_id: &str, subject: Subject) -> AppResult<Items> {
    let rows = tx
        .fetch_all(
            "SELECT id, text, retired_at FROM commitment_items WHERE commune_id = ? AND subject = ? ORDER BY position, created_at, id",
            &[commune_id.into(), subject.code().into()],
        )
        .await?;
    let customised = !rows.is_empty();
    let mut items = Vec::new();
    let mut retired = Vec::new();
    for r in &rows {
        match r.opt_str("retired_at")? {
            None => items.push(Item {
                id: r.str("id")?,
                text: r.str("text")?,
            }),
            Some(at) => retired.push(RetiredItem {
                id: r.str("id")?,
                text: r.str("text")?,
                retired_at: at,
            }),
        }
    }
    if !customised {
        items = subject
            .defaults()
            .iter()
            .enumerate()
            .map(|(i, t)| Item {
                id: format!("default-{}", i + 1),
                text: (*t).to_owned(),
            })
            .collect();
    }
    Ok(Items {
        commune_id: commune_id.to_owned(),
        subject,
        customised,
        items,
        retired,
    })
}

/// The commune, if the scope is its committee: others who may read it are refused (403).
pub async fn commune_to_edit(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Unit> {
    let c = commune(tx, scope, id).await?;
    if !scope.covers(&[Role::CommuneCommittee], &c.path) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

/// The commune's lines as stored rows: the plan's are stored first if the commune still
/// uses them, so that a retired default line keeps its history too. Returns the lines and
/// whether they were the plan's a moment ago.
async fn stored_lines(
    tx: &mut WriteTx,
    commune_id: &str,
    subject: Subject,
) -> AppResult<(Vec<Line>, bool)> {
    let current = items(tx, commune_id, subject).await?;
    let was_default = !current.customised;
    if was_default {
        let now = clock::now();
        for (i, t) in subject.defaults().iter().enumerate() {
            tx.execute(
                "INSERT INTO commitment_items (id, commune_id, subject, position, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                &[
                    clock::new_id().into(),
                    commune_id.into(),
                    subject.code().into(),
                    (i as i64 + 1).into(),
                    (*t).into(),
                    now.clone().into(),
                    now.clone().into(),
                ],
            )
            .await?;
        }
    }
    let current = items(tx, commune_id, subject).await?;
    Ok((
        current
            .items
            .into_iter()
            .map(|i| Line {
                id: Some(i.id),
                text: i.text,
            })
            .collect(),
        was_default,
    ))
}

/// Where the line `key` (an id, or `default-N` of a page shown before the first edit)
/// stands among `lines`.
fn place_of(lines: &[Line], key: &str, was_default: bool) -> AppResult<usize> {
    let stale = || {
        AppError::Conflict(
            "Danh sách điều cam kết vừa được sửa ở nơi khác; hãy tải lại trang rồi làm lại".into(),
        )
    };
    if let Some(n) = key.strip_prefix("default-") {
        let n: usize = n.parse().map_err(|_| stale())?;
        if !was_default || n == 0 || n > lines.len() {
            return Err(stale());
        }
        return Ok(n - 1);
    }
    lines
        .iter()
        .position(|l| l.id.as_deref() == Some(key))
        .ok_or_else(stale)
}

/// One edit of the committee: `key` names the line (none for an addition).
pub async fn edit(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &Unit,
    subject: Subject,
    key: Option<&str>,
    what: &str,
    text: &str,
) -> AppResult<()> {
    let (lines, was_default) = stored_lines(tx, &commune.id, subject).await?;
    let at = match key {
        Some(k) => Some(place_of(&lines, k, was_default)?),
        None => None,
    };
    let change = match (what, at) {
        ("add", _) => model::Edit::Add(text.to_owned()),
        ("reword", Some(i)) => model::Edit::Reword(i, text.to_owned()),
        ("up", Some(i)) => model::Edit::Up(i),
        ("down", Some(i)) => model::Edit::Down(i),
        ("retire", Some(i)) => model::Edit::Retire(i),
        _ => {
            return Err(AppError::invalid(
                "action",
                "Thao tác không rõ; hãy chọn một nút trên trang",
            ))
        }
    };
    let (lines, _) = model::apply(lines, &change).map_err(|m| AppError::invalid("text", m))?;
    save(tx, scope, commune, subject, lines, what).await
}

/// Replaces the commune's lines with `wanted` (id or `default-N` to keep a line, none for a
/// new one): lines left out are retired. The API's PUT.
pub async fn replace(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &Unit,
    subject: Subject,
    wanted: Vec<(Option<String>, String)>,
) -> AppResult<()> {
    if wanted.is_empty() {
        return Err(AppError::invalid(
            "items",
            "Bản cam kết phải còn ít nhất một điều",
        ));
    }
    if wanted.len() > model::MAX_ITEMS {
        return Err(AppError::invalid(
            "items",
            format!("Bản cam kết có tối đa {} điều", model::MAX_ITEMS),
        ));
    }
    let (current, was_default) = stored_lines(tx, &commune.id, subject).await?;
    let mut lines = Vec::new();
    for (i, (id, text)) in wanted.into_iter().enumerate() {
        let text = model::check_text(&text)
            .map_err(|m| AppError::invalid(&format!("items[{i}].text"), m))?;
        let id = match id.filter(|k| !k.is_empty()) {
            Some(k) => {
                let at = place_of(&current, &k, was_default)?;
                if lines.iter().any(|l: &Line| l.id == current[at].id) {
                    return Err(AppError::invalid(
                        &format!("items[{i}].id"),
                        "Một điều chỉ ghi một lần",
                    ));
                }
                current[at].id.clone()
            }
            None => None,
        };
        lines.push(Line { id, text });
    }
    save(tx, scope, commune, subject, lines, "replace").await
}

/// Stores `lines` as the commune's current ones, in order; stored lines not among them
/// are retired (kept, with the time).
async fn save(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &Unit,
    subject: Subject,
    lines: Vec<Line>,
    what: &str,
) -> AppResult<()> {
    let now = clock::now();
    let before = items(tx, &commune.id, subject).await?;
    for old in &before.items {
        if !lines
            .iter()
            .any(|l| l.id.as_deref() == Some(old.id.as_str()))
        {
            tx.execute(
                "UPDATE commitment_items SET retired_at = ?, updated_at = ? WHERE id = ?",
                &[
                    now.clone().into(),
                    now.clone().into(),
                    old.id.clone().into(),
                ],
            )
            .await?;
        }
    }
    for (i, l) in lines.iter().enumerate() {
        let position = i as i64 + 1;
        match &l.id {
            Some(id) => {
                tx.execute(
                    "UPDATE commitment_items SET text = ?, position = ?, updated_at = ? WHERE id = ? AND (text <> ? OR position <> ?)",
                    &[
                        l.text.clone().into(),
                        position.into(),
                        now.clone().into(),
                        id.clone().into(),
                        l.text.clone().into(),
                        position.into(),
                    ],
                )
                .await?;
            }
            None => {
                tx.execute(
                    "INSERT INTO commitment_items (id, commune_id, subject, position, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &[
                        clock::new_id().into(),
                        commune.id.clone().into(),
                        subject.code().into(),
                        position.into(),
                        l.text.clone().into(),
                        now.clone().into(),
                        now.clone().into(),
                    ],
                )
                .await?;
            }
        }
    }
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::CommitmentItem,
        &commune.id,
        Some(&commune.id),
        serde_json::json!({ "subject": subject.code(), "edit": what, "items": lines.len() }),
    );
    Ok(())
}

// --- counts for supervisors, the Front and the committee ---

/// Roles that see the counts of the units they are granted: never names.
pub const SUMMARY_ROLES: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
];

/// One line of the summary: a village (or a commune, when the unit is above communes).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub unit_id: String,
    pub name: String,
    pub households: Tally,
    pub members: Tally,
}

/// The unit `id` (empty: the scope's first grant), if one of the scope's grants of
/// [`SUMMARY_ROLES`] covers it.
pub async fn summary_unit(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Unit> {
    let id = match id.trim() {
        "" => scope
            .grants()
            .iter()
            .find(|g| SUMMARY_ROLES.contains(&g.role))
            .map(|g| g.unit_id.clone())
            .ok_or(AppError::NotFound)?,
        id => id.to_owned(),
    };
    let u = units::get(tx, &id).await?;
    if !scope.covers(SUMMARY_ROLES, &u.path) {
        return Err(AppError::NotFound);
    }
    Ok(u)
}

/// Signed / total per village under `unit` (per commune above communes) for `year`,
/// read from the counters and the registry's counts; no personal record is read.
pub async fn summary(tx: &mut Tx, unit: &Unit, year: i32) -> AppResult<Vec<SummaryRow>> {
    let villages = tx
        .fetch_all(
            "SELECT v.id, v.name, v.commune_id, c.name AS commune_name FROM units v LEFT JOIN units c ON c.id = v.commune_id \
             WHERE v.kind = 'village' AND v.valid_to IS NULL AND v.path >= ? AND v.path < ? ORDER BY c.name COLLATE vi, v.name COLLATE vi, v.id",
            &[unit.path.clone().into(), format!("{}~", unit.path).into()],
        )
        .await?;
    let by_commune = !matches!(unit.kind.as_str(), "commune" | "village");
    let range = [
        Value::from(&unit.path),
        Value::from(format!("{}~", unit.path)),
    ];
    let count_rows = |table: &str| {
        format!(
            "SELECT t.village_id, COUNT(*) AS n FROM {table} t JOIN units v ON v.id = t.village_id \
             WHERE t.status = 'active' AND v.path >= ? AND v.path < ? GROUP BY t.village_id"
        )
    };
    let households = tx.fetch_all(&count_rows("households"), &range).await?;
    let members = tx.fetch_all(&count_rows("members"), &range).await?;
    let signed = tx
        .fetch_all(
            "SELECT k.village_id, k.subject, k.signed FROM commitment_counts k JOIN units v ON v.id = k.village_id \
             WHERE k.year = ? AND v.path >= ? AND v.path < ?",
            &[year.into(), range[0].clone(), range[1].clone()],
        )
        .await?;
    let find = |rows: &[Row], village: &str| -> AppResult<i64> {
        for r in rows {
            if r.str("village_id")? == village {
                return r.i64("n");
            }
        }
        Ok(0)
    };
    let mut out: Vec<SummaryRow> = Vec::new();
    for v in &villages {
        let id = v.str("id")?;
        let (mut sh, mut sm) = (0, 0);
        for r in &signed {
            if r.str("village_id")? == id {
                match Subject::parse(&r.str("subject")?) {
                    Some(Subject::Household) => sh += r.i64("signed")?,
                    Some(Subject::Member) => sm += r.i64("signed")?,
                    None => {}
                }
            }
        }
        let row = SummaryRow {
            unit_id: id.clone(),
            name: v.str("name")?,
            households: Tally {
                signed: sh,
                total: find(&households, &id)?,
            },
            members: Tally {
                signed: sm,
                total: find(&members, &id)?,
            },
        };
        if by_commune {
            let cid = v.opt_str("commune_id")?.unwrap_or_default();
            let cname = v.opt_str("commune_name")?.unwrap_or_default();
            match out.iter_mut().find(|o| o.unit_id == cid) {
                Some(o) => {
                    o.households.signed += row.households.signed;
                    o.households.total += row.households.total;
                    o.members.signed += row.members.signed;
                    o.members.total += row.members.total;
                }
                None => out.push(SummaryRow {
                    unit_id: cid,
                    name: cname,
                    ..row
                }),
            }
        } else {
            out.push(row);
        }
    }
    Ok(out)
}

/// The counters recomputed from the rows: (village, year, subject, signed). Tests compare
/// these with `commitment_counts`.
pub async fn recount(tx: &mut Tx) -> AppResult<Vec<(String, i64, String, i64)>> {
    let rows = tx
        .fetch_all(
            "SELECT village_id, year, subject, CAST(SUM(signed) AS BIGINT) AS n FROM commitments GROUP BY village_id, year, subject HAVING SUM(signed) > 0 ORDER BY village_id, year, subject",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.str("village_id")?,
                r.i64("year")?,
                r.str("subject")?,
                r.i64("n")?,
            ))
        })
        .collect()
}

/// The signed-in member's own commitments, newest year first: (year, signed, signed_on).
/// Noted as a read of their own member record.
pub async fn mine(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<(i64, bool, Option<String>)>> {
    let Some(member) = scope.member_id().filter(|_| scope.has_role(Role::Member)) else {
        return Err(AppError::Forbidden);
    };
    let rows = tx
        .fetch_all(
            "SELECT commune_id, year, signed, signed_on FROM commitments WHERE subject = 'member' AND subject_id = ? ORDER BY year DESC",
            &[member.into()],
        )
        .await?;
    if let Some(first) = rows.first() {
        let commune = first.str("commune_id")?;
        audit::shown(tx, scope, audit::Entity::Member, Some(&commune), [member]);
    }
    rows.iter()
        .map(|r| Ok((r.i64("year")?, r.bool("signed")?, r.opt_str("signed_on")?)))
        .collect()
}
