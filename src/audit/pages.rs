//! The audit log for auditors (their subtree's chains) and its JSON twin: who did what to
//! which record, in words, filtered and paged.
//!
//! The page names the records it lists (a household's head, a member), so it is itself a
//! staff read of those records and is logged like any other; a page that names no person
//! leaves nothing, as reading the log always did.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use serde_json::Value as Json_;

use super::model::{decode_ids, Action, Entity, GLOBAL_CHAIN};
use super::query::{AuditQuery, BadFilter, Filter, PAGE_SIZE};
use crate::auth::{Role, Scope, Session};
use crate::db::{Tx, Value};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::Q;
use crate::web::i18n::Lang;
use crate::web::layout::{page_with_status, Chrome};

/// How many records of one kind an event showed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShownCount {
    pub entity: String,
    pub count: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub seq: i64,
    pub chain: String,
    pub at: String,
    /// Username, or the system actor's id (`cli`, `system:demo`).
    pub actor: String,
    /// The person's display name, when the actor is a user.
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The record's name (a household's head and code, a plan's village and version…).
    pub record: Option<String>,
    /// The records the event showed besides its subject, counted by kind.
    pub shown: Vec<ShownCount>,
}

impl Entry {
    /// What happened, in words (the stored codes stay stable for machines).
    pub fn action_label(&self, en: bool) -> &str {
        match Action::parse(&self.action) {
            Some(a) if en => a.label_en(),
            Some(a) => a.label_vi(),
            None => &self.action,
        }
    }

    pub fn entity_label(&self, en: bool) -> &str {
        match Entity::parse(&self.entity) {
            Some(e) if en => e.label_en(),
            Some(e) => e.label_vi(),
            None => &self.entity,
        }
    }

    /// Who, in words: the person's name, or what the system actor is.
    pub fn who(&self, lang: Lang) -> String {
        match &self.actor_name {
            Some(n) => n.clone(),
            None if self.actor == "cli" => lang.t("audit_cli").to_owned(),
            None => match self.actor.strip_prefix("system:") {
                Some(what) => format!("{} ({what})", lang.t("audit_system")),
                None => self.actor.clone(),
            },
        }
    }

    /// "Hộ gia đình: Nguyễn Văn An (BN0039)", "Hộ gia đình: 50 hộ", with what else was shown.
    pub fn what(&self, lang: Lang) -> String {
        let en = lang == Lang::En;
        let mut out = self.entity_label(en).to_owned();
        let subject_count = self
            .shown
            .iter()
            .find(|s| s.entity == self.entity && self.entity_id == "*");
        match (&self.record, subject_count) {
            (Some(r), _) => {
                out.push_str(": ");
                out.push_str(r);
            }
            (None, Some(s)) => {
                out.push_str(": ");
                out.push_str(&counted(&s.entity, s.count, en));
            }
            (None, None) if self.entity_id == "*" => {
                out.push_str(&format!(" ({})", lang.t("list")));
            }
            (None, None) => {}
        }
        let others: Vec<String> = self
            .shown
            .iter()
            .filter(|s| !(s.entity == self.entity && self.entity_id == "*"))
            .map(|s| counted(&s.entity, s.count, en))
            .collect();
        if !others.is_empty() {
            out.push_str(&format!(
                " — {} {}",
                lang.t("audit_also_shown"),
                others.join(", ")
            ));
        }
        out
    }
}

fn counted(entity: &str, n: usize, en: bool) -> String {
    match Entity::parse(entity) {
        Some(e) => e.counted(n, en),
        None => format!("{n} {entity}"),
    }
}

/// A commune the auditor may filter on.
pub struct UnitChoice {
    pub id: String,
    pub name: String,
}

struct Found {
    entries: Vec<Entry>,
    more: bool,
    units: Vec<UnitChoice>,
}

