//! Reports benchmark: a province's quarterly figures read from the counters, and its
//! consolidated figures summed from its communes' accepted reports, against a full scan of
//! the raw contact and petition rows answering the same questions, timed in the same run,
//! at growing numbers of contacts (the households stay the same). The counters should stay
//! flat while the scan grows with the contacts. The province's coverage view for the
//! quarter (its communes' lines, as `/coverage` shows them) is timed beside them.
//!
//!   cargo bench --bench reports
//!   DANVAN_BENCH_HOUSEHOLDS=100000 DANVAN_BENCH_CONTACTS="10,100" cargo bench --bench reports
//!
//! `DANVAN_BENCH_CONTACTS` lists contacts per household and year, one database each.

use std::time::Instant;

use danvan::auth::{Role, Scope};
use danvan::config::Config;
use danvan::db::{Db, Value};
use danvan::reports::period::{CutOff, Kind, Period};
use danvan::reports::workflow::Step;
use danvan::units::store as units;

const PROVINCE: &str = "p-33";
const RUNS: usize = 15;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Median milliseconds of `RUNS` runs of `f` (after one to warm the caches).
async fn time<F, Fut>(mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut out = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        f().await;
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    median(out)
}

/// The raw scan the counters replace: the same questions asked of the rows themselves.
const RAW: &[&str] = &[
    "SELECT COUNT(*), COUNT(DISTINCT household_id), COUNT(DISTINCT member_id) FROM contacts \
     WHERE commune_id IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?) \
     AND contacted_on >= ? AND contacted_on <= ?",
    "SELECT COUNT(*) FROM petitions \
     WHERE commune_id IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?) \
     AND created_at >= ? AND created_at <= ?",
];

fn main() {
    let households: usize = env_or("DANVAN_BENCH_HOUSEHOLDS", "100000")
        .parse()
        .expect("households");
    let communes: usize = env_or("DANVAN_BENCH_COMMUNES", "10")
        .parse()
        .expect("communes");
    let per_year: Vec<u32> = env_or("DANVAN_BENCH_CONTACTS", "1,10")
        .split(',')
        .map(|s| s.trim().parse().expect("contacts per household and year"))
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!(
        "{households} households in {communes} communes of the province; medians of {RUNS} runs"
    );
    let mut rows = Vec::new();
    for n in per_year {
        let dir = tempfile::tempdir().expect("tempdir");
        rows.push(rt.block_on(run(dir.path(), households, communes, n)));
    }
    println!();
    println!("| contacts | counters (live) | accepted reports summed | coverage view | raw scan | counters ÷ raw | summed ÷ raw | coverage ÷ raw |");
    println!("|---|---|---|---|---|---|---|---|");
    for (contacts, live, summed, raw, cover) in &rows {
        println!(
            "| {contacts} | {live:.2} ms | {summed:.2} ms | {cover:.2} ms | {raw:.2} ms | {:.3} | {:.4} | {:.3} |",
            live / raw,
            summed / raw,
            cover / raw
        );
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let met = |ms: f64| if ms < 50.0 { "met" } else { "NOT met" };
        println!(
            "contacts ×{:.1}: counters ×{:.2}, summed ×{:.2}, coverage ×{:.2}, raw scan ×{:.2}; \
             under 50 ms: consolidated figures {}, live figures {}, coverage view {}",
            last.0 as f64 / first.0.max(1) as f64,
            last.1 / first.1,
            last.2 / first.2,
            last.4 / first.4,
            last.3 / first.3,
            met(last.2),
            met(last.1),
            met(last.4)
        );
    }
}

