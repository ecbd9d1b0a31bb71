//! Alerts, the overview of villages, and the system seed of approved plans.

use super::*;

/// What the approved plans of the scope's villages no longer cover, plus plans waiting
/// for the committee. Computed from the registry each time: nothing to keep in sync.
pub async fn alerts(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Alert>> {
    let paths = scope.registry_paths();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let (f, a) = unit_filter("v.id", &paths);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT v.id, v.name FROM units v WHERE v.kind = 'village' AND v.valid_to IS NULL AND {f} \
                 AND NOT EXISTS (SELECT 1 FROM assignment_plans a WHERE a.village_id = v.id AND a.status = 'approved') \
                 ORDER BY v.name COLLATE vi, v.id"
            ),
            &a,
        )
        .await?
    {
        out.push(Alert::for_village(
            r.str("id")?,
            r.str("name")?,
            "Chưa có danh sách phân công đảng viên phụ trách hộ được xã duyệt.".into(),
        ));
    }
    let (f, a) = unit_filter("a.village_id", &paths);
    let mut member_ids = Vec::new();
    let mut commune = None;
    for r in tx
        .fetch_all(
            &format!(
                "SELECT a.village_id, v.name, a.commune_id, m.id, m.full_name, m.status, COUNT(*) AS n \
                 FROM assignment_plans a JOIN units v ON v.id = a.village_id JOIN assignment_pairs p ON p.plan_id = a.id \
                 JOIN members m ON m.id = p.member_id JOIN households h ON h.id = p.household_id \
                 WHERE a.status = 'approved' AND m.status <> 'active' AND h.status = 'active' AND {f} \
                 GROUP BY a.village_id, v.name, a.commune_id, m.id, m.full_name, m.status ORDER BY v.name, m.full_name"
            ),
            &a,
        )
        .await?
    {
        member_ids.push(r.str("id")?);
        commune = Some(r.str("commune_id")?);
        out.push(Alert::for_village(
            r.str("village_id")?,
            r.str("name")?,
            format!(
                "Đảng viên {} đã chuyển sang \"{}\" nhưng vẫn đang phụ trách {} hộ: cần lập lại danh sách.",
                r.str("full_name")?,
                crate::people::kinds::MemberStatus::label_vi_of(&r.str("status")?),
                r.i64("n")?
            ),
        ));
    }
    let (f, a) = unit_filter("h.village_id", &paths);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT h.village_id, v.name, COUNT(*) AS n FROM households h JOIN units v ON v.id = h.village_id \
                 JOIN assignment_plans a ON a.village_id = h.village_id AND a.status = 'approved' \
                 WHERE h.status = 'active' AND {f} \
                 AND NOT EXISTS (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = a.id AND p.household_id = h.id) \
                 GROUP BY h.village_id, v.name ORDER BY v.name"
            ),
            &a,
        )
        .await?
    {
        out.push(Alert::for_village(
            r.str("village_id")?,
            r.str("name")?,
            format!(
                "{} hộ đang sinh sống chưa có đảng viên phụ trách (hộ mới hoặc chưa được phân công).",
                r.i64("n")?
            ),
        ));
    }
    // A plan the commune sent back, until it is sent again: a returned plan becomes a
    // draft at its first edit, and the reason still needs acting on then.
    let (f, a) = unit_filter("a.village_id", &paths);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT a.id, a.village_id, v.name, a.version, a.return_reason FROM assignment_plans a \
                 JOIN units v ON v.id = a.village_id WHERE a.status IN ('returned','draft') AND a.return_reason IS NOT NULL AND {f} ORDER BY a.version DESC"
            ),
            &a,
        )
        .await?
    {
        let mut alert = Alert::for_village(
            r.str("village_id")?,
            r.str("name")?,
            format!(
                "Xã trả lại danh sách phiên bản {}. Lý do: {}",
                r.i64("version")?,
                r.opt_str("return_reason")?.unwrap_or_default()
            ),
        );
        alert.href = format!("/assignment/plans/{}", r.str("id")?);
        out.push(alert);
    }
    let decide = scope.paths_for(&[Role::CommuneCommittee]);
    if !decide.is_empty() {
        let (f, a) = unit_filter("a.village_id", &decide);
        for r in tx
            .fetch_all(
                &format!(
                    "SELECT a.village_id, v.name, a.version FROM assignment_plans a JOIN units v ON v.id = a.village_id \
                     WHERE a.status = 'submitted' AND {f} ORDER BY v.name"
                ),
                &a,
            )
            .await?
        {
            out.push(Alert::for_village(
                r.str("village_id")?,
                r.str("name")?,
                format!("Danh sách phiên bản {} đang chờ xã duyệt.", r.i64("version")?),
            ));
        }
    }
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        commune.as_deref(),
        member_ids.iter().map(String::as_str),
    );
    model::sort_alerts(&mut out);
    Ok(out)
}

/// One row of the overview: a village, its plan in force and its open draft.
#[derive(Debug, Clone)]
pub struct VillageRow {
    pub village: Unit,
    pub approved: Option<PlanHead>,
    pub open: Option<PlanHead>,
}

pub async fn overview(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<VillageRow>> {
    let mut out = Vec::new();
    for v in units::villages_in_scope(tx, scope).await? {
        let approved = approved(tx, &v.id).await?;
        let open = open_plan(tx, &v.id).await?;
        out.push(VillageRow {
            village: v,
            approved,
            open,
        });
    }
    Ok(out)
}

/// Solves and approves a plan for each village, as the system scope `by` (the demo seed,
/// so the story starts told; test fixtures): it needs no grant, and the plans name it.
pub async fn seed_approved(tx: &mut WriteTx, by: &Scope, village_ids: &[String]) -> AppResult<()> {
    for vid in village_ids {
        let v = units::get(tx, vid).await?;
        let data = load_village(tx, &v, None, None).await?;
        let plan = data.solve()?;
        insert_plan(tx, by.user_id(), &data, &plan, Status::Approved).await?;
    }
    Ok(())
}

/// Names of members by id, for labelling solver output.
pub(crate) fn member_names(data: &VillageData) -> HashMap<String, String> {
    data.members
        .iter()
        .map(|(m, _)| (m.id.clone(), m.name.clone()))
        .collect()
}
