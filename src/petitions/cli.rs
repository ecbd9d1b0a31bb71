//! `danvan counters verify`, the petitions' part: every petition counter recounted from
//! the petitions and their steps, one commune per read, the differences printed in
//! Vietnamese.

use super::recount;
use crate::db::Db;

/// How many differences to print per commune; the total is always given.
const SHOWN: usize = 20;

/// Prints what differs; returns whether every counter matched.
pub async fn verify(db: &Db) -> anyhow::Result<bool> {
    let communes: Vec<String> = db
        .read(|tx| {
            Box::pin(async move {
                tx.fetch_all(
                    "SELECT commune_id FROM (SELECT commune_id FROM petitions UNION SELECT commune_id FROM petition_counts \
                     UNION SELECT commune_id FROM petition_open) c GROUP BY commune_id ORDER BY commune_id",
                    &[],
                )
                .await?
                .iter()
                .map(|r| r.str("commune_id"))
                .collect()
            })
        })
        .await?;
    let mut differ = 0usize;
    for commune in &communes {
        let c = commune.clone();
        let found = db
            .read(move |tx| Box::pin(async move { recount::verify(tx, &c).await }))
            .await?;
        differ += print(
            &found,
            &format!("Xã {commune}: {} chỗ lệch ở bộ đếm kiến nghị", found.len()),
        );
    }
    let units = db
        .read(|tx| Box::pin(async move { recount::rolled_up_units(tx).await }))
        .await?;
    for unit in &units {
        let u = unit.clone();
        let found = db
            .read(move |tx| Box::pin(async move { recount::verify_totals(tx, &u).await }))
            .await?;
        differ += print(
            &found,
            &format!(
                "Đơn vị {unit}: {} chỗ lệch giữa số cộng dồn và bộ đếm các thôn",
                found.len()
            ),
        );
    }
    if differ == 0 {
        println!(
            "Các bộ đếm kiến nghị khớp với các kiến nghị đã ghi ({} xã, {} đơn vị cộng dồn)",
            communes.len(),
            units.len()
        );
    } else {
        println!("Có {differ} chỗ lệch giữa các bộ đếm kiến nghị và các kiến nghị đã ghi");
    }
    Ok(differ == 0)
}

/// Prints the heading and the first differences, when there are any; how many there are.
fn print(
    found: &[(
        crate::contacts::counters::Table,
        crate::contacts::counters::Difference,
    )],
    heading: &str,
) -> usize {
    if !found.is_empty() {
        println!("{heading}");
    }
    for (table, d) in found.iter().take(SHOWN) {
        println!("  {}", d.describe(table));
    }
    found.len()
}