/// Entries of the communes under the auditor's grants (and the deployment-wide chain for
/// an auditor of the whole country), newest first, one page, named.
async fn find(st: &AppState, s: &Session, f: Filter, lang: Lang) -> AppResult<Found> {
    let paths: Vec<String> = s
        .scope
        .paths_for(&[Role::Auditor])
        .into_iter()
        .map(str::to_owned)
        .collect();
    if paths.is_empty() {
        return Err(AppError::Forbidden);
    }
    let scope = s.scope.clone();
    st.db
        .read(move |tx| Box::pin(async move { find_in(tx, &scope, &paths, &f, lang).await }))
        .await
}

async fn find_in(
    tx: &mut Tx,
    scope: &Scope,
    paths: &[String],
    f: &Filter,
    lang: Lang,
) -> AppResult<Found> {
    let path_refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let national = path_refs.contains(&"/vn/");
    let (filter, mut args) = crate::auth::scope::unit_filter("a.chain", &path_refs);
    let global = if national {
        format!(" OR a.chain = '{GLOBAL_CHAIN}'")
    } else {
        String::new()
    };
    let mut sql = format!(
        "SELECT a.seq, a.chain, a.at, a.actor_id, u.username, u.display_name, a.action, a.entity, \
         a.entity_id, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE ({filter}{global})"
    );
    if let Some(user) = &f.user {
        // A username, or a system actor's id as the log stores it (`cli`).
        let id = tx
            .fetch_optional("SELECT id FROM users WHERE username = ?", &[user.into()])
            .await?
            .map(|r| r.str("id"))
            .transpose()?
            .unwrap_or_else(|| user.clone());
        sql.push_str(" AND a.actor_id = ?");
        args.push(id.into());
    }
    if let Some(unit) = &f.unit {
        sql.push_str(" AND a.chain = ?");
        args.push(unit.into());
    }
    if let Some(action) = f.action {
        sql.push_str(" AND a.action = ?");
        args.push(action.code().into());
    }
    if let Some(since) = f.since() {
        sql.push_str(" AND a.at >= ?");
        args.push(since.into());
    }
    if let Some(until) = f.until() {
        sql.push_str(" AND a.at < ?");
        args.push(until.into());
    }
    if let Some(id) = &f.entity_id {
        sql.push_str(" AND a.entity_id = ?");
        args.push(id.into());
    }
    // One more than a page tells whether there is a next one, without counting the log.
    sql.push_str(" ORDER BY a.at DESC, a.chain DESC, a.seq DESC LIMIT ? OFFSET ?");
    args.push((PAGE_SIZE + 1).into());
    args.push(f.offset().into());
    let rows = tx.fetch_all(&sql, &args).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows.iter().take(PAGE_SIZE as usize) {
        let detail: Json_ = serde_json::from_str(&r.str("detail")?).unwrap_or_default();
        let shown = detail
            .get("shown")
            .and_then(Json_::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| ShownCount {
                        entity: k.clone(),
                        count: decode_ids(v).len(),
                    })
                    .filter(|c| c.count > 0)
                    .collect()
            })
            .unwrap_or_default();
        let actor_id = r.str("actor_id")?;
        entries.push(Entry {
            seq: r.i64("seq")?,
            chain: r.str("chain")?,
            at: r.str("at")?,
            actor: r.opt_str("username")?.unwrap_or(actor_id),
            actor_name: r.opt_str("display_name")?,
            action: r.str("action")?,
            entity: r.str("entity")?,
            entity_id: r.str("entity_id")?,
            record: None,
            shown,
        });
    }
    name_records(tx, scope, &mut entries, lang).await?;
    let units = units_in(tx, &path_refs, national, lang).await?;
    Ok(Found {
        entries,
        more,
        units,
    })
}

