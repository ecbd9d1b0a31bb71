//! The roles of DESIGN.md §1 and what each may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    CellSecretary,
    CommuneCommittee,
    AgencyHandler,
    Supervisor,
    FrontReviewer,
    Auditor,
    Citizen,
    Admin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Member,
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::AgencyHandler,
        Role::Supervisor,
        Role::FrontReviewer,
        Role::Auditor,
        Role::Citizen,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::CellSecretary => "cell_secretary",
            Role::CommuneCommittee => "commune_committee",
            Role::AgencyHandler => "agency_handler",
            Role::Supervisor => "supervisor",
            Role::FrontReviewer => "front_reviewer",
            Role::Auditor => "auditor",
            Role::Citizen => "citizen",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Member => "Đảng viên phụ trách hộ",
            Role::CellSecretary => "Bí thư chi bộ thôn",
            Role::CommuneCommittee => "Đảng ủy xã / Ban Chỉ đạo",
            Role::AgencyHandler => "Cán bộ UBND xã / cơ quan chuyên môn",
            Role::Supervisor => "Ban Dân vận (giám sát)",
            Role::FrontReviewer => "Mặt trận Tổ quốc, đoàn thể",
            Role::Auditor => "Kiểm tra",
            Role::Citizen => "Hộ gia đình",
            Role::Admin => "Quản trị",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Member => "Party member (responsible for households)",
            Role::CellSecretary => "Village cell secretary",
            Role::CommuneCommittee => "Commune Party committee",
            Role::AgencyHandler => "Agency handler",
            Role::Supervisor => "Supervisor (mass mobilisation board)",
            Role::FrontReviewer => "Fatherland Front reviewer",
            Role::Auditor => "Auditor",
            Role::Citizen => "Household",
            Role::Admin => "Administrator",
        }
    }

    /// Roles that keep the registries of households and members (read and write, with
    /// every read audit-logged). Supervisors, the Front and auditors see aggregates or
    /// logs, not personal records: data minimisation (DESIGN.md §3).
    pub fn keeps_registry(self) -> bool {
        matches!(self, Role::CellSecretary | Role::CommuneCommittee)
    }

    /// Roles that are staff: their reads of personal data are audit-logged.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Citizen)
    }
}

/// Who a route admits, declared with the route (see `app::routes`); the [`crate::auth::Session`]
/// extractor refuses everyone else before the handler runs.
pub mod admits {
    use super::Role;

    /// Every signed-in role but the household's own (their portal comes later).
    pub const STAFF: &[Role] = &[
        Role::Member,
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::AgencyHandler,
        Role::Supervisor,
        Role::FrontReviewer,
        Role::Auditor,
        Role::Admin,
    ];
    /// Keepers of the registries: the village cell secretary and the commune committee.
    pub const KEEPERS: &[Role] = &[Role::CellSecretary, Role::CommuneCommittee];
    /// A household's page: its keepers, and the member it is assigned to.
    pub const HOUSEHOLD_READERS: &[Role] =
        &[Role::Member, Role::CellSecretary, Role::CommuneCommittee];
    pub const COMMITTEE: &[Role] = &[Role::CommuneCommittee];
    /// Villages are created by the commune committee (or the administrator).
    pub const VILLAGE_MAKERS: &[Role] = &[Role::CommuneCommittee, Role::Admin];
    pub const MEMBERS: &[Role] = &[Role::Member];
    /// The province's lists (contact topics): its Mass Mobilisation Board, or the administrator.
    pub const TOPIC_KEEPERS: &[Role] = &[Role::Supervisor, Role::Admin];
    /// Funding totals (issue 10): the commune committee, and the boards above it; the
    /// lines of a ledger stay with the committee.
    pub const FUNDING_READERS: &[Role] = &[Role::CommuneCommittee, Role::Supervisor];
    pub const AUDITORS: &[Role] = &[Role::Auditor];
    // petitions (issue 9)
    pub const CELL_SECRETARIES: &[Role] = &[Role::CellSecretary];
    /// Whoever holds a petition at some step: they move it.
    pub const PETITION_ACTORS: &[Role] = &[
        Role::Member,
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::AgencyHandler,
    ];
    /// Who opens one petition: its actors and the Front's supervision (without the
    /// household's identity).
    pub const PETITION_SEATS: &[Role] = &[
        Role::Member,
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::AgencyHandler,
        Role::FrontReviewer,
    ];
    /// Who has a petitions inbox: the seats, and supervisors (counts and overdue lines,
    /// no personal data).
    pub const PETITION_READERS: &[Role] = &[
        Role::Member,
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::AgencyHandler,
        Role::FrontReviewer,
        Role::Supervisor,
    ];
    /// The petitions dashboard (figures from counters, no names, no texts): the commune
    /// committee, the boards above it, the Front's supervision, the administrator.
    pub const PETITION_DASHBOARD: &[Role] = &[
        Role::CommuneCommittee,
        Role::Supervisor,
        Role::FrontReviewer,
        Role::Admin,
    ];
    /// Bulk triage: the cell forwards many, the commune assigns or links many.
    pub const TRIAGE: &[Role] = &[Role::CellSecretary, Role::CommuneCommittee];
    pub const ADMINS: &[Role] = &[Role::Admin];
    /// Periodic reports (issue 10): a commune's committee writes its own; a province's
    /// board reviews its communes' and writes the province's.
    pub const REPORTERS: &[Role] = &[Role::CommuneCommittee, Role::Supervisor];
    // evaluation (issue 10)
    /// Evaluations: the committee, the village's secretary, the boards above (villages'
    /// levels, members' counts) and the Front (counts only).
    pub const EVALUATION_READERS: &[Role] = &[
        Role::CellSecretary,
        Role::CommuneCommittee,
        Role::Supervisor,
        Role::FrontReviewer,
    ];
    /// The printed list of the commended: the committee that decided it and the boards
    /// above that receive it.
    pub const COMMENDATION_READERS: &[Role] = &[Role::CommuneCommittee, Role::Supervisor];
}
