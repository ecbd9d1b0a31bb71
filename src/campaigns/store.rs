//! Campaigns in the database: making one (with its PDF and the snapshot of how many
//! households each village has to reach), recording deliveries with their counters, and
//! reading coverage for the viewer's scope.
//!
//! Who sees what: a campaign is visible to the staff whose area it reaches (its subtree
//! and theirs overlap). Counts are for everyone who sees it; names of households and
//! members only for the registry keepers (the village's secretary, the commune committee)
//! and, for their own households, the member.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use super::model::{self, CampaignDraft, Coverage, DeliveryDraft, Moves, Outcome};
use super::topics::{Channel, Topic};
use crate::assignment::store::assigned_filter;
use crate::audit;
use crate::auth::scope::unit_filter;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::people::kinds::SupportCategory;
use crate::units::store as units;

/// Roles that see campaigns of their area (counts, and names where they keep the registry).
pub const READERS: &[Role] = &[
    Role::Member,
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
    Role::Admin,
];
/// Roles that make campaigns: the commune for its commune, supervisors for their
/// subtree, the administrator anywhere.
pub const CREATORS: &[Role] = &[Role::CommuneCommittee, Role::Supervisor, Role::Admin];
/// Roles whose coverage tables are counts of an area (everyone but the member).
const AREA_VIEWERS: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
    Role::Admin,
];
/// A page's lists stop here; the rest is in the counts.
const LIST_LIMIT: i64 = 100;
/// A village's households still to reach, listed for its keepers a few at a time (the
/// page stays small on a phone; each one recorded makes room for the next).
const PENDING_LIMIT: i64 = 40;

/// A campaign as stored.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_path: String,
    pub commune_id: Option<String>,
    pub title: String,
    pub body: String,
    pub topic: Topic,
    pub categories: Vec<SupportCategory>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub remind_days: i64,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub created_by: String,
    pub created_at: String,
    pub targets_at: String,
}

impl Campaign {
    pub fn is_open(&self, today: Date) -> bool {
        model::is_open(today, self.starts_on, self.ends_on)
    }
}

const SELECT: &str =
    "SELECT c.*, u.name AS unit_name FROM campaigns c JOIN units u ON u.id = c.unit_id";

fn date_col(r: &Row, name: &str) -> AppResult<Date> {
    let s = r.str(name)?;
    model::parse_date(&s).ok_or_else(|| AppError::internal(format!("campaign {name} {s}")))
}

fn from_row(r: &Row) -> AppResult<Campaign> {
    let topic = r.str("topic")?;
    Ok(Campaign {
        id: r.str("id")?,
        unit_id: r.str("unit_id")?,
        unit_name: r.str("unit_name")?,
        unit_path: r.str("unit_path")?,
        commune_id: r.opt_str("commune_id")?,
        title: r.str("title")?,
        body: r.str("body")?,
        topic: Topic::parse(&topic)
            .ok_or_else(|| AppError::internal(format!("campaign topic {topic}")))?,
        categories: SupportCategory::decode(&r.str("support_categories")?),
        starts_on: date_col(r, "starts_on")?,
        ends_on: date_col(r, "ends_on")?,
        remind_days: r.i64("remind_days")?,
        file_name: r.opt_str("file_name")?,
        file_size: r.opt_i64("file_size")?,
        created_by: r.str("created_by")?,
        created_at: r.str("created_at")?,
        targets_at: r.str("targets_at")?,
    })
}

pub use crate::clock::vietnam_today as today;

