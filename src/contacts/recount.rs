//! Recounting every contacts counter from the raw `contacts` rows, in SQL, and reading
//! the stored counters beside it (`danvan counters verify`). The periods are derived
//! with `substr` on `contacted_on`, the same on both engines, independently of
//! `model::periods_of`, so that the recount checks the Rust rules rather than repeats
//! them. One commune at a time: a province's markers do not fit in memory at once.

use super::counters::{differences, Difference, Rows, Table};
use crate::db::{Tx, Value, WriteTx};
use crate::error::AppResult;
use crate::reports::period::CutOff;

/// The counter tables, each with the statement that reads it and the one that recounts
/// it, both selecting the key columns then the value columns, for one commune (`?`).
struct Check {
    table: Table,
    stored: &'static str,
    recount: String,
    /// How many times the recount binds the commune.
    binds: usize,
}

pub const TABLES: [Table; 9] = [
    Table {
        name: "household_contact_state",
        keys: &["commune_id", "household_id"],
        values: &["last_contact_on", "follow_up_on", "contacts"],
    },
    Table {
        name: "member_contact_state",
        keys: &["commune_id", "member_id"],
        values: &["last_contact_on", "contacts"],
    },
    Table {
        name: "contact_counts",
        keys: &["commune_id", "village_id", "period"],
        values: &["contacts", "households"],
    },
    Table {
        name: "contact_reach",
        keys: &["commune_id", "household_id", "period"],
        values: &[],
    },
    Table {
        name: "contact_recency",
        keys: &["commune_id", "unit_id", "day"],
        values: &["households"],
    },
    Table {
        name: "member_active",
        keys: &["commune_id", "member_id", "period"],
        values: &["village_id"],
    },
    Table {
        name: "member_active_counts",
        keys: &["commune_id", "village_id", "period"],
        values: &["members"],
    },
    // Kept by the registry's triggers (migration 0027) rather than the contacts store;
    // checked here with coverage's other counters.
    Table {
        name: "registry_counts",
        keys: &["commune_id", "village_id"],
        values: &["households", "assigned", "members"],
    },
    Table {
        name: "member_recency",
        keys: &["commune_id", "unit_id", "day"],
        values: &["members"],
    },
];

/// Each contact once per period it counts in: day, month, quarter, half-year, year, and
/// the province's own month, quarter, half-year and year when it has a cut-off day.
fn periods(cutoff: CutOff) -> String {
    periods_with("commune_id, village_id, household_id", cutoff)
}

/// The period expressions: the calendar's, then the cut-off day's, derived with integer
/// arithmetic on the stored date (the same on both engines): from the cut-off day on, a
/// date counts in the next month, December's in January of the next year.
fn period_exprs(cutoff: CutOff) -> Vec<String> {
    let month = "CAST(substr(contacted_on, 6, 2) AS INTEGER)";
    let mut out = vec![
        "'D' || contacted_on".to_owned(),
        "'M' || substr(contacted_on, 1, 7)".to_owned(),
        format!("'Q' || substr(contacted_on, 1, 4) || '-' || CAST(({month} - 1) / 3 + 1 AS TEXT)"),
        format!("'H' || substr(contacted_on, 1, 4) || '-' || CAST(({month} - 1) / 6 + 1 AS TEXT)"),
        "'Y' || substr(contacted_on, 1, 4)".to_owned(),
    ];
    if cutoff == CutOff::CALENDAR {
        return out;
    }
    let c = cutoff.day();
    let shifted = format!(
        "({month} + CASE WHEN CAST(substr(contacted_on, 9, 2) AS INTEGER) >= {c} THEN 1 ELSE 0 END)"
    );
    let rm = format!("(CASE WHEN {shifted} > 12 THEN 1 ELSE {shifted} END)");
    let ry = format!(
        "CAST(CAST(substr(contacted_on, 1, 4) AS INTEGER) + CASE WHEN {shifted} > 12 THEN 1 ELSE 0 END AS TEXT)"
    );
    let tail = format!("'@{c:02}'");
    out.push(format!(
        "'M' || {ry} || '-' || CASE WHEN {rm} < 10 THEN '0' ELSE '' END || CAST({rm} AS TEXT) || {tail}"
    ));
    out.push(format!(
        "'Q' || {ry} || '-' || CAST(({rm} - 1) / 3 + 1 AS TEXT) || {tail}"
    ));
    out.push(format!(
        "'H' || {ry} || '-' || CAST(({rm} - 1) / 6 + 1 AS TEXT) || {tail}"
    ));
    out.push(format!("'Y' || {ry} || {tail}"));
    out
}

/// [`periods`] with the contact's columns `cols`; binds the commune once per period kind.
fn periods_with(cols: &str, cutoff: CutOff) -> String {
    union_of(&period_exprs(cutoff), cols)
}