/// `?, ?, ?` for `n` values.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Names the page's records: one query per kind of record on the page, not one per row.
async fn name_records(
    tx: &mut Tx,
    scope: &Scope,
    entries: &mut [Entry],
    lang: Lang,
) -> AppResult<()> {
    let mut by_kind: HashMap<Entity, Vec<String>> = HashMap::new();
    for e in entries.iter() {
        if let Some(kind) = Entity::parse(&e.entity) {
            if e.entity_id != "*" {
                let ids = by_kind.entry(kind).or_default();
                if !ids.contains(&e.entity_id) {
                    ids.push(e.entity_id.clone());
                }
            }
        }
    }
    let mut names: HashMap<(Entity, String), String> = HashMap::new();
    for (kind, ids) in &by_kind {
        // `a` and `b`: the two parts of a name, put together below.
        let (sql, id_col) = match kind {
            Entity::Household => ("SELECT id, head_name AS a, code AS b FROM households", "id"),
            Entity::Member => ("SELECT id, full_name AS a, '' AS b FROM members", "id"),
            Entity::Cell => ("SELECT id, name AS a, '' AS b FROM cells", "id"),
            Entity::Unit => ("SELECT id, name AS a, '' AS b FROM units", "id"),
            Entity::User => (
                "SELECT id, display_name AS a, username AS b FROM users",
                "id",
            ),
            Entity::ApiToken => ("SELECT id, name AS a, '' AS b FROM api_tokens", "id"),
            Entity::ImportBatch => (
                "SELECT id, file_name AS a, '' AS b FROM import_batches",
                "id",
            ),
            Entity::AssignmentPlan => (
                "SELECT p.id, v.name AS a, CAST(p.version AS TEXT) AS b \
                 FROM assignment_plans p JOIN units v ON v.id = p.village_id",
                "p.id",
            ),
            Entity::Campaign => ("SELECT id, title AS a, '' AS b FROM campaigns", "id"),
            Entity::Contact => (
                "SELECT c.id, h.head_name AS a, c.contacted_on AS b \
                 FROM contacts c JOIN households h ON h.id = c.household_id",
                "c.id",
            ),
            Entity::ContactTopics => ("SELECT id, name AS a, '' AS b FROM units", "id"),
            // events and funding (issue 10): the place and day, the description and day.
            Entity::Event => ("SELECT id, place AS a, held_on AS b FROM events", "id"),
            Entity::FundingEntry => (
                "SELECT id, description AS a, entry_on AS b FROM funding_entries",
                "id",
            ),
            // Commitments are named by their ids; their subjects are logged as reads.
            Entity::AuditLog | Entity::Commitment | Entity::CommitmentItem => continue,
            // petitions (issue 9): named by their ids; the request text never goes in a log.
            Entity::Petition
            | Entity::Agency
            | Entity::AnswerTemplate
            | Entity::PetitionSettings => continue,
            // reports (issue 10): the unit's name and the period.
            Entity::Report => (
                "SELECT r.id, u.name AS a, r.period AS b FROM reports r JOIN units u ON u.id = r.unit_id",
                "r.id",
            ),
            Entity::ReportSettings => ("SELECT id, name AS a, '' AS b FROM units", "id"),
            // evaluation (issue 10): an evaluation by its commune and period, a rubric by
            // its province.
            Entity::Evaluation => (
                "SELECT e.id, c.name AS a, e.period AS b FROM evaluations e JOIN units c ON c.id = e.commune_id",
                "e.id",
            ),
            Entity::EvaluationRubric => ("SELECT id, name AS a, '' AS b FROM units", "id"),
        };
        let args: Vec<Value> = ids.iter().map(Value::from).collect();
        let rows = tx
            .fetch_all(
                &format!("{sql} WHERE {id_col} IN ({})", marks(ids.len())),
                &args,
            )
            .await?;
        for r in rows {
            let (a, b) = (r.str("a")?, r.str("b")?);
            let name = match kind {
                Entity::AssignmentPlan => format!("{a}, {} {b}", lang.t("audit_version")),
                _ if b.is_empty() => a,
                _ => format!("{a} ({b})"),
            };
            names.insert((*kind, r.str("id")?), name);
        }
    }
    for e in entries.iter_mut() {
        let Some(kind) = Entity::parse(&e.entity) else {
            continue;
        };
        if let Some(n) = names.get(&(kind, e.entity_id.clone())) {
            e.record = Some(n.clone());
            if kind.is_personal() {
                // The name of a person was shown to staff: that is a read of the record.
                super::shown(tx, scope, kind, Some(&e.chain), [e.entity_id.as_str()]);
            }
        }
    }
    Ok(())
}