/// Every path from the root down to `path` itself: the subtrees that contain it.
fn ancestors_of(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::from("/");
    for part in path.split('/').filter(|p| !p.is_empty()) {
        acc.push_str(part);
        acc.push('/');
        out.push(acc.clone());
    }
    out
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// SQL keeping campaigns (`c`) whose subtree and one of `paths` overlap: the campaign
/// lies inside the area, or the area inside the campaign's target.
fn overlap_filter(paths: &[&str]) -> (String, Vec<Value>) {
    if paths.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    let mut parts = Vec::new();
    let mut args = Vec::new();
    for p in paths {
        parts.push("(c.unit_path >= ? AND c.unit_path < ?)".to_owned());
        args.push(Value::from(*p));
        args.push(Value::from(format!("{p}~")));
    }
    let above: Vec<String> = paths.iter().flat_map(|p| ancestors_of(p)).collect();
    parts.push(format!("c.unit_path IN ({})", marks(above.len())));
    args.extend(above.into_iter().map(Value::from));
    (format!("({})", parts.join(" OR ")), args)
}

/// SQL keeping the households (`h`) a campaign targets: active, in its subtree, and of one
/// of its support categories when it names any.
pub fn target_filter(unit_path: &str, categories: &[SupportCategory]) -> (String, Vec<Value>) {
    let (mut sql, args) = unit_filter("h.village_id", &[unit_path]);
    sql = format!("h.status = 'active' AND {sql}");
    if !categories.is_empty() {
        let any: Vec<String> = categories
            .iter()
            .map(|c| {
                format!(
                    "(',' || h.support_categories || ',') LIKE '%,{},%'",
                    c.code()
                )
            })
            .collect();
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    (sql, args)
}

/// Whether a household (its village's path, categories and status) is in the target.
fn targets(c: &Campaign, village_path: &str, categories: &str, status: &str) -> bool {
    let cats = SupportCategory::decode(categories);
    status == "active"
        && village_path.starts_with(&c.unit_path)
        && (c.categories.is_empty() || c.categories.iter().any(|x| cats.contains(x)))
}

/// A campaign the scope may see; others are "not found".
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Campaign> {
    let (f, mut args) = overlap_filter(&scope.paths_for(READERS));
    let mut all = vec![Value::from(id)];
    all.append(&mut args);
    let row = tx
        .fetch_optional(&format!("{SELECT} WHERE c.id = ? AND {f}"), &all)
        .await?
        .ok_or(AppError::NotFound)?;
    from_row(&row)
}

/// A line of the list: the campaign and its coverage within the viewer's area.
#[derive(Debug, Clone)]
pub struct Listed {
    pub campaign: Campaign,
    pub coverage: Coverage,
}

/// The paths a scope's coverage counts are read for.
fn coverage_paths(scope: &Scope) -> Vec<&str> {
    scope.paths_for(READERS)
}

/// The campaigns that reach the scope's area, newest first, with coverage in that area.
pub async fn list(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Listed>> {
    let (f, fargs) = overlap_filter(&scope.paths_for(READERS));
    let (cf, cargs) = unit_filter("cv.village_id", &coverage_paths(scope));
    let sum = |col: &str| {
        format!(
            "(SELECT CAST(COALESCE(SUM(cv.{col}), 0) AS BIGINT) FROM campaign_villages cv \
             WHERE cv.campaign_id = c.id AND {cf}) AS {col}"
        )
    };
    // The coverage filter's arguments once per sum, then the list's own.
    let mut args = Vec::new();
    for _ in 0..3 {
        args.extend(cargs.iter().cloned());
    }
    args.extend(fargs);
    args.push(LIST_LIMIT.into());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT c.*, u.name AS unit_name, {}, {}, {} FROM campaigns c JOIN units u ON u.id = c.unit_id \
                 WHERE {f} ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
                sum("targeted"),
                sum("delivered"),
                sum("unreachable")
            ),
            &args,
        )
        .await?;
    rows.iter()
        .map(|r| {
            let c = from_row(r)?;
            let coverage = Coverage::new(
                &c.id,
                &c.title,
                r.i64("targeted")?,
                r.i64("delivered")?,
                r.i64("unreachable")?,
            );
            Ok(Listed {
                campaign: c,
                coverage,
            })
        })
        .collect()
}

/// A unit a creator may choose as the target.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub name: String,
}

