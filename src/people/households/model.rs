//! A household as pages and the API see it, what a person types, and its validation.
//! Pure: no I/O.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::super::address;
use super::super::kinds::{HouseholdStatus, SupportCategory};
use super::super::rows::{CitizenId, HouseholdRow};
use super::super::validate;
use crate::error::{Collector, FieldError};
use crate::text;

/// A stored household with its village's name. It reads as its row (`h.code`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Household {
    #[serde(flatten)]
    pub stored: HouseholdRow,
    pub village_name: String,
}

impl Deref for Household {
    type Target = HouseholdRow;
    fn deref(&self) -> &HouseholdRow {
        &self.stored
    }
}

impl Household {
    pub fn address(&self) -> String {
        address::display(&self.house_no, &self.ngo, &self.xom)
    }

    /// The translation key of the status, for badges.
    pub fn status_key(&self) -> &'static str {
        self.status.key()
    }

    pub fn is_active(&self) -> bool {
        self.status == HouseholdStatus::Active
    }

    /// The support categories in Vietnamese, as registers write them.
    pub fn support_labels(&self) -> String {
        self.support_categories
            .iter()
            .map(|c| c.label(crate::web::i18n::Lang::Vi))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn to_form(&self) -> HouseholdForm {
        let text = |v: Option<String>| v.unwrap_or_default();
        HouseholdForm {
            village_id: self.village_id.clone(),
            code: self.code.clone(),
            head_name: self.head_name.clone(),
            xom: self.xom.clone(),
            ngo: self.ngo.clone(),
            house_no: self.house_no.clone(),
            latitude: text(self.latitude.map(|v| v.to_string())),
            longitude: text(self.longitude.map(|v| v.to_string())),
            phone: text(self.phone.clone()),
            size: text(self.size.map(|v| v.to_string())),
            support: self
                .support_categories
                .iter()
                .map(|c| c.code().to_owned())
                .collect(),
            citizen_id: String::new(),
            confirm_duplicate: String::new(),
        }
    }
}

/// What a person typed (page form) — every field text, validated by [`HouseholdForm::validate`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdForm {
    pub village_id: String,
    pub code: String,
    pub head_name: String,
    pub xom: String,
    pub ngo: String,
    pub house_no: String,
    pub latitude: String,
    pub longitude: String,
    pub phone: String,
    pub size: String,
    pub support: Vec<String>,
    pub citizen_id: String,
    /// "1": the person saw that the village already has this head at this address and
    /// adds the household all the same ("Vẫn thêm").
    pub confirm_duplicate: String,
}

/// A household as the API receives it. Omitted fields keep their value on update.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    pub village_id: Option<String>,
    pub code: Option<String>,
    pub head_name: Option<String>,
    pub xom: Option<String>,
    pub ngo: Option<String>,
    pub house_no: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub size: Option<i64>,
    pub support_categories: Option<Vec<String>>,
    pub citizen_id: Option<String>,
}

impl HouseholdInput {
    pub fn apply(self, f: &mut HouseholdForm) {
        use super::super::validate::set_if;
        set_if(&mut f.village_id, self.village_id);
        set_if(&mut f.code, self.code);
        set_if(&mut f.head_name, self.head_name);
        set_if(&mut f.xom, self.xom);
        set_if(&mut f.ngo, self.ngo);
        set_if(&mut f.house_no, self.house_no);
        set_if(&mut f.latitude, self.latitude.map(|v| v.to_string()));
        set_if(&mut f.longitude, self.longitude.map(|v| v.to_string()));
        set_if(&mut f.phone, self.phone);
        set_if(&mut f.size, self.size.map(|v| v.to_string()));
        set_if(&mut f.citizen_id, self.citizen_id);
        if let Some(s) = self.support_categories {
            f.support = s;
        }
    }
}

/// A validated household, ready to store.
pub struct Draft {
    pub(crate) code: String,
    pub(crate) head_name: String,
    pub(crate) parts: text::NameParts,
    pub(crate) xom: String,
    pub(crate) ngo: String,
    pub(crate) house_no: String,
    pub(crate) latitude: Option<f64>,
    pub(crate) longitude: Option<f64>,
    pub(crate) phone: Option<String>,
    pub(crate) size: Option<i64>,
    pub(crate) support: Vec<SupportCategory>,
    pub(crate) citizen_id: Option<(String, String)>,
}