/// The communes whose log the auditor may read, for the filter.
async fn units_in(
    tx: &mut Tx,
    paths: &[&str],
    national: bool,
    lang: Lang,
) -> AppResult<Vec<UnitChoice>> {
    let (filter, args) = crate::auth::scope::unit_filter("h.chain", paths);
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT h.chain, u.name FROM audit_heads h JOIN units u ON u.id = h.chain WHERE {filter}"
            ),
            &args,
        )
        .await?;
    let mut units: Vec<UnitChoice> = rows
        .iter()
        .map(|r| {
            Ok(UnitChoice {
                id: r.str("chain")?,
                name: r.str("name")?,
            })
        })
        .collect::<AppResult<_>>()?;
    crate::text::sort_vi(&mut units, |u| &u.name);
    if national {
        units.push(UnitChoice {
            id: GLOBAL_CHAIN.to_owned(),
            name: lang.t("audit_global").to_owned(),
        });
    }
    Ok(units)
}

fn message(lang: Lang, bad: &BadFilter) -> String {
    match bad {
        BadFilter::Date(v) => format!("{} «{v}»", lang.t("audit_bad_date")),
        BadFilter::Range => lang.t("audit_bad_range").to_owned(),
        BadFilter::Page(v) => format!("{} «{v}»", lang.t("audit_bad_page")),
        BadFilter::Action(v) => format!("{} «{v}»", lang.t("audit_bad_action")),
    }
}

/// An action the filter offers.
pub struct ActionChoice {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    c: Chrome,
    q: AuditQuery,
    /// The date inputs' values: what a date input sends back (yyyy-mm-dd).
    from: String,
    to: String,
    error: Option<String>,
    entries: Vec<Entry>,
    units: Vec<UnitChoice>,
    actions: Vec<ActionChoice>,
    page: i64,
    prev_link: String,
    next_link: String,
    more: bool,
}

impl AuditPage {
    fn who(&self, e: &Entry) -> String {
        e.who(self.c.lang)
    }

    fn what(&self, e: &Entry) -> String {
        e.what(self.c.lang)
    }
}

fn iso_or_typed(s: &str) -> String {
    match super::query::parse_date(s) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        None => s.trim().to_owned(),
    }
}

pub async fn list(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<AuditQuery>,
) -> AppResult<Response> {
    if s.scope.paths_for(&[Role::Auditor]).is_empty() {
        return Err(AppError::Forbidden);
    }
    let checked = q.check();
    let (found, error, page) = match checked {
        Ok(f) => {
            let page = f.page;
            (find(&st, &s, f, lang).await?, None, page)
        }
        // The form comes back as typed, with what to fix; nothing is read.
        Err(bad) => {
            let paths: Vec<String> = s
                .scope
                .paths_for(&[Role::Auditor])
                .into_iter()
                .map(str::to_owned)
                .collect();
            let units = st
                .db
                .read(move |tx| {
                    Box::pin(async move {
                        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
                        units_in(tx, &refs, refs.contains(&"/vn/"), lang).await
                    })
                })
                .await?;
            (
                Found {
                    entries: Vec::new(),
                    more: false,
                    units,
                },
                Some(message(lang, &bad)),
                1,
            )
        }
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let actions = Action::ALL
        .iter()
        .map(|a| ActionChoice {
            code: a.code(),
            label: if lang == Lang::En {
                a.label_en()
            } else {
                a.label_vi()
            },
        })
        .collect();
    page_with_status(
        status,
        &AuditPage {
            c: Chrome::new(lang, &s, lang.t("audit")),
            from: iso_or_typed(&q.from),
            to: iso_or_typed(&q.to),
            prev_link: q.with_page(page - 1),
            next_link: q.with_page(page + 1),
            q,
            error,
            entries: found.entries,
            units: found.units,
            actions,
            page,
            more: found.more,
        },
    )
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), tag = "audit", responses((status = 200, body = [Entry])))]
pub async fn api_list(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<AuditQuery>,
) -> AppResult<Json<Vec<Entry>>> {
    let f = q
        .check()
        .map_err(|bad| AppError::BadRequest(message(lang, &bad)))?;
    Ok(Json(find(&st, &s, f, lang).await?.entries))
}