/// The units a creator may target: their own units and what lies below, down to the
/// villages of a commune; under a province the districts and communes; under the country
/// the provinces (a select stays usable; the API takes any unit of the scope).
pub async fn target_choices(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Target>> {
    let mut out: Vec<Target> = Vec::new();
    for g in scope.grants().iter().filter(|g| CREATORS.contains(&g.role)) {
        let below = match g.unit_kind.as_str() {
            "country" => "'province'",
            "province" | "district" => "'district','commune'",
            _ => "'village'",
        };
        let rows = tx
            .fetch_all(
                &format!(
                    "SELECT id, name FROM units WHERE valid_to IS NULL AND \
                     (id = ? OR (path >= ? AND path < ? AND kind IN ({below}))) ORDER BY path LIMIT 500"
                ),
                &[
                    g.unit_id.clone().into(),
                    g.unit_path.clone().into(),
                    format!("{}~", g.unit_path).into(),
                ],
            )
            .await?;
        for r in rows {
            let id = r.str("id")?;
            if !out.iter().any(|o| o.id == id) {
                out.push(Target {
                    id,
                    name: r.str("name")?,
                });
            }
        }
    }
    Ok(out)
}

/// The commune a unit belongs to, if it is a commune or lies inside one.
fn commune_of(u: &units::Unit) -> Option<String> {
    match u.kind.as_str() {
        "commune" => Some(u.id.clone()),
        "village" => u.commune_id.clone(),
        _ => None,
    }
}

/// Makes a campaign, its PDF and its targeted counts, in the caller's unit of work. A
/// second submission of the same form (same id, same creator) answers with the first.
pub async fn create(
    tx: &mut WriteTx,
    scope: &Scope,
    d: &CampaignDraft,
    file: Option<(String, Vec<u8>)>,
) -> AppResult<String> {
    if let Some(r) = tx
        .fetch_optional(
            "SELECT created_by FROM campaigns WHERE id = ?",
            &[d.id.clone().into()],
        )
        .await?
    {
        if r.str("created_by")? == scope.user_id() {
            return Ok(d.id.clone());
        }
        return Err(AppError::invalid(
            "id",
            "Mã (id) này đã dùng cho một đợt khác",
        ));
    }
    let unit = match units::get(tx, &d.unit_id).await {
        Ok(u) => u,
        Err(AppError::NotFound) => {
            return Err(AppError::invalid("unit_id", "Phạm vi: không có đơn vị này"))
        }
        Err(e) => return Err(e),
    };
    if !scope.covers(CREATORS, &unit.path) || unit.valid_to.is_some() {
        return Err(AppError::invalid(
            "unit_id",
            "Phạm vi: chỉ chọn được đơn vị mình phụ trách hoặc đơn vị trực thuộc",
        ));
    }
    let now = clock::now();
    let commune = commune_of(&unit);
    let (file_name, file_size) = match &file {
        Some((name, bytes)) => (Some(name.clone()), Some(bytes.len() as i64)),
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO campaigns (id, unit_id, unit_path, commune_id, title, body, topic, support_categories, \
         starts_on, ends_on, remind_days, file_name, file_size, created_by, created_at, targets_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            d.id.clone().into(),
            unit.id.clone().into(),
            unit.path.clone().into(),
            commune.clone().into(),
            d.title.clone().into(),
            d.body.clone().into(),
            d.topic.code().into(),
            SupportCategory::encode(&d.categories).into(),
            model::iso(d.starts_on).into(),
            model::iso(d.ends_on).into(),
            d.remind_days.into(),
            file_name.into(),
            file_size.into(),
            scope.user_id().into(),
            now.clone().into(),
            now.into(),
        ],
    )
    .await?;
    if let Some((_, bytes)) = &file {
        use base64::Engine as _;
        tx.execute(
            "INSERT INTO campaign_files (campaign_id, content, size, sha256) VALUES (?, ?, ?, ?)",
            &[
                d.id.clone().into(),
                base64::engine::general_purpose::STANDARD
                    .encode(bytes)
                    .into(),
                (bytes.len() as i64).into(),
                sha256_hex(bytes).into(),
            ],
        )
        .await?;
    }
    snapshot(tx, &d.id, &unit.path, &d.categories).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Campaign,
        &d.id,
        commune.as_deref(),
        serde_json::json!({
            "unit_id": unit.id,
            "topic": d.topic.code(),
            "support_categories": SupportCategory::encode(&d.categories),
            "file": file.is_some(),
        }),
    );
    Ok(d.id.clone())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Takes the targeted count of every village of the target from the registry: the one
/// scan of the households a campaign makes (at creation, and on a refresh).
async fn snapshot(
    tx: &mut WriteTx,
    campaign_id: &str,
    unit_path: &str,
    categories: &[SupportCategory],
) -> AppResult<()> {
    tx.execute(
        "UPDATE campaign_villages SET targeted = 0 WHERE campaign_id = ?",
        &[campaign_id.into()],
    )
    .await?;
    let (f, args) = target_filter(unit_path, categories);
    let mut all = vec![Value::from(campaign_id)];
    all.extend(args);
    tx.execute(
        &format!(
            "INSERT INTO campaign_villages (campaign_id, village_id, commune_id, targeted, delivered, unreachable) \
             SELECT ?, h.village_id, h.commune_id, COUNT(*), 0, 0 FROM households h WHERE {f} \
             GROUP BY h.village_id, h.commune_id \
             ON CONFLICT (commune_id, campaign_id, village_id) DO UPDATE SET targeted = excluded.targeted"
        ),
        &all,
    )
    .await?;
    Ok(())
}

/// Takes the targeted counts again, after households were added, moved or changed
/// category. Only those who may make a campaign for its target may do it.
pub async fn refresh(tx: &mut WriteTx, scope: &Scope, id: &str) -> AppResult<Campaign> {
    let c = get(tx, scope, id).await?;
    if !scope.covers(CREATORS, &c.unit_path) {
        return Err(AppError::Forbidden);
    }
    snapshot(tx, &c.id, &c.unit_path, &c.categories).await?;
    tx.execute(
        "UPDATE campaigns SET targets_at = ? WHERE id = ?",
        &[clock::now().into(), c.id.clone().into()],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Campaign,
        &c.id,
        c.commune_id.as_deref(),
        serde_json::json!({ "targets": "refreshed" }),
    );
    Ok(c)
}

/// The attached PDF: its file name and bytes.
pub async fn file(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<(String, Vec<u8>)> {
    use base64::Engine as _;
    let c = get(tx, scope, id).await?;
    let row = tx
        .fetch_optional(
            "SELECT content FROM campaign_files WHERE campaign_id = ?",
            &[c.id.clone().into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(row.str("content")?)
        .map_err(|_| AppError::internal("campaign file is not base64"))?;
    Ok((c.file_name.unwrap_or_else(|| "tai-lieu.pdf".into()), bytes))
}

/// A household as a delivery form needs it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetHousehold {
    pub id: String,
    pub code: String,
    pub head_name: String,
    pub village_id: String,
    pub commune_id: String,
    /// Its recorded outcome, if any: (outcome, yyyy-mm-dd).
    pub outcome: Option<String>,
    pub on_date: Option<String>,
    pub channel: Option<String>,
    pub reason: Option<String>,
}

/// A targeted household the scope may record for: a member for the households assigned
/// to them, the registry keepers for their villages. Others are "not found"; a household
/// the campaign does not target is refused with a message.
pub async fn household_for(
    tx: &mut Tx,
    scope: &Scope,
    c: &Campaign,
    household_id: &str,
) -> AppResult<TargetHousehold> {
    let row = tx
        .fetch_optional(
            "SELECT h.id, h.code, h.head_name, h.village_id, h.commune_id, h.support_categories, h.status, v.path AS village_path, \
             d.outcome, d.on_date, d.channel, d.reason \
             FROM households h JOIN units v ON v.id = h.village_id \
             LEFT JOIN campaign_deliveries d ON d.campaign_id = ? AND d.household_id = h.id WHERE h.id = ?",
            &[c.id.clone().into(), household_id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let village_path = row.str("village_path")?;
    let keeper = scope.can_keep_registry_at(&village_path);
    let assigned = match assigned_filter(scope, "h.id") {
        Some((f, args)) if !keeper => {
            let mut all = vec![Value::from(household_id)];
            all.extend(args);
            tx.scalar_i64(
                &format!("SELECT COUNT(*) FROM households h WHERE h.id = ? AND {f}"),
                &all,
            )
            .await?
                > 0
        }
        _ => false,
    };
    if !keeper && !assigned {
        return Err(AppError::NotFound);
    }
    if !targets(
        c,
        &village_path,
        &row.str("support_categories")?,
        &row.str("status")?,
    ) {
        return Err(AppError::invalid(
            "household_id",
            "Hộ này không thuộc đối tượng của đợt tuyên truyền (ngoài phạm vi hoặc không thuộc diện hộ của đợt)",
        ));
    }
    let h = TargetHousehold {
        id: row.str("id")?,
        code: row.str("code")?,
        head_name: row.str("head_name")?,
        village_id: row.str("village_id")?,
        commune_id: row.str("commune_id")?,
        outcome: row.opt_str("outcome")?,
        on_date: row.opt_str("on_date")?,
        channel: row.opt_str("channel")?,
        reason: row.opt_str("reason")?,
    };
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        Some(&h.commune_id),
        [h.id.as_str()],
    );
    Ok(h)
}

/// A recorded delivery, as the API answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: String,
    pub campaign_id: String,
    pub household_id: String,
    pub outcome: Outcome,
    /// yyyy-mm-dd
    pub on_date: String,
    pub channel: Option<Channel>,
    pub reason: Option<String>,
    pub recorded_at: String,
}

fn delivery_from_row(r: &Row) -> AppResult<Delivery> {
    let outcome = r.str("outcome")?;
    Ok(Delivery {
        id: r.str("id")?,
        campaign_id: r.str("campaign_id")?,
        household_id: r.str("household_id")?,
        outcome: Outcome::parse(&outcome)
            .ok_or_else(|| AppError::internal(format!("delivery outcome {outcome}")))?,
        on_date: r.str("on_date")?,
        channel: r.opt_str("channel")?.as_deref().and_then(Channel::parse),
        reason: r.opt_str("reason")?,
        recorded_at: r.str("recorded_at")?,
    })
}

/// Records (or replaces) the outcome for one household, moving the counters in the same
/// unit of work. The same recording sent twice (same id) changes nothing the second time.
pub async fn record(
    tx: &mut WriteTx,
    scope: &Scope,
    c: &Campaign,
    h: &TargetHousehold,
    d: &DeliveryDraft,
) -> AppResult<Delivery> {
    const ROW: &str = "SELECT * FROM campaign_deliveries";
    let before = tx
        .fetch_optional(
            &format!("{ROW} WHERE campaign_id = ? AND household_id = ?"),
            &[c.id.clone().into(), h.id.clone().into()],
        )
        .await?;
    if let Some(b) = &before {
        if b.str("id")? == d.id {
            return delivery_from_row(b);
        }
    }
    if tx
        .fetch_optional(&format!("{ROW} WHERE id = ?"), &[d.id.clone().into()])
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "id",
            "Mã (id) này đã dùng cho một lần ghi nhận khác; mỗi lần ghi cần một mã mới",
        ));
    }
    let now = clock::now();
    let on_date = model::iso(d.on_date);
    let member = scope
        .member_id()
        .filter(|_| scope.has_role(Role::Member))
        .map(str::to_owned);
    let args: Vec<Value> = vec![
        d.id.clone().into(),
        d.outcome.code().into(),
        on_date.clone().into(),
        d.channel.map(|c| c.code()).into(),
        d.reason.clone().into(),
        member.into(),
        scope.user_id().into(),
        now.into(),
        c.id.clone().into(),
        h.id.clone().into(),
    ];
    let old = match &before {
        Some(b) => {
            tx.execute(
                "UPDATE campaign_deliveries SET id = ?, outcome = ?, on_date = ?, channel = ?, reason = ?, member_id = ?, \
                 recorded_by = ?, recorded_at = ? WHERE campaign_id = ? AND household_id = ?",
                &args,
            )
            .await?;
            let o = b.str("outcome")?;
            Some((
                Outcome::parse(&o).ok_or_else(|| AppError::internal(format!("outcome {o}")))?,
                b.str("on_date")?,
            ))
        }
        None => {
            let mut a = args;
            a.push(h.commune_id.clone().into());
            a.push(h.village_id.clone().into());
            tx.execute(
                "INSERT INTO campaign_deliveries (id, outcome, on_date, channel, reason, member_id, recorded_by, recorded_at, \
                 campaign_id, household_id, commune_id, village_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &a,
            )
            .await?;
            None
        }
    };
    let moves = Moves::between(
        old.as_ref().map(|(o, day)| (*o, day.as_str())),
        (d.outcome, &on_date),
    );
    move_counters(tx, c, h, &moves).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Deliver,
        audit::Entity::Household,
        &h.id,
        Some(&h.commune_id),
        serde_json::json!({ "campaign": c.id, "outcome": d.outcome.code() }),
    );
    let row = tx
        .fetch_one(&format!("{ROW} WHERE id = ?"), &[d.id.clone().into()])
        .await?;
    delivery_from_row(&row)
}

