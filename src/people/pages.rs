//! HTML pages of the registries.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::cells::{self, Cell, CellForm};
use super::forms::{
    self, expired, expired_notice, field_error, form_status, pager_query, Registry, RegistryForm,
};
use super::households::{self, Household, HouseholdForm};
use super::kinds::{Coded, HouseholdStatus, MemberStatus, SupportCategory};
use super::list::{pages, ListQuery};
use super::members::{self, Member, MemberForm};
use crate::auth::{Scope, Session};
use crate::db::{Tx, WriteTx};
use crate::error::{AppResult, FieldError};
use crate::state::AppState;
use crate::units::store::{self as units, Unit};
use crate::web::extract::{CsrfForm, Submission, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

/// Ties a registry's store and form page to the pages and API every registry shares
/// (`forms::Registry`): the same glue for each, written once.
macro_rules! registry {
    ($(#[$doc:meta])* $name:ident: $record:ty, $form:ty, $path:literal, $store:ident, $form_page:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl Registry for $name {
            type Record = $record;
            type Form = $form;
            const PATH: &'static str = $path;

            fn get<'t>(
                tx: &'t mut Tx,
                scope: &'t Scope,
                id: &'t str,
            ) -> impl std::future::Future<Output = AppResult<$record>> + Send + 't {
                $store::get(tx, scope, id)
            }

            fn to_form(r: &$record) -> $form {
                r.to_form()
            }

            async fn save(
                tx: &mut WriteTx,
                scope: &Scope,
                id: Option<&str>,
                f: &$form,
                secret: &str,
                cid_on: bool,
            ) -> AppResult<$record> {
                match id {
                    None => $store::create(tx, scope, f, secret, cid_on).await,
                    Some(id) => $store::update(tx, scope, id, f, secret, cid_on).await,
                }
            }

            fn form_page(
                st: &AppState,
                s: &Session,
                lang: Lang,
                action: String,
                f: $form,
                errors: Vec<FieldError>,
            ) -> impl std::future::Future<Output = AppResult<Response>> + Send {
                $form_page(st, s, lang, action, f, errors)
            }
        }
    };
}

registry!(
    /// The households registry.
    Households: Household, HouseholdForm, "/households", households, household_form
);
registry!(
    /// The Party members registry.
    Members: Member, MemberForm, "/members", members, member_form
);

impl RegistryForm for HouseholdForm {}

impl RegistryForm for MemberForm {
    /// The household search button posts the form to see it again with the matches.
    fn redisplay_only(&self) -> bool {
        self.find_household == "1"
    }
}

// ---------- households ----------

#[derive(Template)]
#[template(path = "people/households.html")]
struct HouseholdsPage {
    c: Chrome,
    q: ListQuery,
    villages: Vec<Unit>,
    items: Vec<Household>,
    total: i64,
    page: i64,
    last: i64,
    prev_link: String,
    next_link: String,
}

pub async fn households_list(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ListQuery>,
) -> AppResult<Response> {
    let (scope, query) = (s.scope.clone(), q.clone());
    let (villages, result) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let villages = units::villages_in_scope(tx, &scope).await?;
                Ok((villages, households::list(tx, &scope, &query).await?))
            })
        })
        .await?;
    let (page_no, last) = pages(result.total, &q);
    page(&HouseholdsPage {
        c: Chrome::new(lang, &s, lang.t("households")),
        prev_link: pager_query(&q, page_no - 1),
        next_link: pager_query(&q, page_no + 1),
        q,
        villages,
        items: result.items,
        total: result.total,
        page: page_no,
        last,
    })
}

#[derive(Template)]
#[template(path = "people/household_form.html")]
struct HouseholdFormPage {
    c: Chrome,
    action: String,
    f: HouseholdForm,
    villages: Vec<Unit>,
    errors: Vec<FieldError>,
    categories: &'static [SupportCategory],
    citizen_id_enabled: bool,
}

impl HouseholdFormPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
    fn checked(&self, cat: &SupportCategory) -> bool {
        self.f.support.iter().any(|s| cat.is(s))
    }
}

async fn household_form(
    st: &AppState,
    s: &Session,
    lang: Lang,
    action: String,
    f: HouseholdForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let villages = st
        .db
        .read(move |tx| Box::pin(async move { units::villages_in_scope(tx, &scope).await }))
        .await?;
    page_with_status(
        form_status(&errors),
        &HouseholdFormPage {
            c: Chrome::new(lang, s, lang.t("households")),
            action,
            f,
            villages,
            errors,
            categories: SupportCategory::ALL,
            citizen_id_enabled: st.config.citizen_id_enabled,
        },
    )
}

pub async fn household_new(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
) -> AppResult<Response> {
    forms::new_page::<Households>(&st, &s, lang).await
}

pub async fn household_create(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<HouseholdForm>,
) -> AppResult<Response> {
    forms::submit::<Households>(&st, lang, None, form).await
}

