//! What the audit log records, as pure data: actions, record kinds, and the notes a unit
//! of work collects until it ends and becomes one event per commune.
//!
//! Store functions note what they showed ([`Notes::shown`]) and what they did
//! ([`Notes::did`]); they never write to the log themselves. When the unit of work ends,
//! [`Notes::into_events`] merges everything into one event, so one user action is one
//! line of the log however many fetches it made (DESIGN.md §4).

use base64::Engine;
use serde_json::{json, Map, Value as Json};

/// The chain of records that belong to no commune (users, grants, the catalogue).
pub const GLOBAL_CHAIN: &str = "global";

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code stored in the log.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),* }
            }
        }
    };
}

labelled_enum! {
    /// What a person did.
    Action {
        Read = "read", "Xem", "Read";
        Create = "create", "Tạo", "Create";
        Update = "update", "Sửa", "Edit";
        Status = "status", "Đổi trạng thái", "Status change";
        Login = "login", "Đăng nhập", "Sign in";
        Logout = "logout", "Đăng xuất", "Sign out";
        Grant = "grant", "Cấp quyền", "Grant";
        Disable = "disable", "Khóa tài khoản", "Disable";
        ResetPassword = "reset_password", "Đặt lại mật khẩu", "Password reset";
        ChangePassword = "change_password", "Đổi mật khẩu", "Password change";
        Revoke = "revoke", "Thu hồi", "Revoke";
        Seed = "seed", "Tạo dữ liệu mẫu", "Demo data";
        Import = "import", "Nhập từ tệp", "Import";
        Export = "export", "Xuất tệp", "Export";
        Capacity = "capacity", "Đặt số hộ mỗi đảng viên", "Set capacity";
        Draft = "draft", "Lập dự thảo phân công", "Draft plan";
        DraftApprove = "draft_approve", "Lập và duyệt phân công", "Draft and approve plan";
        Move = "move", "Chuyển hộ", "Move household";
        Lock = "lock", "Khóa cặp", "Lock pair";
        Unlock = "unlock", "Mở khóa cặp", "Unlock pair";
        Submit = "submit", "Trình duyệt", "Submit";
        Approve = "approve", "Phê duyệt", "Approve";
        Return = "return", "Trả lại", "Return";
        Archive = "archive", "Lưu trữ nhật ký", "Archive log";
        // campaigns (issue 8)
        Deliver = "deliver", "Ghi nhận tuyên truyền", "Record delivery";
        // funding (issue 10)
        Reverse = "reverse", "Ghi bút toán đảo", "Reversing entry";
        // petitions (issue 9)
        Step = "step", "Xử lý kiến nghị", "Petition step";
        Link = "link", "Gộp kiến nghị trùng", "Link duplicates";
        // reports (issue 10)
        Accept = "accept", "Tiếp nhận báo cáo", "Accept report";
    }
}

labelled_enum! {
    /// The kind of record an action concerns.
    Entity {
        Household = "household", "Hộ gia đình", "Household";
        Member = "member", "Đảng viên", "Party member";
        Cell = "cell", "Chi bộ", "Party cell";
        Unit = "unit", "Đơn vị", "Unit";
        User = "user", "Người dùng", "User";
        ApiToken = "api_token", "Khóa API", "API token";
        AssignmentPlan = "assignment_plan", "Danh sách phân công", "Assignment plan";
        ImportBatch = "import_batch", "Lần nhập tệp", "Import";
        AuditLog = "audit_log", "Nhật ký", "Audit log";
        // campaigns (issue 8)
        Campaign = "campaign", "Đợt tuyên truyền", "Campaign";
        Contact = "contact", "Lần tiếp xúc", "Contact";
        ContactTopics = "contact_topics", "Nội dung tiếp xúc", "Contact topics";
        Commitment = "commitment", "Bản cam kết", "Commitment";
        CommitmentItem = "commitment_item", "Điều cam kết", "Commitment item";
        // events and funding (issue 10)
        Event = "event", "Hội nghị, sinh hoạt", "Event";
        FundingEntry = "funding_entry", "Bút toán kinh phí", "Funding entry";
        // petitions (issue 9)
        Petition = "petition", "Kiến nghị", "Petition";
        Agency = "agency", "Cơ quan giải quyết", "Agency";
        AnswerTemplate = "answer_template", "Mẫu trả lời", "Answer template";
        PetitionSettings = "petition_settings", "Ngày nghỉ, lĩnh vực, thời hạn", "Holidays, categories, deadlines";
        // reports (issue 10)
        Report = "report", "Báo cáo định kỳ", "Periodic report";
        ReportSettings = "report_settings", "Thể thức, chỉ tiêu báo cáo", "Report format and targets";
        // evaluation (issue 10)
        Evaluation = "evaluation", "Đánh giá, xếp loại", "Evaluation";
        EvaluationRubric = "evaluation_rubric", "Tiêu chí đánh giá", "Evaluation rubric";
    }
}

