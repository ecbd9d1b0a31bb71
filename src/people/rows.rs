//! The stored rows of the registry tables: one column list per table and the conversion
//! to and from database rows. The store, the importer and the demo all write through
//! these, so a column is added in one place and no copy can drift from the others.
//! Pure: the SQL is built here, run by the callers (who hold a scope).

use serde::Serialize;

use super::address;
use super::kinds::{HouseholdStatus, MemberStatus, Sex, SupportCategory};
use crate::db::{Row, Value};
use crate::error::{AppError, AppResult};
use crate::text;

/// A table row as the code holds it.
pub trait TableRow: Clone + Sized {
    const TABLE: &'static str;
    /// Every column, in the order of [`TableRow::values`].
    const COLUMNS: &'static [&'static str];
    /// Set once, at insert; an update leaves them as they are.
    const FIXED: &'static [&'static str] = &["id", "commune_id", "created_at"];

    fn id(&self) -> &str;
    /// The commune the row belongs to: the tenant key of every field-data table.
    fn commune_id(&self) -> &str;
    /// Marks the row as changed at `now`.
    fn touch(&mut self, now: String);
    /// The row's values, in [`TableRow::COLUMNS`] order.
    fn values(&self) -> Vec<Value>;
    fn from_row(r: &Row) -> AppResult<Self>;

    /// `UPDATE <table> SET <every column but the fixed> = ? … WHERE id = ?`.
    fn update_sql() -> String {
        let set: Vec<String> = Self::COLUMNS
            .iter()
            .filter(|c| !Self::FIXED.contains(c))
            .map(|c| format!("{c} = ?"))
            .collect();
        format!("UPDATE {} SET {} WHERE id = ?", Self::TABLE, set.join(", "))
    }

    /// The arguments of [`TableRow::update_sql`].
    fn update_args(&self) -> Vec<Value> {
        let mut args: Vec<Value> = Self::COLUMNS
            .iter()
            .zip(self.values())
            .filter(|(c, _)| !Self::FIXED.contains(c))
            .map(|(_, v)| v)
            .collect();
        args.push(self.id().into());
        args
    }
}

fn parsed<T>(r: &Row, col: &str, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    let code = r.str(col)?;
    parse(&code).ok_or_else(|| AppError::internal(format!("{col}: unknown code {code:?}")))
}

/// A citizen ID as stored: masked for display, a keyed hash for matching; the number
/// itself never is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CitizenId {
    /// Masked (`0330******45`).
    #[serde(rename = "citizen_id_masked")]
    pub masked: Option<String>,
    #[serde(skip)]
    pub hash: Option<String>,
}

impl CitizenId {
    /// What validation made of a typed number: (masked, hash).
    pub fn typed(cid: Option<(String, String)>) -> CitizenId {
        let (masked, hash) = cid.unzip();
        CitizenId { masked, hash }
    }

    /// A newly typed number replaces the stored one; none keeps it (it is never shown
    /// back, so a form cannot send it again).
    pub fn replace_with(&mut self, cid: Option<(String, String)>) {
        if cid.is_some() {
            *self = CitizenId::typed(cid);
        }
    }

    fn from_row(r: &Row) -> AppResult<CitizenId> {
        Ok(CitizenId {
            masked: r.opt_str("citizen_id_masked")?,
            hash: r.opt_str("citizen_id_hash")?,
        })
    }
}

/// One household as stored. `name_folded`, `name_key` and `search_folded` are not fields:
/// they are made from the name and address on every write, so they always agree with them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdRow {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub code: String,
    pub head_name: String,
    pub head_family: String,
    pub head_middle: String,
    pub head_given: String,
    pub xom: String,
    pub ngo: String,
    pub house_no: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub size: Option<i64>,
    pub support_categories: Vec<SupportCategory>,
    #[serde(flatten)]
    pub citizen_id: CitizenId,
    pub status: HouseholdStatus,
    #[serde(skip)]
    pub created_at: String,
    pub updated_at: String,
}

impl HouseholdRow {
    /// Sets the head's name and its parts together.
    pub fn set_head(&mut self, name: &str, parts: &text::NameParts) {
        self.head_name = name.to_owned();
        self.head_family = parts.family.clone();
        self.head_middle = parts.middle.clone();
        self.head_given = parts.given.clone();
    }

    /// The list order by name (given, family, middle), as a stored key.
    pub fn name_key(&self) -> String {
        text::sort_key_of(&[&self.head_given, &self.head_family, &self.head_middle])
    }

    pub fn search_folded(&self) -> String {
        address::household_search(
            &self.code,
            &self.head_name,
            &self.house_no,
            &self.ngo,
            &self.xom,
        )
    }
}