async fn move_counters(
    tx: &mut WriteTx,
    c: &Campaign,
    h: &TargetHousehold,
    m: &Moves,
) -> AppResult<()> {
    // A village with no targeted household at the snapshot (a household added since)
    // gets its line now.
    tx.execute(
        "INSERT INTO campaign_villages (campaign_id, village_id, commune_id, targeted, delivered, unreachable) \
         VALUES (?, ?, ?, 0, 0, 0) ON CONFLICT (commune_id, campaign_id, village_id) DO NOTHING",
        &[c.id.clone().into(), h.village_id.clone().into(), h.commune_id.clone().into()],
    )
    .await?;
    tx.execute(
        "UPDATE campaign_villages SET delivered = delivered + ?, unreachable = unreachable + ? \
         WHERE campaign_id = ? AND village_id = ?",
        &[
            m.delivered.into(),
            m.unreachable.into(),
            c.id.clone().into(),
            h.village_id.clone().into(),
        ],
    )
    .await?;
    if let Some(day) = &m.day_minus {
        tx.execute(
            "UPDATE delivery_day_counts SET deliveries = deliveries - 1 WHERE commune_id = ? AND village_id = ? AND day = ?",
            &[h.commune_id.clone().into(), h.village_id.clone().into(), day.clone().into()],
        )
        .await?;
    }
    if let Some(day) = &m.day_plus {
        tx.execute(
            "INSERT INTO delivery_day_counts (village_id, day, commune_id, deliveries) VALUES (?, ?, ?, 1) \
             ON CONFLICT (commune_id, village_id, day) DO UPDATE SET deliveries = delivery_day_counts.deliveries + 1",
            &[h.village_id.clone().into(), day.clone().into(), h.commune_id.clone().into()],
        )
        .await?;
    }
    Ok(())
}

