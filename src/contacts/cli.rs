//! `danvan counters verify`: every contacts counter recounted from the contacts, one
//! commune per read, the differences printed in Vietnamese.

use super::recount;
use crate::db::Db;

/// How many differences to print per commune; the total is always given.
const SHOWN: usize = 20;

/// Prints what differs; returns whether every counter matched.
pub async fn verify(db: &Db) -> anyhow::Result<bool> {
    let communes = db
        .read(|tx| Box::pin(async move { recount::communes(tx).await }))
        .await?;
    let (mut contacts, mut differ) = (0i64, 0usize);
    for commune in &communes {
        let c = commune.clone();
        let v = db
            .read(move |tx| Box::pin(async move { recount::verify_commune(tx, &c).await }))
            .await?;
        contacts += v.contacts;
        differ += v.differences.len();
        if !v.differences.is_empty() {
            println!("Xã {commune}: {} chỗ lệch", v.differences.len());
        }
        for d in v.differences.iter().take(SHOWN) {
            let t = recount::table(d.table).expect("a difference names a known table");
            println!("  {}", d.describe(t));
        }
    }
    if differ == 0 {
        println!(
            "Các bộ đếm tiếp xúc khớp với {contacts} lần tiếp xúc đã ghi ({} xã)",
            communes.len()
        );
        Ok(true)
    } else {
        println!("Có {differ} chỗ lệch giữa các bộ đếm và {contacts} lần tiếp xúc đã ghi");
        Ok(false)
    }
}
