//! Paging, search and sort shared by the registry lists. Sort columns come from
//! allow-lists; search text is folded and bound, never spliced into SQL.

use serde::Deserialize;

use super::kinds::Coded;
use crate::auth::scope::unit_filter;
use crate::auth::Scope;
use crate::db::{like_escape, Value};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// Search text, with or without diacritics.
    pub q: String,
    /// Village id to narrow to.
    pub village: String,
    /// `active` (default), `all`, or one status.
    pub status: String,
    /// `name` (default), `code`, `address`, `updated`.
    pub sort: String,
    /// 1-based page number.
    pub page: i64,
    /// Page size for the API (at most 200).
    pub per_page: i64,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        self.page.max(1)
    }

    pub fn limit(&self) -> i64 {
        if self.per_page <= 0 {
            PAGE_SIZE
        } else {
            self.per_page.min(200)
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page() - 1).saturating_mul(self.limit())
    }
}

/// A WHERE clause under construction.
pub struct Where {
    pub sql: String,
    pub args: Vec<Value>,
}

impl Where {
    /// Starts with the scope: rows whose village lies in a unit where the user keeps the registry.
    pub fn registry_scope(scope: &Scope, village_col: &str) -> Where {
        let (sql, args) = unit_filter(village_col, &scope.registry_paths());
        Where { sql, args }
    }

    /// The same rows as [`Where::registry_scope`], for a table whose rows carry their
    /// commune (`commune_col`, the tenant key): by commune when the grants are whole
    /// communes, so that the list indexes that start with the commune serve it in order.
    pub fn registry_scope_keyed(scope: &Scope, village_col: &str, commune_col: &str) -> Where {
        match scope.registry_communes() {
            Some(ids) => {
                let marks = vec!["?"; ids.len()].join(", ");
                Where {
                    sql: format!("{commune_col} IN ({marks})"),
                    args: ids.into_iter().map(Value::from).collect(),
                }
            }
            None => Self::registry_scope(scope, village_col),
        }
    }

    pub fn and(&mut self, sql: &str, args: impl IntoIterator<Item = Value>) {
        self.sql.push_str(" AND ");
        self.sql.push_str(sql);
        self.args.extend(args);
    }

    /// Common filters: village, status (any of `S`, with `default` when none or an
    /// unknown one is asked for), and the search text, made into `search_col`'s form by
    /// `key`.
    pub fn filters<S: Coded>(
        &mut self,
        q: &ListQuery,
        prefix: &str,
        default: S,
        (search_col, key): (&str, fn(&str) -> String),
    ) {
        if !q.village.is_empty() {
            self.and(
                &format!("{prefix}village_id = ?"),
                [Value::from(&q.village)],
            );
        }
        let status = match q.status.as_str() {
            "all" => None,
            s => Some(S::parse(s).unwrap_or(default)),
        };
        if let Some(s) = status {
            self.and(&format!("{prefix}status = ?"), [Value::from(s.code())]);
        }
        let needle = key(&q.q);
        if needle.is_empty() && !q.q.trim().is_empty() {
            // Only punctuation ("%", "+84"): nothing to look for but a phone number.
            self.and(&format!("{prefix}phone = ?"), [Value::from(q.q.trim())]);
        } else if !needle.is_empty() {
            let like = format!("%{}%", like_escape(&needle));
            self.and(
                &format!("({prefix}{search_col} LIKE ? ESCAPE '\\' OR {prefix}phone = ?)"),
                [Value::from(like), Value::from(q.q.trim())],
            );
        }
    }
}

/// Pages for a pager: (current, last).
pub fn pages(total: i64, q: &ListQuery) -> (i64, i64) {
    let last = ((total + q.limit() - 1) / q.limit()).max(1);
    (q.page().min(last), last)
}
