//! What the signed-in user may see and change, built from their grants.
//!
//! Every store function that reads or writes personal data takes a `&Scope`; the SQL
//! filter comes from here, never from request parameters.

use super::roles::Role;
use crate::db::Value;

/// A grant `(role, unit)`; it covers the unit's whole subtree.
#[derive(Debug, Clone)]
pub struct Grant {
    pub role: Role,
    pub unit_id: String,
    pub unit_path: String,
    pub unit_kind: String,
    pub unit_name: String,
}

/// The handle to people's records: store functions on personal data take one. Its fields
/// are private: it is built from a session (`auth::session`), or, for the CLI, the demo
/// and tests, by an explicit `Scope::unsafe_system…` whose actions the log names
/// `system:<what>`.
#[derive(Debug, Clone)]
pub struct Scope {
    pub(super) user_id: String,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) member_id: Option<String>,
    pub(super) grants: Vec<Grant>,
}

impl Scope {
    /// Who the audit log names for what this scope does.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            id: self.user_id.clone(),
            staff: self.is_staff(),
        }
    }

    /// The system itself acting, for the CLI and the demo: no grants, so it can reach no
    /// scoped record; what it does is logged under `system:<what>`.
    pub fn unsafe_system(what: &str) -> Scope {
        Scope {
            user_id: format!("system:{what}"),
            username: format!("system:{what}"),
            display_name: "Hệ thống".into(),
            member_id: None,
            grants: Vec::new(),
        }
    }

    /// The system acting at one unit with one role (imports from the CLI, tests of store
    /// functions). Logged as `system:<what>`.
    pub fn unsafe_system_at(what: &str, role: Role, unit: &crate::units::store::Unit) -> Scope {
        let mut s = Scope::unsafe_system(what);
        s.grants.push(Grant {
            role,
            unit_id: unit.id.clone(),
            unit_path: unit.path.clone(),
            unit_kind: unit.kind.clone(),
            unit_name: unit.name.clone(),
        });
        s
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The member record of a Party member's account.
    pub fn member_id(&self) -> Option<&str> {
        self.member_id.as_deref()
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = Vec::new();
        for g in &self.grants {
            if !roles.contains(&g.role) {
                roles.push(g.role);
            }
        }
        roles
    }

    /// Unit paths under which the user holds one of `roles`.
    pub fn paths_for(&self, roles: &[Role]) -> Vec<&str> {
        self.grants
            .iter()
            .filter(|g| roles.contains(&g.role))
            .map(|g| g.unit_path.as_str())
            .collect()
    }

    /// Paths where the user keeps the registries (cell secretary, commune committee).
    pub fn registry_paths(&self) -> Vec<&str> {
        self.grants
            .iter()
            .filter(|g| g.role.keeps_registry())
            .map(|g| g.unit_path.as_str())
            .collect()
    }

    /// The communes the registry grants name, when every one of them is a whole commune
    /// (the commune committee): the registry's rows then carry the tenant key itself, and a
    /// list reads one index range in its order instead of every village's rows re-sorted.
    pub fn registry_communes(&self) -> Option<Vec<&str>> {
        let grants: Vec<&Grant> = self
            .grants
            .iter()
            .filter(|g| g.role.keeps_registry())
            .collect();
        if grants.is_empty() || grants.iter().any(|g| g.unit_kind != "commune") {
            return None;
        }
        Some(grants.iter().map(|g| g.unit_id.as_str()).collect())
    }

    pub fn keeps_registry(&self) -> bool {
        self.grants.iter().any(|g| g.role.keeps_registry())
    }

    /// Whether `unit_path` lies within a grant of one of `roles`.
    pub fn covers(&self, roles: &[Role], unit_path: &str) -> bool {
        self.paths_for(roles)
            .iter()
            .any(|p| unit_path.starts_with(p))
    }

    pub fn can_keep_registry_at(&self, unit_path: &str) -> bool {
        self.registry_paths()
            .iter()
            .any(|p| unit_path.starts_with(p))
    }

    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_staff())
    }
}

/// SQL that keeps rows whose `unit_col` is a unit inside one of `paths`.
/// Paths are materialised (`/vn/p-33/c-12280/…/`), so a subtree is a range of text.
pub fn unit_filter(unit_col: &str, paths: &[&str]) -> (String, Vec<Value>) {
    if paths.is_empty() {
        return ("1 = 0".to_owned(), Vec::new());
    }
    let mut sql = format!("{unit_col} IN (SELECT id FROM units WHERE ");
    let mut args = Vec::with_capacity(paths.len() * 2);
    for (i, p) in paths.iter().enumerate() {
        if i > 0 {
            sql.push_str(" OR ");
        }
        sql.push_str("(path >= ? AND path < ?)");
        args.push(Value::from(*p));
        args.push(Value::from(format!("{p}~")));
    }
    sql.push(')');
    (sql, args)
}