async fn run(
    dir: &std::path::Path,
    households: usize,
    communes: usize,
    per_year: u32,
) -> (i64, f64, f64, f64, f64) {
    let data = dir.join("data");
    let cfg = Config::from_env("127.0.0.1:0".parse().expect("addr"), data.clone(), None);
    let db = Db::connect(None, &data).await.expect("db");
    db.migrate().await.expect("migrate");
    danvan::setup::ensure_ready(&db, &cfg).await.expect("setup");
    let today = danvan::clock::vietnam_today();
    let started = Instant::now();
    let g = danvan::demo::generate::generate(
        &db,
        households,
        communes,
        7,
        Some(danvan::demo::generate::ContactsSpec {
            per_year,
            until: today + time::Duration::days(1),
        }),
        None,
    )
    .await
    .expect("generate");
    println!(
        "{per_year}/household/year: {} contacts generated in {:.0} s",
        g.contacts,
        started.elapsed().as_secs_f64()
    );
    let period = Period::containing(today, Kind::Quarter, CutOff::CALENDAR);
    let key = period.key();

    // Every commune's committee submits its quarterly report; the board accepts them.
    let ids: Vec<String> = db
        .read(|tx| {
            Box::pin(async move {
                let rows = tx
                    .fetch_all(
                        "SELECT c.id FROM units c WHERE c.kind = 'commune' AND c.parent_id = ? \
                         AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id)",
                        &[PROVINCE.into()],
                    )
                    .await?;
                rows.iter().map(|r| r.str("id")).collect()
            })
        })
        .await
        .expect("communes");
    for id in &ids {
        let (id, key) = (id.clone(), key.clone());
        db.write(move |tx| {
            Box::pin(async move {
                let commune = units::get(tx, &id).await?;
                let province = units::get(tx, PROVINCE).await?;
                let office = Scope::unsafe_system_at("bench", Role::CommuneCommittee, &commune);
                let board = Scope::unsafe_system_at("bench", Role::Supervisor, &province);
                let r = danvan::reports::store::open(tx, &office, &id, &key).await?;
                danvan::reports::store::step(tx, &office, &r, Step::Submit, "").await?;
                danvan::reports::store::step(tx, &board, &r, Step::Accept, "").await?;
                Ok(())
            })
        })
        .await
        .expect("report");
    }

    let province = db
        .read(|tx| Box::pin(async move { units::get(tx, PROVINCE).await }))
        .await
        .expect("province");
    let board = Scope::unsafe_system_at("bench", Role::Supervisor, &province);
    let live = time(|| {
        let (board, province) = (board.clone(), province.clone());
        let db = db.clone();
        async move {
            db.read(move |tx| {
                Box::pin(async move {
                    danvan::reports::figures::read(tx, &board, &province, &period).await
                })
            })
            .await
            .expect("figures");
        }
    })
    .await;
    let summed = time(|| {
        let province = province.clone();
        let db = db.clone();
        async move {
            db.read(move |tx| {
                Box::pin(async move {
                    danvan::reports::consolidation::accepted_sum(tx, &province, &period).await
                })
            })
            .await
            .expect("sum");
        }
    })
    .await;
    let quarter = danvan::coverage::model::Period::containing(
        today,
        danvan::coverage::model::PeriodKind::Quarter,
    );
    let cover = time(|| {
        let board = board.clone();
        let db = db.clone();
        async move {
            db.read(move |tx| {
                Box::pin(async move {
                    danvan::coverage::store::coverage(tx, &board, PROVINCE, quarter, today, 30)
                        .await
                })
            })
            .await
            .expect("coverage");
        }
    })
    .await;
    let raw = time(|| {
        let path = province.path.clone();
        let db = db.clone();
        async move {
            db.read(move |tx| {
                Box::pin(async move {
                    let first = danvan::contacts::model::day_text(period.first_day());
                    let last = danvan::contacts::model::day_text(period.last_day());
                    for sql in RAW {
                        let args: Vec<Value> = vec![
                            path.clone().into(),
                            format!("{path}~").into(),
                            first.clone().into(),
                            format!("{last}~").into(),
                        ];
                        tx.fetch_all(sql, &args).await?;
                    }
                    Ok(())
                })
            })
            .await
            .expect("raw");
        }
    })
    .await;
    // The three answer the same question: check it, so the timings compare like with like.
    let (p2, board2, province2) = (period, board.clone(), province.clone());
    let (from_counters, from_reports, from_coverage, from_rows) = db
        .read(move |tx| {
            Box::pin(async move {
                let live = danvan::reports::figures::read(tx, &board2, &province2, &p2).await?;
                let summed =
                    danvan::reports::consolidation::accepted_sum(tx, &province2, &p2).await?;
                let raw = tx
                    .scalar_i64(
                        "SELECT COUNT(*) FROM contacts WHERE commune_id IN \
                         (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?) \
                         AND contacted_on >= ? AND contacted_on <= ?",
                        &[
                            province2.path.clone().into(),
                            format!("{}~", province2.path).into(),
                            danvan::contacts::model::day_text(p2.first_day()).into(),
                            danvan::contacts::model::day_text(p2.last_day()).into(),
                        ],
                    )
                    .await?;
                let cover =
                    danvan::coverage::store::coverage(tx, &board2, PROVINCE, quarter, today, 30)
                        .await?;
                use danvan::reports::indicators::Indicator;
                Ok((
                    live.get(Indicator::Contacts),
                    summed.get(Indicator::Contacts),
                    cover.total.contacts,
                    raw,
                ))
            })
        })
        .await
        .expect("check");
    assert_eq!(
        (from_counters, from_reports, from_coverage),
        (from_rows, from_rows, from_rows),
        "the counters, the reports and the coverage view disagree with the rows"
    );
    println!(
        "  {from_rows} contacts in {}: counters {live:.2} ms · accepted reports summed {summed:.2} ms · coverage view {cover:.2} ms · raw scan {raw:.2} ms",
        period.label_vi()
    );
    db.close().await;
    (g.contacts as i64, live, summed, raw, cover)
}
