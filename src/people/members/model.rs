//! A Party member as pages and the API see it, what a person types, and its validation.
//! Pure: no I/O.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::super::kinds::{MemberStatus, Sex};
use super::super::rows::{CitizenId, MemberRow};
use super::super::validate::{self, set_if};
use crate::error::{Collector, FieldError};
use crate::text;
use crate::web::i18n::Lang;

/// A stored member with the names of their village, cell and own household. It reads
/// as its row (`m.full_name`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    #[serde(flatten)]
    pub stored: MemberRow,
    pub village_name: String,
    pub cell_name: Option<String>,
    /// "Nguyễn Văn An · BN0039": the member's own household as people know it.
    pub household_label: Option<String>,
}

impl Deref for Member {
    type Target = MemberRow;
    fn deref(&self) -> &MemberRow {
        &self.stored
    }
}

impl Member {
    pub fn is_active(&self) -> bool {
        self.status == MemberStatus::Active
    }

    pub fn status_label(&self, lang: Lang) -> &'static str {
        self.status.label(lang)
    }

    pub fn to_form(&self) -> MemberForm {
        MemberForm {
            village_id: self.village_id.clone(),
            cell_id: self.cell_id.clone().unwrap_or_default(),
            full_name: self.full_name.clone(),
            sex: self.sex.map(|s| s.code().to_owned()).unwrap_or_default(),
            birth_year: self.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            status: self.status.code().to_owned(),
            household_id: self.household_id.clone().unwrap_or_default(),
            citizen_id: String::new(),
            ..MemberForm::default()
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub village_id: String,
    pub cell_id: String,
    pub full_name: String,
    pub sex: String,
    pub birth_year: String,
    pub phone: String,
    pub status: String,
    pub household_id: String,
    pub citizen_id: String,
    /// The household picker's search text (code or head's name) and its button: the
    /// form comes back with the matches of the member's village to choose from.
    pub household_q: String,
    pub find_household: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub village_id: Option<String>,
    pub cell_id: Option<String>,
    pub full_name: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub phone: Option<String>,
    pub status: Option<String>,
    pub household_id: Option<String>,
    pub citizen_id: Option<String>,
}

impl MemberInput {
    pub fn apply(self, f: &mut MemberForm) {
        set_if(&mut f.village_id, self.village_id);
        set_if(&mut f.cell_id, self.cell_id);
        set_if(&mut f.full_name, self.full_name);
        set_if(&mut f.sex, self.sex);
        set_if(&mut f.birth_year, self.birth_year.map(|v| v.to_string()));
        set_if(&mut f.phone, self.phone);
        set_if(&mut f.status, self.status);
        set_if(&mut f.household_id, self.household_id);
        set_if(&mut f.citizen_id, self.citizen_id);
    }
}

/// A validated member, ready to store.
pub struct Draft {
    pub(crate) full_name: String,
    pub(crate) parts: text::NameParts,
    pub(crate) sex: Option<Sex>,
    pub(crate) birth_year: Option<i64>,
    pub(crate) phone: Option<String>,
    pub(crate) status: MemberStatus,
    pub(crate) citizen_id: Option<(String, String)>,
}

impl Draft {
    /// A new member of this draft in `village_id`, with the cell and household given.
    pub fn new_row(&self, id: String, commune_id: &str, village_id: &str, now: &str) -> MemberRow {
        let mut row = MemberRow {
            id,
            commune_id: commune_id.to_owned(),
            village_id: village_id.to_owned(),
            cell_id: None,
            full_name: String::new(),
            family_name: String::new(),
            middle_name: String::new(),
            given_name: String::new(),
            sex: None,
            birth_year: None,
            phone: None,
            status: self.status,
            household_id: None,
            citizen_id: CitizenId::typed(self.citizen_id.clone()),
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        };
        self.write_over(&mut row);
        row
    }

    /// Everything the form edits but the places (village, cell, household), over `row`.
    pub fn write_over(&self, row: &mut MemberRow) {
        row.set_name(&self.full_name, &self.parts);
        row.sex = self.sex;
        row.birth_year = self.birth_year;
        row.phone = self.phone.clone();
        row.status = self.status;
        row.citizen_id.replace_with(self.citizen_id.clone());
    }
}

impl MemberForm {
    pub(crate) fn validate(&self, secret: &str, cid_on: bool) -> Result<Draft, Vec<FieldError>> {
        let mut e = Collector::default();
        let full_name = e.check("full_name", validate::person_name(&self.full_name));
        let this_year = time::OffsetDateTime::now_utc().year() as i64;
        let birth_year = e
            .check(
                "birth_year",
                validate::small_int(&self.birth_year, 1900, this_year - 16, "Năm sinh"),
            )
            .flatten();
        let phone = e.check("phone", validate::phone(&self.phone)).flatten();
        let sex = match self.sex.trim() {
            "" => None,
            s => {
                let sex = Sex::parse(s);
                if sex.is_none() {
                    e.push("sex", "Giới tính là M (nam) hoặc F (nữ)");
                }
                sex
            }
        };
        let status = match self.status.trim() {
            "" => Some(MemberStatus::Active),
            s => MemberStatus::parse(s),
        };
        if status.is_none() {
            e.push(
                "status",
                "Trạng thái là active, exempt, moved hoặc deceased",
            );
        }
        let citizen_id = validate::citizen_id_field(&mut e, &self.citizen_id, secret, cid_on);
        if !e.is_empty() {
            return Err(e.0);
        }
        let full_name = full_name.unwrap_or_default();
        Ok(Draft {
            parts: text::split_name(&full_name),
            full_name,
            sex,
            birth_year,
            phone,
            status: status.unwrap_or(MemberStatus::Active),
            citizen_id,
        })
    }
}