impl Entity {
    /// The word after a count: "50 hộ", "12 đảng viên".
    pub fn counted(self, n: usize, en: bool) -> String {
        let (vi, one, many) = match self {
            Entity::Household => ("hộ", "household", "households"),
            Entity::Member => ("đảng viên", "Party member", "Party members"),
            Entity::Cell => ("chi bộ", "Party cell", "Party cells"),
            Entity::Unit => ("đơn vị", "unit", "units"),
            Entity::User => ("người dùng", "user", "users"),
            Entity::ApiToken => ("khóa API", "API token", "API tokens"),
            Entity::AssignmentPlan => ("danh sách phân công", "plan", "plans"),
            Entity::ImportBatch => ("lần nhập tệp", "import", "imports"),
            Entity::AuditLog => ("nhật ký", "log", "logs"),
            Entity::Campaign => ("đợt tuyên truyền", "campaign", "campaigns"),
            Entity::Contact => ("lần tiếp xúc", "contact", "contacts"),
            Entity::ContactTopics => ("danh sách nội dung", "topic list", "topic lists"),
            Entity::Commitment => ("bản cam kết", "commitment", "commitments"),
            Entity::CommitmentItem => ("điều cam kết", "commitment item", "commitment items"),
            Entity::Event => ("hội nghị, sinh hoạt", "event", "events"),
            Entity::FundingEntry => ("bút toán kinh phí", "funding entry", "funding entries"),
            Entity::Petition => ("kiến nghị", "petition", "petitions"),
            Entity::Agency => ("cơ quan", "agency", "agencies"),
            Entity::AnswerTemplate => ("mẫu trả lời", "answer template", "answer templates"),
            Entity::PetitionSettings => ("thiết lập", "setting", "settings"),
            Entity::Report => ("báo cáo", "report", "reports"),
            Entity::ReportSettings => ("thiết lập báo cáo", "report setting", "report settings"),
            Entity::Evaluation => ("đợt đánh giá", "evaluation", "evaluations"),
            Entity::EvaluationRubric => ("bộ tiêu chí", "rubric", "rubrics"),
        };
        let n_text = crate::web::format::number(n as i64);
        match (en, n) {
            (false, _) => format!("{n_text} {vi}"),
            (true, 1) => format!("1 {one}"),
            (true, _) => format!("{n_text} {many}"),
        }
    }

    /// Records about people: every staff read of them is logged (DESIGN.md §3).
    pub fn is_personal(self) -> bool {
        // A petition is a household's own words about its life: personal data.
        matches!(self, Entity::Household | Entity::Member | Entity::Petition)
    }
}

/// Who acts: a signed-in user, or the system itself (CLI, demo), named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    /// Reads by citizens of their own data are not staff reads.
    pub staff: bool,
}

impl Actor {
    /// A user or the system by id (`system:demo`), as staff.
    pub fn named(id: &str) -> Actor {
        Actor {
            id: id.to_owned(),
            staff: true,
        }
    }
}

/// One thing done inside a unit of work.
#[derive(Debug, Clone)]
struct Done {
    action: Action,
    entity: Entity,
    id: String,
    commune: Option<String>,
    detail: Map<String, Json>,
}

/// What a unit of work showed and did, collected until it ends.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    actor: Option<Actor>,
    shown: Vec<(Entity, Option<String>, String)>,
    done: Vec<Done>,
}