fn union_of(exprs: &[String], cols: &str) -> String {
    exprs
        .iter()
        .map(|p| format!("SELECT {cols}, {p} AS period FROM contacts WHERE commune_id = ?"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The commune's markers and counts of a province's own periods, made again from its
/// contacts after the province changes its cut-off day (the old day's go). One statement
/// per table; the cost grows with the commune's contacts, once per change of the day.
pub async fn rebuild_cutoff(tx: &mut WriteTx, commune_id: &str, cutoff: CutOff) -> AppResult<()> {
    for table in [
        "contact_reach",
        "contact_counts",
        "member_active",
        "member_active_counts",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE commune_id = ? AND period LIKE '%@%'"),
            &[commune_id.into()],
        )
        .await?;
    }
    let own: Vec<String> = period_exprs(cutoff).split_off(CALENDAR_KINDS);
    if own.is_empty() {
        return Ok(());
    }
    let args = |n: usize| -> Vec<Value> { vec![commune_id.into(); n] };
    let contacts = union_of(&own, "commune_id, village_id, household_id");
    tx.execute(
        &format!("INSERT INTO contact_reach (commune_id, household_id, period) SELECT DISTINCT commune_id, household_id, period FROM ({contacts}) p"),
        &args(own.len()),
    )
    .await?;
    tx.execute(
        &format!(
            "INSERT INTO contact_counts (commune_id, village_id, period, contacts, households) \
             SELECT commune_id, village_id, period, COUNT(*), COUNT(DISTINCT household_id) FROM ({contacts}) p \
             GROUP BY commune_id, village_id, period"
        ),
        &args(own.len()),
    )
    .await?;
    let members = union_of(&own, "commune_id, member_id, village_id, id");
    tx.execute(
        &format!(
            "INSERT INTO member_active (commune_id, member_id, period, village_id) \
             SELECT commune_id, member_id, period, village_id FROM \
             (SELECT commune_id, member_id, period, village_id, \
              ROW_NUMBER() OVER (PARTITION BY member_id, period ORDER BY id) AS rn FROM ({members}) p) f WHERE rn = 1"
        ),
        &args(own.len()),
    )
    .await?;
    tx.execute(
        "INSERT INTO member_active_counts (commune_id, village_id, period, members) \
         SELECT commune_id, village_id, period, COUNT(*) FROM member_active \
         WHERE commune_id = ? AND period LIKE '%@%' GROUP BY commune_id, village_id, period",
        &args(1),
    )
    .await?;
    Ok(())
}

/// How many of [`period_exprs`] are the calendar's.
const CALENDAR_KINDS: usize = 5;

/// Each household's latest contact: the latest day and, on that day, the one logged
/// last (ids are UUIDv7, in logging order), whose follow-up stands.
const LATEST: &str = "SELECT commune_id, household_id, village_id, contacted_on, follow_up_on, n FROM \
     (SELECT commune_id, household_id, village_id, contacted_on, follow_up_on, \
      ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY contacted_on DESC, id DESC) AS rn, \
      COUNT(*) OVER (PARTITION BY household_id) AS n FROM contacts WHERE commune_id = ?) x WHERE rn = 1";

/// Each member's first contact (ids are in logging order) in each period, and its village.
fn first_of_members(cutoff: CutOff) -> String {
    format!(
        "SELECT commune_id, member_id, period, village_id FROM \
         (SELECT commune_id, member_id, period, village_id, \
          ROW_NUMBER() OVER (PARTITION BY member_id, period ORDER BY id) AS rn FROM ({}) p) f WHERE rn = 1",
        periods_with("commune_id, member_id, village_id, id", cutoff)
    )
}

fn checks(cutoff: CutOff) -> Vec<Check> {
    let kinds = period_exprs(cutoff).len();
    vec![
        Check {
            table: TABLES[0],
            stored: "SELECT commune_id, household_id, last_contact_on, follow_up_on, contacts FROM household_contact_state WHERE commune_id = ?",
            recount: format!("SELECT commune_id, household_id, contacted_on, follow_up_on, n FROM ({LATEST}) l"),
            binds: 1,
        },
        Check {
            table: TABLES[1],
            stored: "SELECT commune_id, member_id, last_contact_on, contacts FROM member_contact_state WHERE commune_id = ?",
            recount: "SELECT commune_id, member_id, MAX(contacted_on), COUNT(*) FROM contacts WHERE commune_id = ? GROUP BY commune_id, member_id".into(),
            binds: 1,
        },
        Check {
            table: TABLES[2],
            stored: "SELECT commune_id, village_id, period, contacts, households FROM contact_counts WHERE commune_id = ?",
            recount: format!(
                "SELECT commune_id, village_id, period, COUNT(*), COUNT(DISTINCT household_id) FROM ({}) p \
                 GROUP BY commune_id, village_id, period",
                periods(cutoff)
            ),
            binds: kinds,
        },
        Check {
            table: TABLES[3],
            stored: "SELECT commune_id, household_id, period FROM contact_reach WHERE commune_id = ?",
            recount: format!("SELECT DISTINCT commune_id, household_id, period FROM ({}) p", periods(cutoff)),
            binds: kinds,
        },
        Check {
            table: TABLES[4],
            stored: "SELECT commune_id, unit_id, day, households FROM contact_recency WHERE commune_id = ?",
            recount: format!(
                "SELECT commune_id, unit_id, day, COUNT(*) FROM \
                 (SELECT commune_id, village_id AS unit_id, contacted_on AS day FROM ({LATEST}) a \
                  UNION ALL SELECT commune_id, commune_id AS unit_id, contacted_on AS day FROM ({LATEST}) b) u \
                 GROUP BY commune_id, unit_id, day"
            ),
            binds: 2,
        },
        Check {
            table: TABLES[5],
            stored: "SELECT commune_id, member_id, period, village_id FROM member_active WHERE commune_id = ?",
            recount: first_of_members(cutoff),
            binds: kinds,
        },
        Check {
            table: TABLES[6],
            stored: "SELECT commune_id, village_id, period, members FROM member_active_counts WHERE commune_id = ?",
            recount: format!(
                "SELECT commune_id, village_id, period, COUNT(*) FROM ({}) m GROUP BY commune_id, village_id, period",
                first_of_members(cutoff)
            ),
            binds: kinds,
        },
        Check {
            table: TABLES[7],
            stored: "SELECT commune_id, village_id, households, assigned, members FROM registry_counts \
                     WHERE commune_id = ? AND (households <> 0 OR assigned <> 0 OR members <> 0)",
            recount: "SELECT commune_id, village_id, SUM(h), SUM(a), SUM(m) FROM ( \
                      SELECT commune_id, village_id, 1 AS h, 0 AS a, 0 AS m FROM households WHERE commune_id = ? AND status = 'active' \
                      UNION ALL SELECT h.commune_id, h.village_id, 0, 1, 0 FROM assignment_pairs p \
                      JOIN assignment_plans a ON a.id = p.plan_id JOIN households h ON h.id = p.household_id \
                      WHERE h.commune_id = ? AND a.status = 'approved' AND h.status = 'active' \
                      UNION ALL SELECT commune_id, village_id, 0, 0, 1 FROM members WHERE commune_id = ? AND status = 'active' \
                      ) x GROUP BY commune_id, village_id"
                .into(),
            binds: 3,
        },
        Check {
            table: TABLES[8],
            stored: "SELECT commune_id, unit_id, day, members FROM member_recency WHERE commune_id = ? AND members <> 0",
            recount: format!(
                "SELECT commune_id, unit_id, day, COUNT(*) FROM ( \
                 SELECT m.commune_id, m.village_id AS unit_id, s.last_contact_on AS day FROM {ACTIVE_MEMBERS} \
                 UNION ALL SELECT m.commune_id, m.commune_id, s.last_contact_on FROM {ACTIVE_MEMBERS} \
                 ) x GROUP BY commune_id, unit_id, day"
            ),
            binds: 2,
        },
    ]
}

/// The commune's active members joined with their latest contact, as `m` and `s`.
const ACTIVE_MEMBERS: &str = "member_contact_state s JOIN members m ON m.id = s.member_id \
     WHERE m.commune_id = ? AND m.status = 'active'";

/// Every commune with contacts or with any counter row.
pub async fn communes(tx: &mut Tx) -> AppResult<Vec<String>> {
    let union: Vec<String> = std::iter::once("contacts")
        .chain(TABLES.iter().map(|t| t.name))
        .map(|t| format!("SELECT DISTINCT commune_id FROM {t}"))
        .collect();
    tx.fetch_all(
        &format!(
            "SELECT commune_id FROM ({}) c GROUP BY commune_id ORDER BY commune_id",
            union.join(" UNION ")
        ),
        &[],
    )
    .await?
    .iter()
    .map(|r| r.str("commune_id"))
    .collect()
}

/// What one commune's recount finds: its contacts, and every counter row that differs.
pub struct Verified {
    pub contacts: i64,
    pub differences: Vec<Difference>,
}

pub async fn verify_commune(tx: &mut Tx, commune_id: &str) -> AppResult<Verified> {
    let contacts = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM contacts WHERE commune_id = ?",
            &[commune_id.into()],
        )
        .await?;
    let commune = crate::units::store::get(tx, commune_id).await?;
    let cutoff = crate::reports::cutoff::cutoff_for(tx, &commune).await?;
    let mut out = Vec::new();
    for c in checks(cutoff) {
        let keys = c.table.keys.len();
        let stored = rows(tx, c.stored, 1, commune_id, keys).await?;
        let expected = rows(tx, &c.recount, c.binds, commune_id, keys).await?;
        out.extend(differences(c.table.name, &expected, &stored));
    }
    Ok(Verified {
        contacts,
        differences: out,
    })
}

/// The table a difference is in, for describing it.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

async fn rows(
    tx: &mut Tx,
    sql: &str,
    binds: usize,
    commune_id: &str,
    keys: usize,
) -> AppResult<Rows> {
    let args: Vec<Value> = vec![commune_id.into(); binds];
    Ok(tx
        .fetch_all(sql, &args)
        .await?
        .iter()
        .map(|r| {
            let text: Vec<String> = r.values().iter().map(text).collect();
            let (k, v) = text.split_at(keys);
            (k.to_vec(), v.to_vec())
        })
        .collect())
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
    }
}