impl TableRow for HouseholdRow {
    const TABLE: &'static str = "households";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "commune_id",
        "village_id",
        "code",
        "head_family",
        "head_middle",
        "head_given",
        "head_name",
        "name_folded",
        "name_key",
        "search_folded",
        "xom",
        "ngo",
        "house_no",
        "latitude",
        "longitude",
        "phone",
        "size",
        "support_categories",
        "citizen_id_masked",
        "citizen_id_hash",
        "status",
        "created_at",
        "updated_at",
    ];

    fn id(&self) -> &str {
        &self.id
    }

    fn commune_id(&self) -> &str {
        &self.commune_id
    }

    fn touch(&mut self, now: String) {
        self.updated_at = now;
    }

    fn values(&self) -> Vec<Value> {
        vec![
            (&self.id).into(),
            (&self.commune_id).into(),
            (&self.village_id).into(),
            (&self.code).into(),
            (&self.head_family).into(),
            (&self.head_middle).into(),
            (&self.head_given).into(),
            (&self.head_name).into(),
            text::fold(&self.head_name).into(),
            self.name_key().into(),
            self.search_folded().into(),
            (&self.xom).into(),
            (&self.ngo).into(),
            (&self.house_no).into(),
            self.latitude.into(),
            self.longitude.into(),
            self.phone.clone().into(),
            self.size.into(),
            SupportCategory::encode(&self.support_categories).into(),
            self.citizen_id.masked.clone().into(),
            self.citizen_id.hash.clone().into(),
            self.status.code().into(),
            (&self.created_at).into(),
            (&self.updated_at).into(),
        ]
    }

    fn from_row(r: &Row) -> AppResult<Self> {
        Ok(HouseholdRow {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            code: r.str("code")?,
            head_name: r.str("head_name")?,
            head_family: r.str("head_family")?,
            head_middle: r.str("head_middle")?,
            head_given: r.str("head_given")?,
            xom: r.str("xom")?,
            ngo: r.str("ngo")?,
            house_no: r.str("house_no")?,
            latitude: r.opt_f64("latitude")?,
            longitude: r.opt_f64("longitude")?,
            phone: r.opt_str("phone")?,
            size: r.opt_i64("size")?,
            support_categories: SupportCategory::decode(&r.str("support_categories")?),
            citizen_id: CitizenId::from_row(r)?,
            status: parsed(r, "status", HouseholdStatus::parse)?,
            created_at: r.str("created_at")?,
            updated_at: r.str("updated_at")?,
        })
    }
}

/// One Party member as stored; `name_folded` and `name_key` are made from the name on
/// every write.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberRow {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub cell_id: Option<String>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i64>,
    pub phone: Option<String>,
    pub status: MemberStatus,
    pub household_id: Option<String>,
    #[serde(flatten)]
    pub citizen_id: CitizenId,
    #[serde(skip)]
    pub created_at: String,
    pub updated_at: String,
}

impl MemberRow {
    /// The list order by name (given, family, middle), as a stored key.
    pub fn name_key(&self) -> String {
        text::sort_key_of(&[&self.given_name, &self.family_name, &self.middle_name])
    }

    pub fn set_name(&mut self, name: &str, parts: &text::NameParts) {
        self.full_name = name.to_owned();
        self.family_name = parts.family.clone();
        self.middle_name = parts.middle.clone();
        self.given_name = parts.given.clone();
    }
}

impl TableRow for MemberRow {
    const TABLE: &'static str = "members";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "commune_id",
        "village_id",
        "cell_id",
        "family_name",
        "middle_name",
        "given_name",
        "full_name",
        "name_folded",
        "name_key",
        "sex",
        "birth_year",
        "phone",
        "status",
        "household_id",
        "citizen_id_masked",
        "citizen_id_hash",
        "created_at",
        "updated_at",
    ];

    fn id(&self) -> &str {
        &self.id
    }

    fn commune_id(&self) -> &str {
        &self.commune_id
    }

    fn touch(&mut self, now: String) {
        self.updated_at = now;
    }

    fn values(&self) -> Vec<Value> {
        vec![
            (&self.id).into(),
            (&self.commune_id).into(),
            (&self.village_id).into(),
            self.cell_id.clone().into(),
            (&self.family_name).into(),
            (&self.middle_name).into(),
            (&self.given_name).into(),
            (&self.full_name).into(),
            text::fold(&self.full_name).into(),
            self.name_key().into(),
            self.sex.map(Sex::code).into(),
            self.birth_year.into(),
            self.phone.clone().into(),
            self.status.code().into(),
            self.household_id.clone().into(),
            self.citizen_id.masked.clone().into(),
            self.citizen_id.hash.clone().into(),
            (&self.created_at).into(),
            (&self.updated_at).into(),
        ]
    }

    fn from_row(r: &Row) -> AppResult<Self> {
        Ok(MemberRow {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            cell_id: r.opt_str("cell_id")?,
            full_name: r.str("full_name")?,
            family_name: r.str("family_name")?,
            middle_name: r.str("middle_name")?,
            given_name: r.str("given_name")?,
            sex: match r.opt_str("sex")? {
                None => None,
                Some(_) => Some(parsed(r, "sex", Sex::parse)?),
            },
            birth_year: r.opt_i64("birth_year")?,
            phone: r.opt_str("phone")?,
            status: parsed(r, "status", MemberStatus::parse)?,
            household_id: r.opt_str("household_id")?,
            citizen_id: CitizenId::from_row(r)?,
            created_at: r.str("created_at")?,
            updated_at: r.str("updated_at")?,
        })
    }
}