/// Coverage of one campaign within the viewer's area: a line per village (or per commune
/// when the area spans several), and the total.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Area {
    /// "village", "commune" or "province": what each line is (the finest level that
    /// still gives more than one line).
    pub level: String,
    pub rows: Vec<Coverage>,
    pub total: Coverage,
}

/// Counts only: read from the per-village counters, no personal record.
pub async fn coverage(tx: &mut Tx, scope: &Scope, c: &Campaign) -> AppResult<Area> {
    let paths = scope.paths_for(AREA_VIEWERS);
    if paths.is_empty() {
        return Ok(Area::default());
    }
    let (f, args) = unit_filter("cv.village_id", &paths);
    let mut all = vec![Value::from(c.id.clone())];
    all.extend(args);
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT cv.village_id, v.name AS village_name, cv.commune_id, m.name AS commune_name, m.path AS commune_path, \
                 cv.targeted, cv.delivered, cv.unreachable \
                 FROM campaign_villages cv JOIN units v ON v.id = cv.village_id JOIN units m ON m.id = cv.commune_id \
                 WHERE cv.campaign_id = ? AND {f} ORDER BY m.path, m.name COLLATE vi, v.name COLLATE vi, cv.village_id"
            ),
            &all,
        )
        .await?;
    let mut villages = Vec::new();
    let mut by_commune = Vec::new();
    let mut by_province = Vec::new();
    for r in &rows {
        let line = Coverage::new(
            &r.str("village_id")?,
            &r.str("village_name")?,
            r.i64("targeted")?,
            r.i64("delivered")?,
            r.i64("unreachable")?,
        );
        // The province is the commune's second step from the root (/vn/<province>/…).
        let province = r
            .str("commune_path")?
            .split('/')
            .filter(|p| !p.is_empty())
            .nth(1)
            .unwrap_or("")
            .to_owned();
        by_commune.push((r.str("commune_id")?, r.str("commune_name")?, line.clone()));
        by_province.push((province, String::new(), line.clone()));
        villages.push(line);
    }
    let total = Coverage::total(&c.unit_id, &c.unit_name, &villages);
    let provinces = Coverage::group(&by_province);
    if provinces.len() > 1 {
        let mut rows = Vec::new();
        for p in provinces {
            let name = match units::get(tx, &p.id).await {
                Ok(u) => u.name,
                Err(_) => p.id.clone(),
            };
            rows.push(Coverage { name, ..p });
        }
        return Ok(Area {
            level: "province".into(),
            rows,
            total,
        });
    }
    let communes = Coverage::group(&by_commune);
    if communes.len() > 1 {
        return Ok(Area {
            level: "commune".into(),
            rows: communes,
            total,
        });
    }
    Ok(Area {
        level: "village".into(),
        rows: villages,
        total,
    })
}