/// One line of the log, ready to be chained.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEvent {
    pub chain: String,
    pub actor_id: String,
    pub action: Action,
    pub entity: Entity,
    pub entity_id: String,
    /// Compact JSON: field names, counts, ids — never personal values.
    pub detail: String,
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.done.is_empty()
    }

    fn set_actor(&mut self, actor: &Actor) {
        if self.actor.is_none() {
            self.actor = Some(actor.clone());
        }
    }

    /// The unit of work showed these records (a page, a document, an API answer).
    pub fn shown<'a>(
        &mut self,
        actor: &Actor,
        entity: Entity,
        commune: Option<&str>,
        ids: impl IntoIterator<Item = &'a str>,
    ) {
        self.set_actor(actor);
        for id in ids {
            let key = (entity, commune.map(str::to_owned), id.to_owned());
            if !self.shown.contains(&key) {
                self.shown.push(key);
            }
        }
    }

    /// The unit of work changed a record. `detail` is a JSON object of field names,
    /// counts and ids.
    pub fn did(
        &mut self,
        actor: &Actor,
        action: Action,
        entity: Entity,
        id: &str,
        commune: Option<&str>,
        detail: Json,
    ) {
        self.set_actor(actor);
        let detail = match detail {
            Json::Object(m) => m,
            Json::Null => Map::new(),
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        self.done.push(Done {
            action,
            entity,
            id: id.to_owned(),
            commune: commune.map(str::to_owned),
            detail,
        });
    }

    /// One event per commune the unit of work touched (in practice one: a scope is one
    /// commune). Reads of non-personal records and reads by non-staff leave nothing.
    pub fn into_events(self) -> Vec<PendingEvent> {
        let Some(actor) = self.actor else {
            return Vec::new();
        };
        let mut chains: Vec<String> = Vec::new();
        let chain_of = |c: &Option<String>| c.clone().unwrap_or_else(|| GLOBAL_CHAIN.into());
        for d in &self.done {
            let c = chain_of(&d.commune);
            if !chains.contains(&c) {
                chains.push(c);
            }
        }
        for (entity, commune, _) in &self.shown {
            let c = chain_of(commune);
            if entity.is_personal() && actor.staff && !chains.contains(&c) {
                chains.push(c);
            }
        }
        chains
            .into_iter()
            .filter_map(|chain| {
                let done: Vec<&Done> = self
                    .done
                    .iter()
                    .filter(|d| chain_of(&d.commune) == chain)
                    .collect();
                let shown: Vec<(Entity, &str)> = self
                    .shown
                    .iter()
                    .filter(|(_, c, _)| chain_of(c) == chain)
                    .filter(|(e, _, id)| !done.iter().any(|d| d.entity == *e && d.id == *id))
                    .map(|(e, _, id)| (*e, id.as_str()))
                    .collect();
                event_for(&actor, chain, &done, &shown)
            })
            .collect()
    }
}

fn event_for(
    actor: &Actor,
    chain: String,
    done: &[&Done],
    shown: &[(Entity, &str)],
) -> Option<PendingEvent> {
    let (action, entity, entity_id, mut detail) = match done.split_first() {
        Some((first, rest)) => {
            let mut detail = first.detail.clone();
            if !rest.is_empty() {
                let also: Vec<Json> = rest
                    .iter()
                    .map(|d| {
                        let mut m = d.detail.clone();
                        m.insert("action".into(), d.action.code().into());
                        m.insert("entity".into(), d.entity.code().into());
                        m.insert("id".into(), d.id.clone().into());
                        Json::Object(m)
                    })
                    .collect();
                detail.insert("also".into(), Json::Array(also));
            }
            (first.action, first.entity, first.id.clone(), detail)
        }
        None => {
            // The page's subject is the first record it showed: named in entity_id when
            // it is the only one of its kind, else the event is a list read ("*").
            let (entity, first) = *shown.first()?;
            let same_kind = shown.iter().filter(|(e, _)| *e == entity).count();
            let id = if same_kind == 1 { first } else { "*" };
            (Action::Read, entity, id.to_owned(), Map::new())
        }
    };
    // Every other record shown is listed, grouped by kind, in compact form.
    let listed: Vec<(Entity, &str)> = shown
        .iter()
        .filter(|(e, id)| !(done.is_empty() && *e == entity && *id == entity_id))
        .copied()
        .collect();
    if !listed.is_empty() {
        let mut by_kind = Map::new();
        for kind in Entity::ALL {
            let ids: Vec<&str> = listed
                .iter()
                .filter(|(e, _)| e == kind)
                .map(|(_, id)| *id)
                .collect();
            if !ids.is_empty() {
                by_kind.insert(kind.code().into(), encode_ids(&ids));
            }
        }
        detail.insert("shown".into(), Json::Object(by_kind));
    }
    Some(PendingEvent {
        chain,
        actor_id: actor.id.clone(),
        action,
        entity,
        entity_id,
        detail: Json::Object(detail).to_string(),
    })
}