#[derive(Template)]
#[template(path = "people/household_show.html")]
struct HouseholdShow {
    c: Chrome,
    h: Household,
    // assignment (issue 4): who looks after it, and since when.
    can_edit: bool,
    history: Vec<crate::assignment::model::HistoryRow>,
    // contacts (issue 8): the household's contacts, and whether this user may log one
    // (the member it is assigned to).
    contacts: Vec<crate::contacts::store::ContactView>,
    can_log: bool,
    // campaigns (issue 8): what is still to be passed on to this household.
    pending: Vec<crate::campaigns::store::PendingCampaign>,
    contact_saved: bool,
    // petitions (issue 9): the household's petitions with their plain-words timelines.
    petitions: Vec<(
        crate::petitions::store::Petition,
        Vec<crate::petitions::store::StepView>,
    )>,
    petition_saved: bool,
}

impl HouseholdShow {
    /// `tel:` wants the digits alone.
    fn tel(&self) -> Option<String> {
        self.h.phone.as_ref().map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        })
    }

    /// A `geo:` URI for the phone's maps, when the coordinates are known.
    fn geo(&self) -> Option<String> {
        Some(format!(
            "geo:{:.6},{:.6}",
            self.h.latitude?, self.h.longitude?
        ))
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    petition: String,
}

pub async fn household_show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
    crate::web::extract::Q(q): crate::web::extract::Q<ShowQuery>,
) -> AppResult<Response> {
    // Keepers, and a member for the households assigned to them (the store's scope).
    let scope = s.scope.clone();
    let (h, history, contacts, can_log, pending, petitions) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let h = households::get_for_page(tx, &scope, &id).await?;
                let history =
                    crate::assignment::store::household_history(tx, &scope, &h.id).await?;
                let contacts = crate::contacts::store::history(tx, &h).await?;
                let can_log = match crate::contacts::store::assigned(tx, &scope, &h.id).await {
                    Ok(_) => true,
                    Err(crate::error::AppError::NotFound) => false,
                    Err(e) => return Err(e),
                };
                let pending = crate::campaigns::store::pending_for_households(
                    tx,
                    &scope,
                    std::slice::from_ref(&h.id),
                )
                .await?
                .remove(&h.id)
                .unwrap_or_default();
                let petitions = crate::petitions::store::for_household(tx, &scope, &h).await?;
                Ok((h, history, contacts, can_log, pending, petitions))
            })
        })
        .await?;
    page(&HouseholdShow {
        c: Chrome::new(lang, &s, &h.head_name),
        can_edit: s.scope.keeps_registry(),
        history,
        contacts,
        can_log,
        pending,
        contact_saved: q.contact == "saved",
        petitions,
        petition_saved: q.petition == "saved",
        h,
    })
}

pub async fn household_edit(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    forms::edit_page::<Households>(&st, &s, lang, id).await
}

pub async fn household_update(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<HouseholdForm>,
) -> AppResult<Response> {
    forms::submit::<Households>(&st, lang, Some(id), form).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

#[derive(Deserialize)]
pub struct HouseholdStatusForm {
    status: String,
    /// "1" once the person has seen what the change means and confirmed it.
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "people/household_status_confirm.html")]
struct HouseholdStatusConfirm {
    c: Chrome,
    h: Household,
    status: HouseholdStatus,
}

/// A status change is asked for first and applied only once confirmed: a household
/// that moves or is dissolved leaves the default list and the 1+10 plans.
pub async fn household_status(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: CsrfForm<HouseholdStatusForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, hid) = (s.scope.clone(), id.clone());
    if let (false, Some(status)) = (f.confirm == "1", HouseholdStatus::parse(&f.status)) {
        let h = st
            .db
            .read(move |tx| Box::pin(async move { households::get(tx, &scope, &hid).await }))
            .await?;
        if h.status != status {
            return page(&HouseholdStatusConfirm {
                c: Chrome::new(lang, &s, lang.t("household_status_confirm_title")),
                status,
                h,
            });
        }
        return Ok(Redirect::to(&format!("/households/{id}")).into_response());
    }
    st.db
        .write(move |tx| {
            Box::pin(async move { households::set_status(tx, &scope, &hid, &f.status).await })
        })
        .await?;
    Ok(Redirect::to(&format!("/households/{id}")).into_response())
}

// ---------- members ----------

#[derive(Template)]
#[template(path = "people/members.html")]
struct MembersPage {
    c: Chrome,
    q: ListQuery,
    villages: Vec<Unit>,
    items: Vec<Member>,
    total: i64,
    /// "40 đang sinh hoạt · 6 miễn sinh hoạt · 3 đã chuyển đi"
    breakdown: String,
    statuses: &'static [MemberStatus],
    page: i64,
    last: i64,
    prev_link: String,
    next_link: String,
}