/// Coverage per member of one village: names, so only for the village's keepers
/// (its secretary, the commune committee); read-logged. Computed from the village's
/// approved pairs (a few hundred rows at most), not from a province-wide scan.
pub async fn members_coverage(
    tx: &mut Tx,
    scope: &Scope,
    c: &Campaign,
    village_id: &str,
) -> AppResult<Vec<Coverage>> {
    let v = units::get(tx, village_id).await?;
    if v.kind != "village" || !scope.can_keep_registry_at(&v.path) {
        return Err(AppError::NotFound);
    }
    let (f, args) = target_filter(&c.unit_path, &c.categories);
    let mut all = vec![Value::from(c.id.clone()), Value::from(v.id.clone())];
    all.extend(args);
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT p.member_id, m.full_name, COUNT(*) AS targeted, \
                 CAST(COALESCE(SUM(CASE WHEN d.outcome = 'delivered' THEN 1 ELSE 0 END), 0) AS BIGINT) AS delivered, \
                 CAST(COALESCE(SUM(CASE WHEN d.outcome = 'unreachable' THEN 1 ELSE 0 END), 0) AS BIGINT) AS unreachable \
                 FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id AND a.status = 'approved' \
                 JOIN households h ON h.id = p.household_id JOIN members m ON m.id = p.member_id \
                 LEFT JOIN campaign_deliveries d ON d.campaign_id = ? AND d.household_id = h.id \
                 WHERE a.village_id = ? AND {f} GROUP BY p.member_id, m.full_name, m.name_key ORDER BY m.name_key, p.member_id"
            ),
            &all,
        )
        .await?;
    let out = rows
        .iter()
        .map(|r| {
            Ok(Coverage::new(
                &r.str("member_id")?,
                &r.str("full_name")?,
                r.i64("targeted")?,
                r.i64("delivered")?,
                r.i64("unreachable")?,
            ))
        })
        .collect::<AppResult<Vec<_>>>()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        v.commune_id.as_deref(),
        out.iter().map(|m| m.id.as_str()),
    );
    Ok(out)
}