impl Draft {
    /// A new active household of this draft, stored under `code` in `village_id`.
    pub fn new_row(
        &self,
        id: String,
        commune_id: &str,
        village_id: &str,
        code: &str,
        now: &str,
    ) -> HouseholdRow {
        let mut row = HouseholdRow {
            id,
            commune_id: commune_id.to_owned(),
            village_id: village_id.to_owned(),
            code: code.to_owned(),
            head_name: String::new(),
            head_family: String::new(),
            head_middle: String::new(),
            head_given: String::new(),
            xom: String::new(),
            ngo: String::new(),
            house_no: String::new(),
            latitude: None,
            longitude: None,
            phone: None,
            size: None,
            support_categories: Vec::new(),
            citizen_id: CitizenId::typed(self.citizen_id.clone()),
            status: HouseholdStatus::Active,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        };
        self.write_over(&mut row);
        row
    }

    /// Everything the form edits but the code (which has its own rule), over `row`.
    pub fn write_over(&self, row: &mut HouseholdRow) {
        row.set_head(&self.head_name, &self.parts);
        row.xom = self.xom.clone();
        row.ngo = self.ngo.clone();
        row.house_no = self.house_no.clone();
        row.latitude = self.latitude;
        row.longitude = self.longitude;
        row.phone = self.phone.clone();
        row.size = self.size;
        row.support_categories = self.support.clone();
        row.citizen_id.replace_with(self.citizen_id.clone());
    }
}

impl HouseholdForm {
    pub fn validate(
        &self,
        secret: &str,
        citizen_id_enabled: bool,
    ) -> Result<Draft, Vec<FieldError>> {
        let mut e = Collector::default();
        let code = e.check("code", validate::short_text(&self.code, 20, "Mã hộ"));
        let head_name = e.check("head_name", validate::person_name(&self.head_name));
        let xom = e.check("xom", validate::short_text(&self.xom, 60, "Xóm"));
        let ngo = e.check("ngo", validate::short_text(&self.ngo, 60, "Ngõ"));
        let house_no = e.check(
            "house_no",
            validate::short_text(&self.house_no, 20, "Số nhà"),
        );
        let latitude = e
            .check("latitude", validate::coordinate(&self.latitude, true))
            .flatten();
        let longitude = e
            .check("longitude", validate::coordinate(&self.longitude, false))
            .flatten();
        let phone = e.check("phone", validate::phone(&self.phone)).flatten();
        let size = e
            .check(
                "size",
                validate::small_int(&self.size, 1, 50, "Số nhân khẩu"),
            )
            .flatten();
        if self
            .support
            .iter()
            .any(|s| SupportCategory::parse(s).is_none())
        {
            e.push("support", "Diện hỗ trợ không có trong danh mục");
        }
        let citizen_id =
            validate::citizen_id_field(&mut e, &self.citizen_id, secret, citizen_id_enabled);
        if latitude.is_some() != longitude.is_some() && e.is_empty() {
            e.push(
                "longitude",
                "Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai",
            );
        }
        if !e.is_empty() {
            return Err(e.0);
        }
        let head_name = head_name.unwrap_or_default();
        Ok(Draft {
            code: code.unwrap_or_default(),
            parts: text::split_name(&head_name),
            head_name,
            // "Xóm Đông" stays as registers write it; the display never doubles it.
            xom: xom.unwrap_or_default(),
            ngo: address::clean_ngo(&ngo.unwrap_or_default()),
            house_no: address::clean_house_no(&house_no.unwrap_or_default()),
            latitude,
            longitude,
            phone,
            size,
            // Catalogue order, each once: what is stored never depends on the clicking order.
            support: SupportCategory::from_codes(&self.support),
            citizen_id,
        })
    }
}

/// The next free code after `codes` (newest first), following the village's own
/// pattern: after `BN0412` comes `BN0413`; a village without codes starts at `0001`.
pub fn next_code_after(codes: &[String]) -> String {
    let split = |c: &str| {
        let digits = c.len() - c.trim_end_matches(|ch: char| ch.is_ascii_digit()).len();
        let (prefix, number) = c.split_at(c.len() - digits);
        (prefix.to_owned(), number.to_owned())
    };
    let (prefix, width) = match codes.first().map(|c| split(c)) {
        Some((p, n)) if !n.is_empty() => (p, n.len()),
        _ => (String::new(), 4),
    };
    let max = codes
        .iter()
        .map(|c| split(c))
        .filter(|(p, n)| *p == prefix && !n.is_empty())
        .filter_map(|(_, n)| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut k = max + 1;
    loop {
        let code = format!("{prefix}{k:0width$}");
        if !codes.contains(&code) {
            return code;
        }
        k += 1;
    }
}

#[cfg(test)]
mod code_tests {
    #[test]
    fn codes_follow_the_village_pattern() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::next_code_after(&v(&["BN0412", "BN0007"])), "BN0413");
        assert_eq!(super::next_code_after(&v(&[])), "0001");
        assert_eq!(super::next_code_after(&v(&["T-2", "T-10"])), "T-11");
        assert_eq!(super::next_code_after(&v(&["Nhà ông Ba"])), "0001");
    }
}