/// One Party cell as stored; `name_folded` is made from the name.
#[derive(Debug, Clone)]
pub struct CellRow {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub name: String,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl CellRow {
    /// A new active cell.
    pub fn new(id: &str, commune_id: &str, village_id: &str, name: &str, now: &str) -> CellRow {
        CellRow {
            id: id.to_owned(),
            commune_id: commune_id.to_owned(),
            village_id: village_id.to_owned(),
            name: name.to_owned(),
            active: true,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }
}

impl TableRow for CellRow {
    const TABLE: &'static str = "cells";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "commune_id",
        "village_id",
        "name",
        "name_folded",
        "active",
        "created_at",
        "updated_at",
    ];

    fn id(&self) -> &str {
        &self.id
    }

    fn commune_id(&self) -> &str {
        &self.commune_id
    }

    fn touch(&mut self, now: String) {
        self.updated_at = now;
    }

    fn values(&self) -> Vec<Value> {
        vec![
            (&self.id).into(),
            (&self.commune_id).into(),
            (&self.village_id).into(),
            (&self.name).into(),
            text::fold(&self.name).into(),
            self.active.into(),
            (&self.created_at).into(),
            (&self.updated_at).into(),
        ]
    }

    fn from_row(r: &Row) -> AppResult<Self> {
        Ok(CellRow {
            id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            name: r.str("name")?,
            active: r.bool("active")?,
            created_at: r.str("created_at")?,
            updated_at: r.str("updated_at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A row as the database would hand back what `values` wrote.
    fn stored<R: TableRow>(row: &R) -> Row {
        Row {
            columns: Arc::new(R::COLUMNS.iter().map(|c| c.to_string()).collect()),
            values: row.values(),
        }
    }

    fn household() -> HouseholdRow {
        HouseholdRow {
            id: "h1".into(),
            commune_id: "c".into(),
            village_id: "v".into(),
            code: "BN0001".into(),
            head_name: "Nguyễn Văn An".into(),
            head_family: "Nguyễn".into(),
            head_middle: "Văn".into(),
            head_given: "An".into(),
            xom: "Xóm Đông".into(),
            ngo: "2".into(),
            house_no: "5".into(),
            latitude: Some(20.7),
            longitude: Some(106.0),
            phone: None,
            size: Some(4),
            support_categories: vec![SupportCategory::HoNgheo],
            citizen_id: CitizenId::default(),
            status: HouseholdStatus::Moved,
            created_at: "t0".into(),
            updated_at: "t1".into(),
        }
    }

    #[test]
    fn a_household_reads_back_as_written() {
        let h = household();
        let back = HouseholdRow::from_row(&stored(&h)).unwrap();
        assert_eq!(back.values(), h.values());
        assert_eq!(h.values().len(), HouseholdRow::COLUMNS.len());
        let folded = &h.values()[HouseholdRow::COLUMNS
            .iter()
            .position(|c| *c == "name_folded")
            .unwrap()];
        assert_eq!(folded, &Value::from("nguyen van an"));
    }

    #[test]
    fn an_update_sets_all_but_the_fixed_columns() {
        let h = household();
        let sql = HouseholdRow::update_sql();
        assert!(sql.starts_with("UPDATE households SET village_id = ?, code = ?"));
        assert!(!sql.contains("created_at") && sql.ends_with("WHERE id = ?"));
        assert_eq!(sql.matches('?').count(), h.update_args().len());
        assert_eq!(h.update_args().last(), Some(&Value::from("h1")));
    }

    #[test]
    fn members_and_cells_have_a_value_per_column() {
        let m = MemberRow {
            id: "m".into(),
            commune_id: "c".into(),
            village_id: "v".into(),
            cell_id: None,
            full_name: "Lê Thị Hoa".into(),
            family_name: "Lê".into(),
            middle_name: "Thị".into(),
            given_name: "Hoa".into(),
            sex: Some(Sex::Female),
            birth_year: Some(1970),
            phone: None,
            status: MemberStatus::Exempt,
            household_id: None,
            citizen_id: CitizenId::default(),
            created_at: "t".into(),
            updated_at: "t".into(),
        };
        let back = MemberRow::from_row(&stored(&m)).unwrap();
        assert_eq!(back.values(), m.values());
        let c = CellRow {
            id: "x".into(),
            commune_id: "c".into(),
            village_id: "v".into(),
            name: "Chi bộ thôn Đông".into(),
            active: true,
            created_at: "t".into(),
            updated_at: "t".into(),
        };
        assert_eq!(CellRow::from_row(&stored(&c)).unwrap().values(), c.values());
    }
}
