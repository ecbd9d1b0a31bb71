//! The member's phone pages: "Hộ tôi phụ trách", and "Ghi lần tiếp xúc". No JavaScript:
//! plain forms, and the form's own record id makes a double submit harmless.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, Channel, ContactInput, Topic};
use super::store::{self, MyHousehold};
use crate::auth::Session;
use crate::error::{AppError, AppResult, FieldError};
use crate::people::kinds::Coded;
use crate::state::AppState;
use crate::web::extract::{CsrfForm, Submission};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

/// Today in Vietnam: the default day of a contact and the day "overdue" is measured from.
pub use crate::clock::vietnam_today as today;

#[derive(Template)]
#[template(path = "contacts/mine.html")]
struct MinePage {
    c: Chrome,
    list: Vec<MyHousehold>,
}

/// `GET /my-households`: the member's households, most pressing first.
pub async fn mine(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let list = my_households(&st, &s).await?;
    page(&MinePage {
        c: Chrome::new(lang, &s, lang.t("my_households")),
        list,
    })
}

/// The member's list, for this page and the member's home.
pub async fn my_households(st: &AppState, s: &Session) -> AppResult<Vec<MyHousehold>> {
    let scope = s.scope.clone();
    let today = today();
    st.db
        .read(move |tx| Box::pin(async move { store::my_households(tx, &scope, today).await }))
        .await
}

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct FormPage {
    c: Chrome,
    household_id: String,
    head_name: String,
    topics: Vec<Topic>,
    channels: &'static [Channel],
    /// What the form shows: a fresh one, or what was sent when it was refused.
    id: String,
    contacted_on: String,
    channel: String,
    chosen: Vec<String>,
    note: String,
    follow_up: bool,
    follow_up_on: String,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }

    fn is_chosen(&self, code: &str) -> bool {
        self.chosen.iter().any(|c| c == code)
    }
}

/// The form as posted. Topics repeat (`topics=law&topics=market`).
#[derive(Debug, Deserialize, Default)]
pub struct ContactForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    contacted_on: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    follow_up_on: String,
}

impl ContactForm {
    fn input(&self) -> ContactInput {
        ContactInput {
            id: Some(self.id.clone()).filter(|s| !s.trim().is_empty()),
            contacted_on: self.contacted_on.clone(),
            channel: self.channel.clone(),
            topics: self.topics.clone(),
            note: self.note.clone(),
            follow_up: !self.follow_up.is_empty(),
            follow_up_on: self.follow_up_on.clone(),
        }
    }
}

/// The household's name and the province's topics, for the form; only for the member
/// the household is assigned to.
async fn form_context(
    st: &AppState,
    s: &Session,
    household_id: String,
) -> AppResult<(String, Vec<Topic>)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let h = store::assigned(tx, &scope, &household_id).await?;
                crate::audit::shown(
                    tx,
                    &scope,
                    crate::audit::Entity::Household,
                    Some(&h.commune_id),
                    [h.household_id.as_str()],
                );
                let topics = store::topics(tx, &h.province_id, crate::web::i18n::Lang::Vi).await?;
                Ok((h.head_name, topics))
            })
        })
        .await
}

/// `GET /households/{id}/contacts/new`: a fresh form, with today and "visit" chosen.
pub async fn new_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (head_name, topics) = form_context(&st, &s, id.clone()).await?;
    page(&FormPage {
        c: Chrome::new(lang, &s, lang.t("log_contact")),
        household_id: id,
        head_name,
        topics,
        channels: Channel::ALL,
        id: crate::clock::new_id(),
        contacted_on: model::day_vn(today()),
        channel: Channel::Visit.code().into(),
        chosen: Vec::new(),
        note: String::new(),
        follow_up: false,
        follow_up_on: String::new(),
        errors: Vec::new(),
    })
}

/// `POST /households/{id}/contacts`: records the contact once, then back to the card.
/// A refused form comes back as it was typed, with the reason next to its field.
pub async fn create(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<ContactForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    if expired {
        let errors = vec![FieldError::new("form", lang.t("form_expired_resend"))];
        return refused(&st, &s, lang, id, f, errors).await;
    }
    let scope = s.scope.clone();
    let (household_id, input) = (id.clone(), f.input());
    let today = today();
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move { store::record(tx, &scope, &household_id, &input, today).await })
        })
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}?contact=saved")).into_response()),
        Err(AppError::Validation(errors)) => refused(&st, &s, lang, id, f, errors).await,
        Err(e) => Err(e),
    }
}

