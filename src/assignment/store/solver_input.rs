//! What the solver needs from the registry, and the commune's capacity setting.

use super::*;

/// A household as the solver and the pages need it.
#[derive(Debug, Clone)]
pub struct HouseholdIn {
    pub brief: HouseholdBrief,
    pub xom: String,
    pub ngo: String,
}

/// One village's registry and plan state, read once, solved without I/O.
#[derive(Debug, Clone)]
pub struct VillageData {
    pub village: Unit,
    pub households: Vec<HouseholdIn>,
    /// Active members only: exempt, moved and deceased members take no households.
    pub members: Vec<(MemberBrief, Option<String>)>,
    pub previous: Vec<(String, String)>,
    pub locked: Vec<(String, String)>,
    pub capacity: u32,
}

pub fn address(house_no: &str, ngo: &str, xom: &str) -> String {
    let mut parts = Vec::new();
    if !house_no.is_empty() {
        parts.push(format!("Số {house_no}"));
    }
    if !ngo.is_empty() {
        parts.push(format!("ngõ {ngo}"));
    }
    if !xom.is_empty() {
        // Registers write either "Đông" or "Xóm Đông"; never say "xóm Xóm".
        let head: String = xom.chars().take(4).collect();
        if crate::text::fold(&head).starts_with("xom") {
            parts.push(xom.to_owned());
        } else {
            parts.push(format!("xóm {xom}"));
        }
    }
    parts.join(", ")
}

impl VillageData {
    pub fn problem(&self) -> solver::Problem {
        let point = |la: Option<f64>, lo: Option<f64>| match (la, lo) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        };
        solver::Problem {
            members: self
                .members
                .iter()
                .map(|(m, own)| solver::MemberInput {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    // Home = their own household (prep falls back to it).
                    home: None,
                    xom: None,
                    own_household: own.clone(),
                })
                .collect(),
            households: self
                .households
                .iter()
                .map(|h| solver::HouseholdInput {
                    id: h.brief.id.clone(),
                    code: h.brief.code.clone(),
                    pos: point(h.brief.latitude, h.brief.longitude),
                    xom: Some(h.xom.clone()).filter(|x| !x.is_empty()),
                    ngo: Some(h.ngo.clone()).filter(|x| !x.is_empty()),
                })
                .collect(),
            previous: self.previous.clone(),
            locked: self.locked.clone(),
            settings: solver::Settings {
                capacity: self.capacity,
                ..solver::Settings::default()
            },
        }
    }

    /// Solves; a solver refusal becomes a message the secretary can act on.
    pub fn solve(&self) -> AppResult<solver::Plan> {
        solver::solve(&self.problem()).map_err(|e| AppError::Conflict(e.to_string()))
    }
}

fn capacity_key(commune_id: &str) -> String {
    format!("assignment.capacity.{commune_id}")
}

/// The commune's "about ten" (a commune setting; pilots range 5–11), else the default.
pub async fn commune_capacity(tx: &mut Tx, commune_id: &str) -> AppResult<u32> {
    let row = tx
        .fetch_optional(
            "SELECT value FROM settings WHERE key = ?",
            &[capacity_key(commune_id).into()],
        )
        .await?;
    Ok(row
        .map(|r| r.str("value"))
        .transpose()?
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|c| (1..=MAX_CAPACITY).contains(c))
        .unwrap_or(DEFAULT_CAPACITY))
}

/// Sets the commune's capacity: the commune committee only.
pub async fn set_commune_capacity(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    capacity: u32,
) -> AppResult<()> {
    let commune = units::get(tx, commune_id).await?;
    // Units are public facts (units::store): a wrong kind is "not found", a commune
    // outside the user's committee grants is "forbidden".
    if commune.kind != "commune" {
        return Err(AppError::NotFound);
    }
    if !scope.covers(&[Role::CommuneCommittee], &commune.path) {
        return Err(AppError::Forbidden);
    }
    let capacity = check_capacity(capacity)?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[capacity_key(&commune.id).into(), capacity.to_string().into()],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Capacity,
        audit::Entity::Unit,
        &commune.id,
        Some(&commune.id),
        serde_json::json!({ "capacity": capacity }),
    );
    Ok(())
}

