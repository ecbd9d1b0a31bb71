//! Who issues a unit's reports and to whom they go (Hướng dẫn 36-HD/VPTW): the issuing
//! body's two lines, the number's suffix, the place of the date line, the signer block
//! and "Nơi nhận". Data, not code: a unit's office edits them; until it does, they are
//! drawn from the unit tree (after the 2025 reform a commune reports to its province).

use serde::{Deserialize, Serialize};

use crate::auth::Scope;
use crate::clock;
use crate::db::{Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// How the signer signs: for the collective (T/M), as a deputy (K/T), or by delegation (T/L).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignerMode {
    TM,
    KT,
    TL,
}

impl SignerMode {
    pub fn code(self) -> &'static str {
        match self {
            SignerMode::TM => "TM",
            SignerMode::KT => "KT",
            SignerMode::TL => "TL",
        }
    }

    pub fn parse(s: &str) -> Option<SignerMode> {
        match s.trim() {
            "TM" => Some(SignerMode::TM),
            "KT" => Some(SignerMode::KT),
            "TL" => Some(SignerMode::TL),
            _ => None,
        }
    }

    /// "T/M", "K/T", "T/L" as the signature block writes them.
    pub fn written(self) -> &'static str {
        match self {
            SignerMode::TM => "T/M",
            SignerMode::KT => "K/T",
            SignerMode::TL => "T/L",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Profile {
    /// "ĐẢNG BỘ XÃ LƯƠNG BẰNG".
    pub parent_body: String,
    /// "ĐẢNG ỦY".
    pub issuing_body: String,
    /// "BC/ĐU".
    pub number_suffix: String,
    /// "Lương Bằng".
    pub place_name: String,
    pub signer_mode: SignerMode,
    /// "ĐẢNG ỦY" in "T/M ĐẢNG ỦY".
    pub signer_body: String,
    /// "BÍ THƯ".
    pub signer_title: String,
    pub signer_name: String,
    /// One recipient per line.
    pub recipients: String,
    /// The unit whose board receives the report.
    pub reports_to: Option<String>,
    /// Days after the period's end the report is due.
    pub due_days: i64,
    /// Whether the unit's office saved it (else these are the defaults).
    pub saved: bool,
}

impl Profile {
    pub fn recipients_lines(&self) -> Vec<String> {
        self.recipients
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The name without its type word: "Xã Lương Bằng" → "Lương Bằng", "Tỉnh Hưng Yên" →
/// "Hưng Yên".
fn bare(name: &str) -> String {
    for prefix in [
        "Tỉnh ",
        "Thành phố ",
        "Xã ",
        "Phường ",
        "Thị trấn ",
        "Đặc khu ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    name.to_owned()
}

/// The defaults for a unit, from the tree: a commune's Party committee reporting to its
/// province's Mass Mobilisation Board; a province's board reporting to the centre.
pub async fn defaults(tx: &mut Tx, unit: &Unit) -> AppResult<Profile> {
    let province = super::cutoff::province_of(tx, unit).await?;
    let province_name = match &province {
        Some(p) => units::get(tx, p).await?.name,
        None => String::new(),
    };
    Ok(if unit.kind == "province" {
        Profile {
            parent_body: format!("TỈNH ỦY {}", bare(&unit.name).to_uppercase()),
            issuing_body: "BAN DÂN VẬN".into(),
            number_suffix: "BC/BDVTU".into(),
            place_name: bare(&unit.name),
            signer_mode: SignerMode::TM,
            signer_body: "BAN DÂN VẬN".into(),
            signer_title: "TRƯỞNG BAN".into(),
            signer_name: String::new(),
            recipients: "- Ban Dân vận Trung ương,\n- Thường trực Tỉnh ủy,\n- Lưu Văn phòng Ban."
                .into(),
            reports_to: None,
            due_days: 10,
            saved: false,
        }
    } else {
        Profile {
            parent_body: format!("ĐẢNG BỘ {}", unit.name.to_uppercase()),
            issuing_body: "ĐẢNG ỦY".into(),
            number_suffix: "BC/ĐU".into(),
            place_name: bare(&unit.name),
            signer_mode: SignerMode::TM,
            signer_body: "ĐẢNG ỦY".into(),
            signer_title: "BÍ THƯ".into(),
            signer_name: String::new(),
            recipients: format!(
                "- Ban Thường vụ Tỉnh ủy {p} (để báo cáo),\n- Ban Dân vận Tỉnh ủy {p},\n- Lưu Văn phòng Đảng ủy.",
                p = bare(&province_name)
            ),
            reports_to: province,
            due_days: 5,
            saved: false,
        }
    })
}

/// The unit's profile: the one its office saved, or the defaults.
pub async fn of(tx: &mut Tx, unit: &Unit) -> AppResult<Profile> {
    let Some(r) = tx
        .fetch_optional(
            "SELECT parent_body, issuing_body, number_suffix, place_name, signer_mode, signer_body, signer_title, \
             signer_name, recipients, reports_to, due_days FROM report_profiles WHERE unit_id = ?",
            &[unit.id.clone().into()],
        )
        .await?
    else {
        return defaults(tx, unit).await;
    };
    Ok(Profile {
        parent_body: r.str("parent_body")?,
        issuing_body: r.str("issuing_body")?,
        number_suffix: r.str("number_suffix")?,
        place_name: r.str("place_name")?,
        signer_mode: SignerMode::parse(&r.str("signer_mode")?).unwrap_or(SignerMode::TM),
        signer_body: r.str("signer_body")?,
        signer_title: r.str("signer_title")?,
        signer_name: r.str("signer_name")?,
        recipients: r.str("recipients")?,
        reports_to: r.opt_str("reports_to")?,
        due_days: r.i64("due_days")?,
        saved: true,
    })
}

/// The profile as a form posts it, every field text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileInput {
    pub parent_body: String,
    pub issuing_body: String,
    pub number_suffix: String,
    pub place_name: String,
    pub signer_mode: String,
    pub signer_body: String,
    pub signer_title: String,
    pub signer_name: String,
    pub recipients: String,
    pub due_days: String,
}

/// Checks a posted profile: every line of the header is required, short and on one line.
pub fn check(input: &ProfileInput, reports_to: Option<String>) -> AppResult<Profile> {
    let line = |field: &str, v: &str, what: &str| -> AppResult<String> {
        let v = v.trim();
        if v.is_empty() {
            return Err(AppError::invalid(field, format!("Nhập {what}")));
        }
        if v.chars().count() > 120 || v.contains('\n') {
            return Err(AppError::invalid(
                field,
                format!("{what} viết trên một dòng, không quá 120 ký tự"),
            ));
        }
        Ok(v.to_owned())
    };
    let signer_mode = SignerMode::parse(&input.signer_mode)
        .ok_or_else(|| AppError::invalid("signer_mode", "Chọn thể thức ký: T/M, K/T hoặc T/L"))?;
    let due_days: i64 = input
        .due_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (0..=60).contains(d))
        .ok_or_else(|| {
            AppError::invalid("due_days", "Hạn gửi là số ngày sau khi hết kỳ, từ 0 đến 60")
        })?;
    if input.recipients.chars().count() > 2_000 {
        return Err(AppError::invalid(
            "recipients",
            "Nơi nhận dài quá 2.000 ký tự",
        ));
    }
    Ok(Profile {
        parent_body: line("parent_body", &input.parent_body, "tên cơ quan cấp trên")?
            .to_uppercase(),
        issuing_body: line("issuing_body", &input.issuing_body, "tên cơ quan ban hành")?
            .to_uppercase(),
        number_suffix: line(
            "number_suffix",
            &input.number_suffix,
            "ký hiệu số báo cáo (vd. BC/ĐU)",
        )?,
        place_name: line(
            "place_name",
            &input.place_name,
            "địa danh ghi ở dòng ngày tháng",
        )?,
        signer_mode,
        signer_body: line(
            "signer_body",
            &input.signer_body,
            "tên tập thể lãnh đạo (vd. ĐẢNG ỦY)",
        )?
        .to_uppercase(),
        signer_title: line("signer_title", &input.signer_title, "chức vụ người ký")?.to_uppercase(),
        signer_name: input.signer_name.trim().chars().take(120).collect(),
        recipients: input.recipients.trim().to_owned(),
        reports_to,
        due_days,
        saved: true,
    })
}

/// Saves a unit's profile: its own office (the author of its reports).
pub async fn save(tx: &mut WriteTx, scope: &Scope, unit: &Unit, p: &Profile) -> AppResult<()> {
    if super::store::side_of(scope, unit) != Some(super::workflow::Side::Author) {
        return Err(AppError::NotFound);
    }
    tx.execute(
        "INSERT INTO report_profiles (unit_id, parent_body, issuing_body, number_suffix, place_name, signer_mode, \
         signer_body, signer_title, signer_name, recipients, reports_to, due_days, updated_by, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id) DO UPDATE SET \
         parent_body = excluded.parent_body, issuing_body = excluded.issuing_body, number_suffix = excluded.number_suffix, \
         place_name = excluded.place_name, signer_mode = excluded.signer_mode, signer_body = excluded.signer_body, \
         signer_title = excluded.signer_title, signer_name = excluded.signer_name, recipients = excluded.recipients, \
         reports_to = excluded.reports_to, due_days = excluded.due_days, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
        &[
            unit.id.clone().into(),
            p.parent_body.clone().into(),
            p.issuing_body.clone().into(),
            p.number_suffix.clone().into(),
            p.place_name.clone().into(),
            p.signer_mode.code().into(),
            p.signer_body.clone().into(),
            p.signer_title.clone().into(),
            p.signer_name.clone().into(),
            p.recipients.clone().into(),
            p.reports_to.clone().into(),
            p.due_days.into(),
            scope.user_id().into(),
            clock::now().into(),
        ],
    )
    .await?;
    crate::audit::did(
        tx,
        scope,
        crate::audit::Action::Update,
        crate::audit::Entity::ReportSettings,
        &unit.id,
        (unit.kind == "commune").then_some(unit.id.as_str()),
        serde_json::json!({ "profile": true }),
    );
    Ok(())
}