async fn refused(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    f: ContactForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let (head_name, topics) = form_context(st, s, id.clone()).await?;
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            c: Chrome::new(lang, s, lang.t("log_contact")),
            household_id: id,
            head_name,
            topics,
            channels: Channel::ALL,
            // The same id: a corrected form still records once.
            id: if f.id.trim().is_empty() {
                crate::clock::new_id()
            } else {
                f.id.clone()
            },
            follow_up: !f.follow_up.is_empty(),
            contacted_on: f.contacted_on,
            channel: f.channel,
            chosen: f.topics,
            note: f.note,
            follow_up_on: f.follow_up_on,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "contacts/topics.html")]
struct TopicsPage {
    c: Chrome,
    provinces: Vec<(String, String)>,
    province_id: String,
    topics: Vec<(String, String, bool)>,
    saved: bool,
    errors: Vec<FieldError>,
}

#[derive(Debug, Deserialize, Default)]
pub struct TopicsQuery {
    #[serde(default)]
    province: String,
    #[serde(default)]
    saved: String,
}

/// The provinces whose topics the user keeps: a supervisor's provinces, or every one
/// for the administrator.
async fn editable_provinces(st: &AppState, s: &Session) -> AppResult<Vec<(String, String)>> {
    use crate::auth::Role;
    let paths: Vec<String> = s
        .scope
        .paths_for(&[Role::Supervisor, Role::Admin])
        .into_iter()
        .map(str::to_owned)
        .collect();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let p: Vec<&str> = paths.iter().map(String::as_str).collect();
                let (f, a) = crate::auth::scope::unit_filter("id", &p);
                let rows = tx
                    .fetch_all(
                        &format!(
                            "SELECT id, name FROM units WHERE kind = 'province' AND valid_to IS NULL AND {f} ORDER BY name COLLATE vi"
                        ),
                        &a,
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.str("id")?, r.str("name")?)))
                    .collect()
            })
        })
        .await
}

/// `GET /contacts/topics`: the province's list of contact topics, to edit.
pub async fn topics(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    crate::web::extract::Q(q): crate::web::extract::Q<TopicsQuery>,
) -> AppResult<Response> {
    topics_page(&st, &s, lang, q.province, !q.saved.is_empty(), Vec::new()).await
}

async fn topics_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    province: String,
    saved: bool,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let provinces = editable_provinces(st, s).await?;
    let province_id = if province.is_empty() {
        provinces.first().map(|p| p.0.clone()).unwrap_or_default()
    } else {
        province
    };
    if !provinces.iter().any(|p| p.0 == province_id) {
        return Err(AppError::NotFound);
    }
    let pid = province_id.clone();
    let topics = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let rows = tx
                    .fetch_all(
                        "SELECT code, label, retired FROM contact_topics WHERE province_id = ? ORDER BY position",
                        &[pid.into()],
                    )
                    .await?;
                if rows.is_empty() {
                    return Ok(model::default_topics(Lang::Vi)
                        .into_iter()
                        .map(|t| (t.code, t.label, false))
                        .collect());
                }
                rows.iter()
                    .map(|r| Ok((r.str("code")?, r.str("label")?, r.i64("retired")? != 0)))
                    .collect::<AppResult<Vec<_>>>()
            })
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &TopicsPage {
            c: Chrome::new(lang, s, lang.t("contact_topics")),
            provinces,
            province_id,
            topics,
            saved,
            errors,
        },
    )
}

/// The topics form: parallel lists, one entry per row, the last row empty for a new one.
#[derive(Debug, Deserialize, Default)]
pub struct TopicsForm {
    #[serde(default)]
    province: String,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    label: Vec<String>,
    /// The codes to retire (checkboxes send only the checked ones).
    #[serde(default)]
    retire: Vec<String>,
}

/// `POST /contacts/topics`: saves the province's list as one action.
pub async fn topics_save(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<TopicsForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let provinces = editable_provinces(&st, &s).await?;
    if !provinces.iter().any(|p| p.0 == f.province) {
        return Err(AppError::NotFound);
    }
    if f.code.len() != f.label.len() || f.code.len() > 60 {
        return Err(AppError::BadRequest(lang.t("form_invalid").into()));
    }
    let edits: Vec<store::TopicEdit> = f
        .code
        .iter()
        .zip(&f.label)
        .map(|(code, label)| store::TopicEdit {
            retired: !code.is_empty() && f.retire.contains(code),
            code: code.trim().to_owned(),
            label: label.clone(),
        })
        .collect();
    let scope = s.scope.clone();
    let province = f.province.clone();
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move { store::save_topics(tx, &scope, &province, &edits).await })
        })
        .await;
    match saved {
        Ok(_) => Ok(
            Redirect::to(&format!("/contacts/topics?province={}&saved=1", f.province))
                .into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            topics_page(&st, &s, lang, f.province, false, errors).await
        }
        Err(e) => Err(e),
    }
}