/// Ids in compact form: UUIDs as their 16 bytes, base64url, 22 characters each instead of
/// 36 (a list page names 50). Anything that is not a UUID is kept as it is.
pub fn encode_ids(ids: &[&str]) -> Json {
    let uuids: Option<Vec<uuid::Uuid>> =
        ids.iter().map(|s| uuid::Uuid::parse_str(s).ok()).collect();
    match uuids {
        Some(u) => {
            let mut bytes = Vec::with_capacity(u.len() * 16);
            for x in &u {
                bytes.extend_from_slice(x.as_bytes());
            }
            json!({ "uuids": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes) })
        }
        None => json!(ids),
    }
}

/// The ids of [`encode_ids`], back as text.
pub fn decode_ids(v: &Json) -> Vec<String> {
    if let Some(s) = v.get("uuids").and_then(Json::as_str) {
        let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s) else {
            return Vec::new();
        };
        return bytes
            .chunks_exact(16)
            .filter_map(|c| uuid::Uuid::from_slice(c).ok())
            .map(|u| u.to_string())
            .collect();
    }
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Actor {
        Actor {
            id: "u1".into(),
            staff: true,
        }
    }

    const H1: &str = "01930000-0000-7000-8000-000000000001";
    const H2: &str = "01930000-0000-7000-8000-000000000002";

    #[test]
    fn a_list_read_is_one_event_naming_every_record() {
        let mut n = Notes::default();
        n.shown(&staff(), Entity::Household, Some("c-1"), [H1, H2]);
        n.shown(&staff(), Entity::Household, Some("c-1"), [H1]);
        let ev = n.into_events();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].action, Action::Read);
        assert_eq!(ev[0].entity_id, "*");
        let detail: Json = serde_json::from_str(&ev[0].detail).unwrap();
        assert_eq!(decode_ids(&detail["shown"]["household"]), vec![H1, H2]);
    }

    #[test]
    fn an_update_absorbs_the_reads_around_it() {
        let mut n = Notes::default();
        n.shown(&staff(), Entity::Household, Some("c-1"), [H1]);
        n.did(
            &staff(),
            Action::Update,
            Entity::Household,
            H1,
            Some("c-1"),
            json!({"fields": ["phone"]}),
        );
        n.shown(&staff(), Entity::Household, Some("c-1"), [H1]);
        let ev = n.into_events();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].action, Action::Update);
        assert_eq!(ev[0].entity_id, H1);
        assert_eq!(ev[0].detail, r#"{"fields":["phone"]}"#);
    }

    #[test]
    fn a_record_page_names_its_subject_and_lists_the_rest() {
        let mut n = Notes::default();
        n.shown(&staff(), Entity::Household, Some("c-1"), [H1]);
        n.shown(&staff(), Entity::Member, Some("c-1"), [H2]);
        let ev = n.into_events();
        assert_eq!(ev.len(), 1);
        assert_eq!(
            (ev[0].entity, ev[0].entity_id.as_str()),
            (Entity::Household, H1)
        );
        let detail: Json = serde_json::from_str(&ev[0].detail).unwrap();
        assert_eq!(decode_ids(&detail["shown"]["member"]), vec![H2]);
        assert!(detail["shown"].get("household").is_none());
    }

    #[test]
    fn non_personal_reads_and_citizen_reads_leave_nothing() {
        let mut n = Notes::default();
        n.shown(&staff(), Entity::Unit, None, ["c-1"]);
        assert!(n.into_events().is_empty());
        let mut n = Notes::default();
        let citizen = Actor {
            id: "c".into(),
            staff: false,
        };
        n.shown(&citizen, Entity::Household, Some("c-1"), [H1]);
        assert!(n.into_events().is_empty());
    }

    #[test]
    fn ids_round_trip_compactly() {
        let e = encode_ids(&[H1, H2]);
        assert_eq!(e["uuids"].as_str().unwrap().len(), 43);
        assert_eq!(decode_ids(&e), vec![H1, H2]);
        assert_eq!(decode_ids(&encode_ids(&["c-1"])), vec!["c-1"]);
    }

    #[test]
    fn codes_parse_back() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(*a));
        }
        for e in Entity::ALL {
            assert_eq!(Entity::parse(e.code()), Some(*e));
        }
    }
}
