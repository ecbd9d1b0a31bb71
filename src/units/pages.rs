//! Pages of the unit tree.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::store::{self, LineageLink, Unit};
use crate::auth::{Role, Session};
use crate::db::Tx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::CsrfForm;
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

#[derive(Template)]
#[template(path = "units/index.html")]
struct UnitsIndex {
    c: Chrome,
    roots: Vec<(Unit, Vec<Unit>)>,
}

impl UnitsIndex {
    fn kind(&self, u: &Unit) -> String {
        u.kind_label(self.c.is_en())
    }
}

/// The user's own units first (with their children); an admin starts at the country.
pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let mut ids: Vec<String> = Vec::new();
    for g in s.scope.grants() {
        if !ids.contains(&g.unit_id) {
            ids.push(g.unit_id.clone());
        }
    }
    let roots = st
        .db
        .read(move |tx| Box::pin(async move { roots_of(tx, &ids).await }))
        .await?;
    page(&UnitsIndex {
        c: Chrome::new(lang, &s, lang.t("units")),
        roots,
    })
}

async fn roots_of(tx: &mut Tx, ids: &[String]) -> AppResult<Vec<(Unit, Vec<Unit>)>> {
    let mut roots = Vec::new();
    for id in ids.iter().take(20) {
        let unit = store::get(tx, id).await?;
        let children = store::children(tx, id, false).await?;
        roots.push((unit, children));
    }
    Ok(roots)
}

#[derive(Template)]
#[template(path = "units/show.html")]
struct UnitShow {
    c: Chrome,
    u: Unit,
    ancestors: Vec<Unit>,
    children: Vec<Unit>,
    from: Vec<LineageLink>,
    to: Vec<LineageLink>,
    can_add_village: bool,
    counts: Option<(i64, i64)>,
}

impl UnitShow {
    fn kind(&self, u: &Unit) -> String {
        u.kind_label(self.c.is_en())
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (u, ancestors, children, from, to, counts) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let u = store::get(tx, &id).await?;
                let ancestors = store::ancestors(tx, &u).await?;
                let children = store::children(tx, &id, true).await?;
                let from = store::lineage(tx, &id, true).await?;
                let to = store::lineage(tx, &id, false).await?;
                // Counts are aggregates, shown only inside the user's own units.
                let in_scope = scope
                    .grants()
                    .iter()
                    .any(|g| u.path.starts_with(&g.unit_path));
                let counts = if in_scope {
                    let n = crate::people::counts::under(tx, &[u.path.as_str()]).await?;
                    let (h, m) = (n.households, n.members);
                    Some((h, m))
                } else {
                    None
                };
                Ok((u, ancestors, children, from, to, counts))
            })
        })
        .await?;
    let can_add_village = u.kind == "commune"
        && u.is_current()
        && s.scope
            .covers(&[Role::CommuneCommittee, Role::Admin], &u.path);
    page(&UnitShow {
        c: Chrome::new(lang, &s, &u.name),
        u,
        ancestors,
        children,
        from,
        to,
        can_add_village,
        counts,
    })
}

#[derive(Deserialize)]
pub struct VillageForm {
    name: String,
}

pub async fn add_village(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<VillageForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, cid) = (s.scope.clone(), id.clone());
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let commune = store::get(tx, &cid).await?;
                store::create_village(tx, &scope, &commune, &f.name).await
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}
