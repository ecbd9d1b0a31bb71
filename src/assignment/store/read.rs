//! Reading plans: pairs and everything the plan page, the map and the documents show.

use super::solver_input::member_rows;
use super::*;

pub(super) const PAIRS: &str = "SELECT p.household_id, p.member_id, p.reason, p.distance_m, p.locked, h.code, h.head_name, h.xom, h.ngo, \
     h.house_no, h.latitude, h.longitude, h.status AS h_status, m.full_name, m.status AS m_status \
     FROM assignment_pairs p JOIN households h ON h.id = p.household_id JOIN members m ON m.id = p.member_id";

pub(super) fn pair_from_row(r: &Row) -> AppResult<PairView> {
    Ok(PairView {
        household_id: r.str("household_id")?,
        household_code: r.str("code")?,
        head_name: r.str("head_name")?,
        address: address(&r.str("house_no")?, &r.str("ngo")?, &r.str("xom")?),
        latitude: r.opt_f64("latitude")?,
        longitude: r.opt_f64("longitude")?,
        household_active: r.str("h_status")? == "active",
        member_id: r.str("member_id")?,
        member_name: r.str("full_name")?,
        member_status: r.str("m_status")?,
        reason: r.str("reason")?,
        distance_m: r.opt_i64("distance_m")?,
        locked: r.bool("locked")?,
    })
}

/// Pairs of a plan (the caller has checked access).
async fn pairs(tx: &mut Tx, plan_id: &str) -> AppResult<Vec<PairView>> {
    tx.fetch_all(
        &format!("{PAIRS} WHERE p.plan_id = ? ORDER BY h.code, h.id"),
        &[plan_id.into()],
    )
    .await?
    .iter()
    .map(pair_from_row)
    .collect()
}

/// Everything the plan page, the map and the documents show.
#[derive(Debug, Clone)]
pub struct PlanDetail {
    pub head: PlanHead,
    pub village: Unit,
    pub commune_name: String,
    pub pairs: Vec<PairView>,
    /// Active members of the village plus anyone still holding a pair.
    pub members: Vec<MemberBrief>,
    pub unassigned: Vec<HouseholdBrief>,
    pub approved: Option<PlanHead>,
    pub approved_pairs: Vec<PairView>,
}

impl PlanDetail {
    pub fn groups(&self) -> Vec<model::MemberGroup> {
        model::group(&self.members, &self.pairs, self.head.capacity)
    }

    pub fn warnings(&self) -> model::Warnings {
        let groups = self.groups();
        let active = self.members.iter().filter(|m| m.status == "active").count();
        let mut w = model::Warnings {
            uncovered: self.unassigned.clone(),
            members_needed: model::members_needed(
                self.pairs.iter().filter(|p| p.household_active).count() + self.unassigned.len(),
                active,
                self.head.capacity,
            ),
            over_capacity: groups
                .iter()
                .filter(|g| g.over_capacity)
                .map(|g| format!("{} ({} hộ)", g.member.name, g.load()))
                .collect(),
            without_coordinates: self.pairs.iter().filter(|p| p.latitude.is_none()).count()
                + self
                    .unassigned
                    .iter()
                    .filter(|h| h.latitude.is_none())
                    .count(),
            inactive_members: Vec::new(),
        };
        let mut seen = HashSet::new();
        for p in &self.pairs {
            if p.member_status != "active" && seen.insert(p.member_id.as_str()) {
                w.inactive_members.push(format!(
                    "{} ({})",
                    p.member_name,
                    crate::people::kinds::MemberStatus::label_vi_of(&p.member_status)
                ));
            }
        }
        w
    }

    pub fn diff(&self) -> Option<model::Diff> {
        match &self.approved {
            Some(a) if a.id != self.head.id => Some(model::diff(&self.approved_pairs, &self.pairs)),
            None => Some(model::diff(&[], &self.pairs)),
            Some(_) => None,
        }
    }
}

/// Notes that the whole plan was shown: the plan page, its map and its documents name
/// every household and member in it (and in the approved plan it is compared with).
pub fn note_shown(tx: &mut Tx, scope: &Scope, d: &PlanDetail) {
    let c = Some(d.head.commune_id.as_str());
    audit::shown(
        tx,
        scope,
        audit::Entity::AssignmentPlan,
        c,
        [d.head.id.as_str()],
    );
    for p in d.pairs.iter().chain(d.approved_pairs.iter()) {
        audit::shown(
            tx,
            scope,
            audit::Entity::Household,
            c,
            [p.household_id.as_str()],
        );
        audit::shown(tx, scope, audit::Entity::Member, c, [p.member_id.as_str()]);
    }
    for h in &d.unassigned {
        audit::shown(tx, scope, audit::Entity::Household, c, [h.id.as_str()]);
    }
    for m in &d.members {
        audit::shown(tx, scope, audit::Entity::Member, c, [m.id.as_str()]);
    }
}

/// One plan with its pairs, members and the approved plan to compare with. The caller
/// notes what it shows ([`note_shown`] for the whole plan).
pub async fn detail(tx: &mut Tx, scope: &Scope, plan_id: &str) -> AppResult<PlanDetail> {
    let (head, village) = plan_for(tx, scope, plan_id, Need::Read).await?;
    let pairs = pairs(tx, &head.id).await?;
    let mut members: Vec<MemberBrief> = member_rows(tx, &village.id, false)
        .await?
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    let holding: HashSet<&str> = pairs.iter().map(|p| p.member_id.as_str()).collect();
    members.retain(|m| m.status == "active" || holding.contains(m.id.as_str()));
    let rows = tx
        .fetch_all(
            "SELECT h.id, h.code, h.head_name, h.xom, h.ngo, h.house_no, h.latitude, h.longitude FROM households h \
             WHERE h.village_id = ? AND h.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = ? AND p.household_id = h.id) ORDER BY h.code, h.id",
            &[village.id.clone().into(), head.id.clone().into()],
        )
        .await?;
    let unassigned = rows
        .iter()
        .map(|r| {
            Ok(HouseholdBrief {
                id: r.str("id")?,
                code: r.str("code")?,
                head_name: r.str("head_name")?,
                address: address(&r.str("house_no")?, &r.str("ngo")?, &r.str("xom")?),
                latitude: r.opt_f64("latitude")?,
                longitude: r.opt_f64("longitude")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let approved = approved(tx, &village.id).await?;
    let approved_pairs = match &approved {
        Some(a) if a.id != head.id => self::pairs(tx, &a.id).await?,
        _ => Vec::new(),
    };
    let commune_name = match &village.parent_id {
        Some(p) => units::get(tx, p).await.map(|u| u.name).unwrap_or_default(),
        None => String::new(),
    };
    Ok(PlanDetail {
        head,
        village,
        commune_name,
        pairs,
        members,
        unassigned,
        approved,
        approved_pairs,
    })
}

/// The name that signs the list for the cell: the enabled user holding the cell
/// secretary role on the village (the first by name, should there be two).
pub async fn cell_secretary_name(tx: &mut Tx, village_id: &str) -> AppResult<Option<String>> {
    let rows = tx
        .fetch_all(
            "SELECT u.display_name FROM grants g JOIN users u ON u.id = g.user_id \
             WHERE g.role = ? AND g.unit_id = ? AND u.disabled = 0",
            &[Role::CellSecretary.code().into(), village_id.into()],
        )
        .await?;
    let mut names = rows
        .iter()
        .map(|r| r.str("display_name"))
        .collect::<AppResult<Vec<_>>>()?;
    crate::text::sort_vi(&mut names, String::as_str);
    Ok(names.into_iter().next())
}
