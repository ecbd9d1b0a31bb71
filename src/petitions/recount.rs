//! Recounting the petition counters from the raw rows (`petitions`, `petition_steps`) and
//! comparing them with the stored ones. The periods and stages are derived here again,
//! from the stored text, rather than through `model`, so that the recount checks the
//! rules instead of repeating them. One commune at a time.

use crate::contacts::counters::{differences, Difference, Rows, Table};
use crate::db::Tx;
use crate::error::AppResult;

pub const TABLES: [Table; 3] = [
    Table {
        name: "petition_counts",
        keys: &["commune_id", "village_id", "category", "period", "event"],
        values: &["n"],
    },
    Table {
        name: "petition_open",
        keys: &["commune_id", "village_id", "category", "stage", "due_on"],
        values: &["n"],
    },
    Table {
        name: "petition_totals",
        keys: &["unit_id", "period", "category", "event"],
        values: &["n"],
    },
];

fn periods(day: &str) -> Vec<String> {
    let (y, m) = (&day[..4], day[5..7].parse::<u32>().unwrap_or(1));
    vec![
        format!("D{day}"),
        format!("M{}", &day[..7]),
        format!("Q{y}-{}", (m - 1) / 3 + 1),
        format!("H{y}-{}", (m - 1) / 6 + 1),
        format!("Y{y}"),
    ]
}

fn add(rows: &mut Rows, key: Vec<String>) {
    add_n(rows, key, 1);
}

fn add_n(rows: &mut Rows, key: Vec<String>, n: i64) {
    let e = rows.entry(key).or_insert_with(|| vec!["0".into()]);
    e[0] = (e[0].parse::<i64>().unwrap_or(0) + n).to_string();
}

/// Every difference between the stored counters of `commune` and a recount.
pub async fn verify(tx: &mut Tx, commune: &str) -> AppResult<Vec<(Table, Difference)>> {
    let mut expected_counts = Rows::new();
    let steps = tx
        .fetch_all(
            "SELECT s.commune_id, p.village_id, p.category, s.on_day, s.action, s.stage, s.stage_days, s.late \
             FROM petition_steps s JOIN petitions p ON p.commune_id = s.commune_id AND p.id = s.petition_id \
             WHERE s.commune_id = ?",
            &[commune.into()],
        )
        .await?;
    for r in &steps {
        let base = [
            r.str("commune_id")?,
            r.str("village_id")?,
            r.str("category")?,
        ];
        let mut events = vec![r.str("action")?];
        if let Some(stage) = r.opt_str("stage")? {
            let late = r.opt_i64("late")?.unwrap_or(0) != 0;
            events.push(format!("{}:{stage}", if late { "late" } else { "on_time" }));
            let days = r.opt_i64("stage_days")?.unwrap_or(0).clamp(0, 60);
            events.push(format!("days:{stage}:{days:02}"));
        }
        for period in periods(&r.str("on_day")?) {
            for e in &events {
                let mut key = base.to_vec();
                key.push(period.clone());
                key.push(e.clone());
                add(&mut expected_counts, key);
            }
        }
    }
    let stored_counts: Rows = tx
        .fetch_all(
            "SELECT commune_id, village_id, category, period, event, n FROM petition_counts WHERE commune_id = ?",
            &[commune.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                vec![
                    r.str("commune_id")?,
                    r.str("village_id")?,
                    r.str("category")?,
                    r.str("period")?,
                    r.str("event")?,
                ],
                vec![r.i64("n")?.to_string()],
            ))
        })
        .collect::<AppResult<_>>()?;

    let mut expected_open = Rows::new();
    for r in &tx
        .fetch_all(
            "SELECT commune_id, village_id, category, status, answer_level, due_on FROM petitions WHERE commune_id = ?",
            &[commune.into()],
        )
        .await?
    {
        let level = r.opt_str("answer_level")?.unwrap_or_default();
        let stage = match (r.str("status")?.as_str(), level.as_str()) {
            ("received", _) | ("reopened", "cell") => "cell",
            ("forwarded", _) => "commune",
            ("assigned" | "transferred", _) | ("reopened", _) => "answer",
            ("answered", _) => "delivery",
            _ => continue,
        };
        let Some(due) = r.opt_str("due_on")? else {
            continue;
        };
        add(
            &mut expected_open,
            vec![
                r.str("commune_id")?,
                r.str("village_id")?,
                r.str("category")?,
                stage.into(),
                due,
            ],
        );
    }
    let stored_open: Rows = tx
        .fetch_all(
            "SELECT commune_id, village_id, category, stage, due_on, n FROM petition_open WHERE commune_id = ?",
            &[commune.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                vec![
                    r.str("commune_id")?,
                    r.str("village_id")?,
                    r.str("category")?,
                    r.str("stage")?,
                    r.str("due_on")?,
                ],
                vec![r.i64("n")?.to_string()],
            ))
        })
        .collect::<AppResult<_>>()?;
    let mut out = Vec::new();
    for d in differences(TABLES[0].name, &expected_counts, &stored_counts) {
        out.push((TABLES[0], d));
    }
    for d in differences(TABLES[1].name, &expected_open, &stored_open) {
        out.push((TABLES[1], d));
    }
    Ok(out)
}