pub async fn members_list(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ListQuery>,
) -> AppResult<Response> {
    let (scope, query) = (s.scope.clone(), q.clone());
    let (villages, result) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let villages = units::villages_in_scope(tx, &scope).await?;
                Ok((villages, members::list(tx, &scope, &query).await?))
            })
        })
        .await?;
    let (page_no, last) = pages(result.total, &q);
    let breakdown = result
        .by_status
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(st, n)| {
            format!(
                "{} {}",
                crate::web::format::number(*n),
                st.label(lang).to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    page(&MembersPage {
        c: Chrome::new(lang, &s, lang.t("members")),
        breakdown,
        statuses: MemberStatus::ALL,
        prev_link: pager_query(&q, page_no - 1),
        next_link: pager_query(&q, page_no + 1),
        q,
        villages,
        items: result.items,
        total: result.total,
        page: page_no,
        last,
    })
}

#[derive(Template)]
#[template(path = "people/member_form.html")]
struct MemberFormPage {
    c: Chrome,
    action: String,
    f: MemberForm,
    /// The household picker: the current choice's label, and the matches of a search.
    household_label: String,
    candidates: Vec<Household>,
    searched: bool,
    villages: Vec<Unit>,
    cells: Vec<Cell>,
    errors: Vec<FieldError>,
    statuses: &'static [MemberStatus],
    citizen_id_enabled: bool,
}

impl MemberFormPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

/// How many households the picker lists: a village holds 400+, the page stays small.
const PICKER_MAX: i64 = 20;

async fn member_form(
    st: &AppState,
    s: &Session,
    lang: Lang,
    action: String,
    f: MemberForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let (scope, form) = (s.scope.clone(), f.clone());
    let searched = f.find_household == "1";
    let (villages, cells, household_label, candidates) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let villages = units::villages_in_scope(tx, &scope).await?;
                let cells = cells::list(tx, &scope).await?;
                let label = match form.household_id.trim() {
                    "" => String::new(),
                    id => match households::get(tx, &scope, id).await {
                        Ok(h) => format!("{} · {} · {}", h.head_name, h.code, h.address()),
                        Err(_) => String::new(),
                    },
                };
                let candidates = if form.find_household == "1" {
                    let q = ListQuery {
                        q: form.household_q.clone(),
                        village: form.village_id.clone(),
                        per_page: PICKER_MAX,
                        ..ListQuery::default()
                    };
                    households::list(tx, &scope, &q).await?.items
                } else {
                    Vec::new()
                };
                Ok((villages, cells, label, candidates))
            })
        })
        .await?;
    page_with_status(
        form_status(&errors),
        &MemberFormPage {
            c: Chrome::new(lang, s, lang.t("members")),
            action,
            f,
            household_label,
            candidates,
            searched,
            villages,
            cells,
            errors,
            statuses: MemberStatus::ALL,
            citizen_id_enabled: st.config.citizen_id_enabled,
        },
    )
}

pub async fn member_new(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    forms::new_page::<Members>(&st, &s, lang).await
}

pub async fn member_create(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<MemberForm>,
) -> AppResult<Response> {
    forms::submit::<Members>(&st, lang, None, form).await
}

#[derive(Template)]
#[template(path = "people/member_show.html")]
struct MemberShow {
    c: Chrome,
    m: Member,
}

impl MemberShow {
    fn status(&self) -> &'static str {
        self.m.status_label(self.c.lang)
    }
}

pub async fn member_show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let m = st
        .db
        .read(move |tx| Box::pin(async move { members::get(tx, &scope, &id).await }))
        .await?;
    page(&MemberShow {
        c: Chrome::new(lang, &s, &m.full_name),
        m,
    })
}

pub async fn member_edit(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    forms::edit_page::<Members>(&st, &s, lang, id).await
}

pub async fn member_update(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<MemberForm>,
) -> AppResult<Response> {
    forms::submit::<Members>(&st, lang, Some(id), form).await
}

pub async fn member_status(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, mid) = (s.scope.clone(), id.clone());
    st.db
        .write(move |tx| {
            Box::pin(async move { members::set_status(tx, &scope, &mid, &f.status).await })
        })
        .await?;
    Ok(Redirect::to(&format!("/members/{id}")).into_response())
}

// ---------- cells ----------

#[derive(Template)]
#[template(path = "people/cells.html")]
struct CellsPage {
    c: Chrome,
    cells: Vec<Cell>,
    villages: Vec<Unit>,
    f: CellForm,
    errors: Vec<FieldError>,
}

impl CellsPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

async fn cells_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    f: CellForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (cells, villages) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let cells = cells::list(tx, &scope).await?;
                Ok((cells, units::villages_in_scope(tx, &scope).await?))
            })
        })
        .await?;
    page_with_status(
        form_status(&errors),
        &CellsPage {
            c: Chrome::new(lang, s, lang.t("cells")),
            cells,
            villages,
            f,
            errors,
        },
    )
}

pub async fn cells_list(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    cells_page(&st, &s, lang, CellForm::default(), Vec::new()).await
}

pub async fn cell_create(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<CellForm>,
) -> AppResult<Response> {
    let (s, f, stale) = form.into_parts();
    if stale {
        return expired(cells_page(&st, &s, lang, f, expired_notice(lang)).await);
    }
    let (scope, form) = (s.scope.clone(), f.clone());
    let created = st
        .db
        .write(move |tx| Box::pin(async move { cells::create(tx, &scope, &form).await }))
        .await;
    forms::saved_or_again(
        created,
        |_| "/cells".to_owned(),
        |errors| cells_page(&st, &s, lang, f, errors),
    )
    .await
}