/// The targeted households a delivery list shows: the member's own, or those of a
/// village still to reach (for its keepers). Read-logged.
pub async fn households(
    tx: &mut Tx,
    scope: &Scope,
    c: &Campaign,
    village_id: Option<&str>,
) -> AppResult<Vec<TargetHousehold>> {
    let (tf, targs) = target_filter(&c.unit_path, &c.categories);
    let (who, wargs, pending_only) = match village_id {
        Some(v) => {
            let v = units::get(tx, v).await?;
            if v.kind != "village" || !scope.can_keep_registry_at(&v.path) {
                return Err(AppError::NotFound);
            }
            ("h.village_id = ?".to_owned(), vec![Value::from(v.id)], true)
        }
        None => match assigned_filter(scope, "h.id") {
            Some((f, a)) => (f, a, false),
            None => return Ok(Vec::new()),
        },
    };
    let mut all = vec![Value::from(c.id.clone())];
    all.extend(wargs);
    all.extend(targs);
    all.push(
        if pending_only {
            PENDING_LIMIT
        } else {
            LIST_LIMIT
        }
        .into(),
    );
    let pending = if pending_only {
        " AND (d.outcome IS NULL OR d.outcome <> 'delivered')"
    } else {
        ""
    };
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT h.id, h.code, h.head_name, h.village_id, h.commune_id, d.outcome, d.on_date, d.channel, d.reason \
                 FROM households h LEFT JOIN campaign_deliveries d ON d.campaign_id = ? AND d.household_id = h.id \
                 WHERE {who} AND {tf}{pending} ORDER BY h.code, h.id LIMIT ?"
            ),
            &all,
        )
        .await?;
    let out = rows
        .iter()
        .map(|r| {
            Ok(TargetHousehold {
                id: r.str("id")?,
                code: r.str("code")?,
                head_name: r.str("head_name")?,
                village_id: r.str("village_id")?,
                commune_id: r.str("commune_id")?,
                outcome: r.opt_str("outcome")?,
                on_date: r.opt_str("on_date")?,
                channel: r.opt_str("channel")?,
                reason: r.opt_str("reason")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    if let Some(first) = out.first() {
        let commune = first.commune_id.clone();
        audit::shown(
            tx,
            scope,
            audit::Entity::Household,
            Some(&commune),
            out.iter().map(|h| h.id.as_str()),
        );
    }
    Ok(out)
}

/// An open campaign a household has not been reached for yet (for the household card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingCampaign {
    pub id: String,
    pub title: String,
    /// yyyy-mm-dd
    pub ends_on: String,
}

/// Open campaigns (today within their dates) targeting each of `household_ids` that have
/// no delivered outcome for it yet ("could not reach" is still pending). Households the
/// scope may not see are left out.
pub async fn pending_for_households(
    tx: &mut Tx,
    scope: &Scope,
    household_ids: &[String],
) -> AppResult<HashMap<String, Vec<PendingCampaign>>> {
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (kf, kargs) = unit_filter("h.village_id", &scope.registry_paths());
    let (af, aargs) = assigned_filter(scope, "h.id").unwrap_or(("1 = 0".into(), Vec::new()));
    let mut args: Vec<Value> = household_ids.iter().map(Value::from).collect();
    args.extend(kargs);
    args.extend(aargs);
    let hh = tx
        .fetch_all(
            &format!(
                "SELECT h.id, h.support_categories, h.status, v.path FROM households h JOIN units v ON v.id = h.village_id \
                 WHERE h.id IN ({}) AND ({kf} OR {af})",
                marks(household_ids.len())
            ),
            &args,
        )
        .await?;
    if hh.is_empty() {
        return Ok(HashMap::new());
    }
    let targets = hh
        .iter()
        .map(Reachable::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(for_households(tx, &targets, today()).await?.pending)
}

/// A household as campaigns target it: where it lives, its support categories, its status.
pub struct Reachable {
    pub id: String,
    /// Its village's path.
    pub path: String,
    pub support_categories: String,
    pub status: String,
}

impl Reachable {
    /// From a row with `id`, `path`, `support_categories` and `status`.
    pub fn from_row(r: &Row) -> AppResult<Reachable> {
        Ok(Reachable {
            id: r.str("id")?,
            path: r.str("path")?,
            support_categories: r.str("support_categories")?,
            status: r.str("status")?,
        })
    }
}

/// What campaigns ask of some households: per household the open campaigns it still
/// waits for, and per campaign in its reminder window how many are still to deliver.
#[derive(Default)]
pub struct Outstanding {
    pub pending: HashMap<String, Vec<PendingCampaign>>,
    pub due: Vec<Due>,
}

/// [`Outstanding`] for households the caller has already read under its scope: one read of
/// the open campaigns over their villages' paths, one of their deliveries.
pub async fn for_households(
    tx: &mut Tx,
    households: &[Reachable],
    today: Date,
) -> AppResult<Outstanding> {
    let mut out = Outstanding::default();
    let mut paths: Vec<String> = Vec::new();
    for h in households {
        for p in ancestors_of(&h.path) {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    let campaigns = open_campaigns(tx, &paths, today).await?;
    if campaigns.is_empty() {
        return Ok(out);
    }
    let delivered =
        delivered_pairs(tx, &campaigns, households.iter().map(|h| h.id.clone())).await?;
    let waits = |c: &Campaign, h: &Reachable| {
        targets(c, &h.path, &h.support_categories, &h.status)
            && !delivered.contains(&(c.id.clone(), h.id.clone()))
    };
    for h in households {
        let list: Vec<PendingCampaign> = campaigns
            .iter()
            .filter(|c| waits(c, h))
            .map(|c| PendingCampaign {
                id: c.id.clone(),
                title: c.title.clone(),
                ends_on: model::iso(c.ends_on),
            })
            .collect();
        if !list.is_empty() {
            out.pending.insert(h.id.clone(), list);
        }
    }
    for c in campaigns
        .iter()
        .filter(|c| model::in_reminder_window(today, c.starts_on, c.ends_on, c.remind_days))
    {
        let pending = households.iter().filter(|h| waits(c, h)).count() as i64;
        if pending > 0 {
            out.due.push(Due {
                campaign_id: c.id.clone(),
                title: c.title.clone(),
                ends_on: c.ends_on,
                pending,
                village: false,
            });
        }
    }
    Ok(out)
}

/// Campaigns running on `today` whose target is one of `paths`.
async fn open_campaigns(tx: &mut Tx, paths: &[String], today: Date) -> AppResult<Vec<Campaign>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let t = model::iso(today);
    let mut args: Vec<Value> = paths.iter().map(Value::from).collect();
    args.push(t.clone().into());
    args.push(t.into());
    let rows = tx
        .fetch_all(
            &format!(
                "{SELECT} WHERE c.unit_path IN ({}) AND c.starts_on <= ? AND c.ends_on >= ? ORDER BY c.ends_on, c.id",
                marks(paths.len())
            ),
            &args,
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// (campaign, household) pairs among these that have a delivered outcome.
async fn delivered_pairs(
    tx: &mut Tx,
    campaigns: &[Campaign],
    households: impl Iterator<Item = String>,
) -> AppResult<std::collections::HashSet<(String, String)>> {
    let hs: Vec<String> = households.collect();
    if hs.is_empty() || campaigns.is_empty() {
        return Ok(Default::default());
    }
    let mut args: Vec<Value> = campaigns
        .iter()
        .map(|c| Value::from(c.id.clone()))
        .collect();
    args.extend(hs.iter().map(Value::from));
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT campaign_id, household_id FROM campaign_deliveries WHERE outcome = 'delivered' \
                 AND campaign_id IN ({}) AND household_id IN ({})",
                marks(campaigns.len()),
                marks(hs.len())
            ),
            &args,
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.str("campaign_id")?, r.str("household_id")?)))
        .collect()
}

/// A reminder on the home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub campaign_id: String,
    pub title: String,
    pub ends_on: Date,
    pub pending: i64,
    /// The village's count (the secretary's), not the member's own households.
    pub village: bool,
}

/// What is due on `today`: for a member, their undelivered targeted households per
/// campaign in its reminder window; for a village's secretary, the village's.
pub async fn due(tx: &mut Tx, scope: &Scope, today: Date) -> AppResult<Vec<Due>> {
    let mut out = Vec::new();
    // The member's own households.
    if let Some((f, args)) = assigned_filter(scope, "h.id") {
        let hh = tx
            .fetch_all(
                &format!(
                    "SELECT h.id, h.support_categories, h.status, v.path FROM households h \
                     JOIN units v ON v.id = h.village_id WHERE {f}"
                ),
                &args,
            )
            .await?;
        let targets = hh
            .iter()
            .map(Reachable::from_row)
            .collect::<AppResult<Vec<_>>>()?;
        out = for_households(tx, &targets, today).await?.due;
    }
    out.extend(due_in_villages(tx, scope, today).await?);
    Ok(out)
}

/// What is due in the secretary's villages, from the counters (nothing, without a query,
/// for anyone else).
pub async fn due_in_villages(tx: &mut Tx, scope: &Scope, today: Date) -> AppResult<Vec<Due>> {
    let mut out = Vec::new();
    // The secretary's villages: from the counters.
    let villages: Vec<&str> = scope.paths_for(&[Role::CellSecretary]);
    if !villages.is_empty() {
        let mut paths: Vec<String> = Vec::new();
        for v in &villages {
            for p in ancestors_of(v) {
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
        let campaigns: Vec<Campaign> = open_campaigns(tx, &paths, today)
            .await?
            .into_iter()
            .filter(|c| model::in_reminder_window(today, c.starts_on, c.ends_on, c.remind_days))
            .collect();
        let (f, args) = unit_filter("cv.village_id", &villages);
        for c in &campaigns {
            let mut all = vec![Value::from(c.id.clone())];
            all.extend(args.iter().cloned());
            let pending = tx
                .scalar_i64(
                    &format!(
                        "SELECT CAST(COALESCE(SUM(CASE WHEN cv.targeted > cv.delivered THEN cv.targeted - cv.delivered ELSE 0 END), 0) AS BIGINT) \
                         FROM campaign_villages cv WHERE cv.campaign_id = ? AND {f}"
                    ),
                    &all,
                )
                .await?;
            if pending > 0 {
                out.push(Due {
                    campaign_id: c.id.clone(),
                    title: c.title.clone(),
                    ends_on: c.ends_on,
                    pending,
                    village: true,
                });
            }
        }
    }
    Ok(out)
}