/// Every unit that has roll-ups or villages with counters below it: the units
/// [`verify_totals`] checks.
pub async fn rolled_up_units(tx: &mut Tx) -> AppResult<Vec<String>> {
    let mut units = std::collections::BTreeSet::new();
    for r in &tx
        .fetch_all("SELECT DISTINCT unit_id FROM petition_totals", &[])
        .await?
    {
        units.insert(r.str("unit_id")?);
    }
    for r in &tx
        .fetch_all(
            "SELECT v.path FROM units v WHERE v.kind = 'village' AND EXISTS \
             (SELECT 1 FROM petition_counts c WHERE c.commune_id = v.commune_id AND c.village_id = v.id)",
            &[],
        )
        .await?
    {
        for unit in r.str("path")?.split('/').filter(|s| !s.is_empty()) {
            units.insert(unit.to_owned());
        }
    }
    Ok(units.into_iter().collect())
}

/// The differences between the roll-ups of `unit` and the sums of the village counters
/// of its subtree, itself included (themselves checked by [`verify`]): for all
/// categories, and per category above a village.
pub async fn verify_totals(tx: &mut Tx, unit: &str) -> AppResult<Vec<(Table, Difference)>> {
    let r = tx
        .fetch_one("SELECT path, kind FROM units WHERE id = ?", &[unit.into()])
        .await?;
    let (path, village) = (r.str("path")?, r.str("kind")? == "village");
    let mut expected = Rows::new();
    for r in &tx
        .fetch_all(
            "SELECT c.category, c.period, c.event, CAST(SUM(c.n) AS BIGINT) AS n FROM petition_counts c \
             WHERE c.village_id IN (SELECT id FROM units WHERE kind = 'village' AND path >= ? AND path < ?) \
             GROUP BY c.category, c.period, c.event",
            &[path.clone().into(), format!("{path}~").into()],
        )
        .await?
    {
        let (category, period, event, n) = (
            r.str("category")?,
            r.str("period")?,
            r.str("event")?,
            r.i64("n")?,
        );
        let all = crate::petitions::model::ALL_CATEGORIES.to_owned();
        let cats = if village { vec![all] } else { vec![category, all] };
        for cat in cats {
            add_n(
                &mut expected,
                vec![unit.to_owned(), period.clone(), cat, event.clone()],
                n,
            );
        }
    }
    let stored: Rows = tx
        .fetch_all(
            "SELECT category, period, event, n FROM petition_totals WHERE unit_id = ?",
            &[unit.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                vec![
                    unit.to_owned(),
                    r.str("period")?,
                    r.str("category")?,
                    r.str("event")?,
                ],
                vec![r.i64("n")?.to_string()],
            ))
        })
        .collect::<AppResult<_>>()?;
    Ok(differences(TABLES[2].name, &expected, &stored)
        .into_iter()
        .map(|d| (TABLES[2], d))
        .collect())
}
