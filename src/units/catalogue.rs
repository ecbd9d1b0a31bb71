//! Loads the official catalogue into the unit tree. Idempotent: ids are derived from the
//! official codes (`p-33`, `c-12280`; legacy `lp-`, `ld-`, `lc-`), so a second load adds nothing.

use crate::clock;
use crate::db::{Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::text;

static UNITS_2025: &str = include_str!("../../data/admin-units/units-2025.csv");
static UNITS_LEGACY: &str = include_str!("../../data/admin-units/units-legacy.csv");
static CONVERSION: &str = include_str!("../../data/admin-units/conversion-2025.csv");

/// The day the two-level structure took effect.
pub const REFORM_DATE: &str = "2025-07-01";

pub const COUNTRY_ID: &str = "vn";

struct NewUnit {
    id: String,
    kind: &'static str,
    code: String,
    name: String,
    unit_type: String,
    parent_id: Option<String>,
    path: String,
    commune_id: Option<String>,
    valid_from: Option<&'static str>,
    valid_to: Option<&'static str>,
}

fn records(csv_text: &str) -> AppResult<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::internal(format!("catalogue: {e}")))
}

fn field(r: &csv::StringRecord, i: usize) -> String {
    r.get(i).unwrap_or("").trim().to_owned()
}

/// "Thành phố Hà Nội" → "Thành phố" (not its first word), "Tỉnh Hưng Yên" → "Tỉnh".
fn province_kind(name: &str) -> String {
    super::naming::kind_in_name(name)
        .unwrap_or("Tỉnh")
        .to_owned()
}

fn build() -> AppResult<(Vec<NewUnit>, Vec<[String; 4]>)> {
    let mut units = vec![NewUnit {
        id: COUNTRY_ID.into(),
        kind: "country",
        code: "VN".into(),
        name: "Việt Nam".into(),
        unit_type: "Quốc gia".into(),
        parent_id: None,
        path: "/vn/".into(),
        commune_id: None,
        valid_from: None,
        valid_to: None,
    }];
    let mut seen = std::collections::HashSet::new();
    // province_code,province_name,commune_code,commune_name,commune_type
    for r in records(UNITS_2025)? {
        let (pc, cc) = (field(&r, 0), field(&r, 2));
        let pid = format!("p-{pc}");
        if seen.insert(pid.clone()) {
            let name = field(&r, 1);
            let unit_type = province_kind(&name);
            units.push(NewUnit {
                id: pid.clone(),
                kind: "province",
                code: pc.clone(),
                unit_type,
                name,
                parent_id: Some(COUNTRY_ID.into()),
                path: format!("/vn/{pid}/"),
                commune_id: None,
                valid_from: Some(REFORM_DATE),
                valid_to: None,
            });
        }
        let cid = format!("c-{cc}");
        units.push(NewUnit {
            id: cid.clone(),
            kind: "commune",
            code: cc,
            name: field(&r, 3),
            unit_type: field(&r, 4),
            parent_id: Some(pid.clone()),
            path: format!("/vn/{pid}/{cid}/"),
            commune_id: Some(cid),
            valid_from: Some(REFORM_DATE),
            valid_to: None,
        });
    }
    // province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type
    for r in records(UNITS_LEGACY)? {
        let (pc, dc, cc) = (field(&r, 0), field(&r, 2), field(&r, 5));
        let pid = format!("lp-{pc}");
        if seen.insert(pid.clone()) {
            let name = field(&r, 1);
            units.push(NewUnit {
                id: pid.clone(),
                kind: "province",
                code: pc.clone(),
                unit_type: province_kind(&name),
                name,
                parent_id: Some(COUNTRY_ID.into()),
                path: format!("/vn/{pid}/"),
                commune_id: None,
                valid_from: None,
                valid_to: Some(REFORM_DATE),
            });
        }
        let did = format!("ld-{dc}");
        if seen.insert(did.clone()) {
            units.push(NewUnit {
                id: did.clone(),
                kind: "district",
                code: dc,
                name: field(&r, 3),
                unit_type: field(&r, 4),
                parent_id: Some(pid.clone()),
                path: format!("/vn/{pid}/{did}/"),
                commune_id: None,
                valid_from: None,
                valid_to: Some(REFORM_DATE),
            });
        }
        if cc.is_empty() {
            continue; // island districts without communes
        }
        let cid = format!("lc-{cc}");
        units.push(NewUnit {
            id: cid.clone(),
            kind: "commune",
            code: cc,
            name: field(&r, 6),
            unit_type: field(&r, 7),
            parent_id: Some(did.clone()),
            path: format!("/vn/{pid}/{did}/{cid}/"),
            commune_id: Some(cid),
            valid_from: None,
            valid_to: Some(REFORM_DATE),
        });
    }
    // old_commune_code,new_commune_code,kind,note
    let mut lineage = Vec::new();
    for r in records(CONVERSION)? {
        let (old, new) = (field(&r, 0), field(&r, 1));
        if old.is_empty() {
            continue;
        }
        lineage.push([
            format!("lc-{old}"),
            format!("c-{new}"),
            field(&r, 2),
            field(&r, 3),
        ]);
    }
    Ok((units, lineage))
}

/// Loads the catalogue; returns how many units were added.
pub async fn load(tx: &mut WriteTx) -> AppResult<u64> {
    let (units, lineage) = build()?;
    let now = clock::now();
    let mut added = 0;
    for chunk in units.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO units (id, kind, code, name, name_folded, unit_type, parent_id, path, commune_id, valid_from, valid_to, created_at) VALUES ",
        );
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 12);
        for (i, u) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?,?,?,?,?,?,?,?,?,?,?,?)");
            args.extend([
                u.id.clone().into(),
                u.kind.into(),
                u.code.clone().into(),
                u.name.clone().into(),
                text::fold(&u.name).into(),
                u.unit_type.clone().into(),
                u.parent_id.clone().into(),
                u.path.clone().into(),
                u.commune_id.clone().into(),
                u.valid_from.into(),
                u.valid_to.into(),
                now.clone().into(),
            ]);
        }
        sql.push_str(" ON CONFLICT (id) DO NOTHING");
        added += tx.execute(&sql, &args).await?;
    }
    for chunk in lineage.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO unit_lineage (id, from_unit_id, to_unit_id, kind, is_default, effective_on) VALUES ",
        );
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (i, [from, to, kind, note]) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?,?,?,?,?,?)");
            args.extend([
                format!("l-{from}-{to}").into(),
                from.clone().into(),
                to.clone().into(),
                kind.clone().into(),
                (note == "default").into(),
                REFORM_DATE.into(),
            ]);
        }
        sql.push_str(" ON CONFLICT (id) DO NOTHING");
        tx.execute(&sql, &args).await?;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    #[test]
    fn catalogue_has_the_official_counts() {
        let (units, lineage) = super::build().expect("catalogue parses");
        let count = |kind: &str, current: bool| {
            units
                .iter()
                .filter(|u| u.kind == kind && u.valid_to.is_none() == current)
                .count()
        };
        assert_eq!(count("province", true), 34);
        assert_eq!(count("commune", true), 3321);
        assert_eq!(count("province", false), 63);
        assert_eq!(count("district", false), 696);
        assert_eq!(count("commune", false), 10035);
        assert_eq!(lineage.len(), 10597);
        let lb = units
            .iter()
            .find(|u| u.id == "c-12280")
            .expect("Lương Bằng");
        assert_eq!(lb.name, "Xã Lương Bằng");
        assert_eq!(lb.path, "/vn/p-33/c-12280/");
    }
}