pub fn check_capacity(c: u32) -> AppResult<u32> {
    if c == 0 || c > MAX_CAPACITY {
        return Err(AppError::invalid(
            "capacity",
            format!("Số hộ tối đa mỗi đảng viên phụ trách phải từ 1 đến {MAX_CAPACITY}"),
        ));
    }
    Ok(c)
}

/// Reads what the solver needs for one village (the caller has checked access).
/// It takes no scope, so nothing outside the assignment feature may call it: its store
/// checks the scope first, its command line acts as the system.
/// `locked_from`: the plan whose locked pairs are kept (the open draft when re-planning).
pub(in crate::assignment) async fn load_village(
    tx: &mut Tx,
    village: &Unit,
    capacity: Option<u32>,
    locked_from: Option<&str>,
) -> AppResult<VillageData> {
    let capacity = match capacity {
        Some(c) => check_capacity(c)?,
        None => commune_capacity(tx, village.commune_id.as_deref().unwrap_or_default()).await?,
    };
    let rows = tx
        .fetch_all(
            "SELECT id, code, head_name, xom, ngo, house_no, latitude, longitude FROM households \
             WHERE village_id = ? AND status = 'active' ORDER BY code, id",
            &[village.id.clone().into()],
        )
        .await?;
    let mut households = Vec::with_capacity(rows.len());
    for r in &rows {
        let (xom, ngo) = (r.str("xom")?, r.str("ngo")?);
        households.push(HouseholdIn {
            brief: HouseholdBrief {
                id: r.str("id")?,
                code: r.str("code")?,
                head_name: r.str("head_name")?,
                address: address(&r.str("house_no")?, &ngo, &xom),
                latitude: r.opt_f64("latitude")?,
                longitude: r.opt_f64("longitude")?,
            },
            xom,
            ngo,
        });
    }
    let members = member_rows(tx, &village.id, true)
        .await?
        .into_iter()
        .collect();
    let previous = pair_ids(
        tx,
        "SELECT p.household_id, p.member_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         WHERE a.village_id = ? AND a.status = 'approved' ORDER BY p.household_id",
        &village.id,
    )
    .await?;
    let locked = match locked_from {
        Some(pid) => {
            pair_ids(
                tx,
                "SELECT household_id, member_id FROM assignment_pairs WHERE plan_id = ? AND locked = 1 ORDER BY household_id",
                pid,
            )
            .await?
        }
        None => Vec::new(),
    };
    Ok(VillageData {
        village: village.clone(),
        households,
        members,
        previous,
        locked,
        capacity,
    })
}

async fn pair_ids(tx: &mut Tx, sql: &str, arg: &str) -> AppResult<Vec<(String, String)>> {
    tx.fetch_all(sql, &[arg.into()])
        .await?
        .iter()
        .map(|r| Ok((r.str("household_id")?, r.str("member_id")?)))
        .collect()
}

/// Members of a village (only active ones when `active_only`), with their home.
pub(super) async fn member_rows(
    tx: &mut Tx,
    village_id: &str,
    active_only: bool,
) -> AppResult<Vec<(MemberBrief, Option<String>)>> {
    let filter = if active_only {
        " AND m.status = 'active'"
    } else {
        ""
    };
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT m.id, m.full_name, m.status, m.household_id, h.latitude, h.longitude FROM members m \
                 LEFT JOIN households h ON h.id = m.household_id WHERE m.village_id = ?{filter} \
                 ORDER BY m.name_key, m.id"
            ),
            &[village_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                MemberBrief {
                    id: r.str("id")?,
                    name: r.str("full_name")?,
                    status: r.str("status")?,
                    latitude: r.opt_f64("latitude")?,
                    longitude: r.opt_f64("longitude")?,
                },
                r.opt_str("household_id")?,
            ))
        })
        .collect()
}
