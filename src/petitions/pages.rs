//! The petition pages: "Ghi kiến nghị" from the household card and from a village meeting,
//! each role's inbox, one petition with its timeline and the steps its holder may take,
//! and bulk triage. No JavaScript: plain forms (multipart when a file goes with them).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::form::Sent;
use super::inbox::{self, Inbox};
use super::model::{self, Holder, PetitionInput, Status};
use super::settings::{self, Category};
use super::store::{self, File, Petition, Seat, StepInput, StepView};
use super::{agencies, photo};
use crate::auth::{Role, Session};
use crate::error::{AppError, AppResult, FieldError};
use crate::people::forms::field_error;
use crate::state::AppState;
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

/// The body limit of the routes that take a photo or an attachment.
pub const UPLOAD_LIMIT: usize = photo::MAX_UPLOAD + 256 * 1024;

/// The routes whose bodies may carry a file (`web::security::refuse_oversized`).
pub fn takes_upload(path: &str) -> bool {
    path == "/petitions/meeting"
        || (path.starts_with("/households/") && path.ends_with("/petitions"))
        || (path.starts_with("/petitions/") && path.ends_with("/steps"))
}

/// The date deadlines run on: the server's, or the test clock (`clock::today`).
pub fn today(st: &AppState) -> time::Date {
    crate::clock::today(&st.config)
}

/// The photo or attachment sent with a form, re-encoded when it is a photo.
fn file_of(sent: &Sent, field: &str) -> AppResult<Option<File>> {
    let Some((name, file_name, bytes)) = &sent.file else {
        return Ok(None);
    };
    if name != field {
        return Ok(None);
    }
    if field == "photo" {
        return Ok(Some(File {
            mime: "image/jpeg".into(),
            name: "anh.jpg".into(),
            bytes: photo::clean(bytes)?,
        }));
    }
    // An answer's attachment: a PDF or a photo, kept as sent (an official letter).
    let is_pdf = bytes.starts_with(b"%PDF-");
    if !is_pdf {
        return Ok(Some(File {
            mime: "image/jpeg".into(),
            name: "dinh-kem.jpg".into(),
            bytes: photo::clean(bytes).map_err(|_| {
                AppError::invalid("attachment", "Tệp đính kèm cần là PDF hoặc ảnh JPEG/PNG")
            })?,
        }));
    }
    if bytes.len() > photo::MAX_UPLOAD {
        return Err(AppError::invalid("attachment", "Tệp đính kèm quá 8 MB"));
    }
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    Ok(Some(File {
        mime: "application/pdf".into(),
        name: if safe.is_empty() {
            "tra-loi.pdf".into()
        } else {
            safe
        },
        bytes: bytes.to_vec(),
    }))
}

#[derive(Template)]
#[template(path = "petitions/form.html")]
struct FormPage {
    c: Chrome,
    /// Where the form posts.
    action: String,
    back: String,
    /// The household the member records for; empty on the meeting form.
    head_name: String,
    /// The meeting form: the secretary's villages, and the household codes typed.
    villages: Vec<(String, String)>,
    village: String,
    codes: String,
    categories: Vec<Category>,
    id: String,
    category: String,
    text: String,
    named: bool,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }

    fn is_village(&self, id: &str) -> bool {
        self.village == id
    }
}

/// The household's name and the province's categories, for the member it is assigned to.
async fn household_context(
    st: &AppState,
    s: &Session,
    household_id: String,
) -> AppResult<(crate::contacts::store::Assigned, Vec<Category>)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let h = crate::contacts::store::assigned(tx, &scope, &household_id).await?;
                crate::audit::shown(
                    tx,
                    &scope,
                    crate::audit::Entity::Household,
                    Some(&h.commune_id),
                    [h.household_id.as_str()],
                );
                let cats = settings::categories(tx, &h.province_id, false).await?;
                Ok((h, cats))
            })
        })
        .await
}

/// `GET /households/{id}/petitions/new`: the member's form, in a few taps.
pub async fn new_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (h, categories) = household_context(&st, &s, id.clone()).await?;
    page(&FormPage {
        c: Chrome::new(lang, &s, lang.t("petition_new")),
        action: format!("/households/{id}/petitions"),
        back: format!("/households/{id}"),
        head_name: h.head_name,
        villages: Vec::new(),
        village: String::new(),
        codes: String::new(),
        categories,
        id: crate::clock::new_id(),
        category: String::new(),
        text: String::new(),
        named: false,
        errors: Vec::new(),
    })
}

fn input_of(sent: &Sent) -> PetitionInput {
    PetitionInput {
        id: Some(sent.field("id").to_owned()).filter(|s| !s.trim().is_empty()),
        category: sent.field("category").to_owned(),
        text: sent.field("text").to_owned(),
        named: sent.checked("named"),
    }
}

/// `POST /households/{id}/petitions`: records the petition once, then back to the card.
pub async fn create(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    sent: Sent,
) -> AppResult<Response> {
    let s = sent.session.clone();
    let input = input_of(&sent);
    let photo = match file_of(&sent, "photo") {
        Ok(p) => p,
        Err(AppError::Validation(errors)) => {
            return refused(&st, &s, lang, id, &sent, errors).await
        }
        Err(e) => return Err(e),
    };
    let scope = s.scope.clone();
    let (household, today) = (id.clone(), today(&st));
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let h = crate::contacts::store::assigned(tx, &scope, &household).await?;
                let cats = settings::categories(tx, &h.province_id, false).await?;
                let codes: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
                let draft = model::check(&input, &codes)?;
                let place = store::place_of(tx, &h.village_id).await?;
                store::record(
                    tx,
                    &scope,
                    &place,
                    std::slice::from_ref(&h.household_id),
                    &draft,
                    "member",
                    photo.as_ref(),
                    today,
                )
                .await
            })
        })
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}?petition=saved")).into_response()),
        Err(AppError::Validation(errors)) => refused(&st, &s, lang, id, &sent, errors).await,
        Err(e) => Err(e),
    }
}

async fn refused(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    sent: &Sent,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let (h, categories) = household_context(st, s, id.clone()).await?;
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            c: Chrome::new(lang, s, lang.t("petition_new")),
            action: format!("/households/{id}/petitions"),
            back: format!("/households/{id}"),
            head_name: h.head_name,
            villages: Vec::new(),
            village: String::new(),
            codes: String::new(),
            categories,
            // The same id: a corrected form still records once.
            id: Some(sent.field("id").to_owned())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(crate::clock::new_id),
            category: sent.field("category").to_owned(),
            text: sent.field("text").to_owned(),
            named: sent.checked("named"),
            errors,
        },
    )
}

/// The secretary's villages and the province's categories (of the first village).
async fn meeting_context(
    st: &AppState,
    s: &Session,
) -> AppResult<(Vec<(String, String)>, Vec<Category>)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let paths = scope.paths_for(&[Role::CellSecretary]);
                let (f, a) = crate::auth::scope::unit_filter("id", &paths);
                let rows = tx
                    .fetch_all(
                        &format!("SELECT id, name, path FROM units WHERE kind = 'village' AND valid_to IS NULL AND {f} ORDER BY name COLLATE vi, id"),
                        &a,
                    )
                    .await?;
                let mut villages = Vec::new();
                let mut province = String::new();
                for r in &rows {
                    if province.is_empty() {
                        province = settings::province_of(tx, &r.str("path")?).await?;
                    }
                    villages.push((r.str("id")?, r.str("name")?));
                }
                Ok((villages, settings::categories(tx, &province, false).await?))
            })
        })
        .await
}

#[allow(clippy::too_many_arguments)]
async fn meeting_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    village: String,
    codes: String,
    category: String,
    text: String,
    named: bool,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let (villages, categories) = meeting_context(st, s).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &FormPage {
            c: Chrome::new(lang, s, lang.t("petition_meeting")),
            action: "/petitions/meeting".into(),
            back: "/petitions".into(),
            head_name: String::new(),
            villages,
            village,
            codes,
            categories,
            id,
            category,
            text,
            named,
            errors,
        },
    )
}

/// `GET /petitions/meeting`: an opinion raised at a village meeting, for one or many
/// households (their codes, as the registry gives them).
pub async fn meeting_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
) -> AppResult<Response> {
    let id = crate::clock::new_id();
    meeting_page(
        &st,
        &s,
        lang,
        id,
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        false,
        Vec::new(),
    )
    .await
}

/// `POST /petitions/meeting`: one petition per household named, linked as one group.
pub async fn meeting_create(
    State(st): State<AppState>,
    lang: Lang,
    sent: Sent,
) -> AppResult<Response> {
    let s = sent.session.clone();
    let input = input_of(&sent);
    let village = sent.field("village").to_owned();
    let codes_text = sent.field("households").to_owned();
    let again = |errors: Vec<FieldError>| {
        let (st, s, sent) = (st.clone(), s.clone(), &sent);
        let id = Some(sent.field("id").to_owned())
            .filter(|x| !x.trim().is_empty())
            .unwrap_or_else(crate::clock::new_id);
        let (v, c, cat, text, named) = (
            village.clone(),
            codes_text.clone(),
            sent.field("category").to_owned(),
            sent.field("text").to_owned(),
            sent.checked("named"),
        );
        async move { meeting_page(&st, &s, lang, id, v, c, cat, text, named, errors).await }
    };
    let photo = match file_of(&sent, "photo") {
        Ok(p) => p,
        Err(AppError::Validation(errors)) => return again(errors).await,
        Err(e) => return Err(e),
    };
    let scope = s.scope.clone();
    let (today, v) = (today(&st), village.clone());
    let codes: Vec<String> = codes_text
        .split([',', ';', ' ', '\n', '\r', '\t'])
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let r = tx
                    .fetch_optional(
                        "SELECT path FROM units WHERE id = ? AND kind = 'village'",
                        &[v.clone().into()],
                    )
                    .await?;
                let path = match r {
                    Some(r) => r.str("path")?,
                    None => return Err(AppError::invalid("village", "Cần chọn thôn")),
                };
                if !scope.covers(&[Role::CellSecretary], &path) {
                    return Err(AppError::invalid("village", "Cần chọn thôn của chi bộ mình"));
                }
                if codes.is_empty() {
                    return Err(AppError::invalid(
                        "households",
                        "Cần ghi mã ít nhất một hộ nêu ý kiến (ví dụ: BN0012, BN0031)",
                    ));
                }
                let mut ids = Vec::new();
                for code in &codes {
                    let h = tx
                        .fetch_optional(
                            "SELECT id FROM households WHERE village_id = ? AND code = ? AND status = 'active'",
                            &[v.clone().into(), code.clone().into()],
                        )
                        .await?;
                    match h {
                        Some(h) => {
                            let id = h.str("id")?;
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                        None => {
                            return Err(AppError::invalid(
                                "households",
                                format!("Thôn không có hộ nào mã {code} đang sinh sống"),
                            ))
                        }
                    }
                }
                let place = store::place_of(tx, &v).await?;
                let cats = settings::categories(tx, &place.province_id, false).await?;
                let list: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
                let draft = model::check(&input, &list)?;
                store::record(tx, &scope, &place, &ids, &draft, "meeting", photo.as_ref(), today).await
            })
        })
        .await;
    match saved {
        Ok(r) => Ok(Redirect::to(&format!("/petitions/{}?saved=1", r.ids[0])).into_response()),
        Err(AppError::Validation(errors)) => again(errors).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "petitions/inbox.html")]
struct InboxPage {
    c: Chrome,
    inbox: Inbox,
    agencies: Vec<agencies::Agency>,
    can_meet: bool,
    errors: Vec<FieldError>,
}

impl InboxPage {
    fn status(&self, p: &Petition) -> &'static str {
        if self.c.is_en() {
            p.status.label_en()
        } else {
            p.status.label_vi()
        }
    }
}

/// `GET /petitions`: what waits on the user, by seat.
pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    inbox_page(&st, &s, lang, Vec::new()).await
}

async fn inbox_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let today = today(st);
    let (inbox, agencies) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let inbox = inbox::inbox(tx, &scope, today).await?;
                let mut list = Vec::new();
                for (c, _) in agencies::communes(tx, &scope).await? {
                    list.extend(agencies::list(tx, &c).await?);
                }
                Ok((inbox, list))
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
        &InboxPage {
            c: Chrome::new(lang, s, lang.t("petitions")),
            can_meet: s.scope.has_role(Role::CellSecretary),
            inbox,
            agencies,
            errors,
        },
    )
}

/// `POST /petitions/bulk`: forward many (the cell), assign or link many (the commune),
/// as one unit of work: all of them, or none with the reason.
pub async fn bulk(State(st): State<AppState>, lang: Lang, sent: Sent) -> AppResult<Response> {
    let s = sent.session.clone();
    let ids = sent.all("ids");
    let what = sent.field("bulk").to_owned();
    let agency = sent.field("agency").to_owned();
    let scope = s.scope.clone();
    let today = today(&st);
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                if ids.is_empty() {
                    return Err(AppError::invalid("ids", "Cần chọn ít nhất một kiến nghị"));
                }
                if what == "link" {
                    return store::link(tx, &scope, &ids).await;
                }
                let input = StepInput {
                    action: what.clone(),
                    agency,
                    ..Default::default()
                };
                if !matches!(what.as_str(), "forward" | "assign") {
                    return Err(AppError::invalid(
                        "bulk",
                        "Chỉ chuyển, giao hoặc gộp được nhiều kiến nghị một lúc",
                    ));
                }
                let mut n = 0;
                let mut moved: Vec<String> = Vec::new();
                for id in &ids {
                    if moved.contains(id) {
                        continue;
                    }
                    let m = store::step(tx, &scope, id, &input, None, today)
                        .await
                        .map_err(|e| match e {
                            AppError::Validation(errs) => AppError::Validation(
                                errs.into_iter()
                                    .map(|e| {
                                        FieldError::new(
                                            &e.field,
                                            format!("Kiến nghị {}: {}", short(id), e.message),
                                        )
                                    })
                                    .collect(),
                            ),
                            other => other,
                        })?;
                    n += m.ids.len();
                    moved.extend(m.ids);
                }
                Ok(n)
            })
        })
        .await;
    match done {
        Ok(_) => Ok(Redirect::to("/petitions?done=1").into_response()),
        Err(AppError::Validation(errors)) => inbox_page(&st, &s, lang, errors).await,
        Err(e) => Err(e),
    }
}

/// The first eight characters of an id: enough for people to tell petitions apart.
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[derive(Template)]
#[template(path = "petitions/show.html")]
struct ShowPage {
    c: Chrome,
    p: Petition,
    seat: Seat,
    category_label: String,
    steps: Vec<StepView>,
    files: Vec<String>,
    linked: Vec<String>,
    /// The steps this user may take now: their action codes.
    can: Vec<&'static str>,
    agencies: Vec<agencies::Agency>,
    templates: Vec<agencies::Template>,
    saved: bool,
    errors: Vec<FieldError>,
}

impl ShowPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }

    fn may(&self, action: &str) -> bool {
        self.can.contains(&action)
    }

    fn status(&self) -> &'static str {
        self.p.status.label_vi()
    }

    fn due(&self) -> String {
        self.p
            .due_on
            .as_deref()
            .map(crate::web::format::date)
            .unwrap_or_default()
    }

    fn short_id(&self, id: &str) -> String {
        short(id).to_owned()
    }
}

/// The action codes a seat may take at a status.
fn possible(seat: &[Seat], status: Status) -> Vec<&'static str> {
    let holder = status.holder();
    let mine = |s: Seat| seat.contains(&s);
    match (holder, status) {
        (Holder::Cell, Status::Received) if mine(Seat::Cell) => vec!["forward", "answer_at_cell"],
        (Holder::Cell, _) if mine(Seat::Cell) => vec!["answer_at_cell"],
        (Holder::Commune, Status::Forwarded) if mine(Seat::Commune) => {
            vec!["assign", "transfer", "return"]
        }
        (Holder::Commune, _) if mine(Seat::Commune) => vec!["answer"],
        (Holder::Agency, Status::Assigned) if mine(Seat::Agency) => vec!["answer", "decline"],
        (Holder::Agency, _) if mine(Seat::Agency) => vec!["answer"],
        (Holder::Member, Status::Answered(_)) if mine(Seat::Member) || mine(Seat::Cell) => {
            vec!["deliver"]
        }
        (Holder::Member, _) if mine(Seat::Member) || mine(Seat::Cell) => vec!["confirm", "reopen"],
        _ => Vec::new(),
    }
}

async fn show_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    saved: bool,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (p, seat, all, category_label, steps, files, linked, agencies, templates) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (p, seat) = store::get(tx, &scope, &id).await?;
                let full = store::seats(tx, &scope, &p).await?;
                let province = settings::province_of(tx, &p.village_path).await?;
                let cats = settings::categories(tx, &province, true).await?;
                let label = settings::category_label(&p.category, &cats);
                let steps = store::steps(tx, &p).await?;
                let mut files = store::file_kinds(tx, &p).await?;
                if seat == Seat::Front {
                    files.retain(|k| k != "photo");
                }
                let linked = store::linked(tx, &p).await?;
                let (ag, tpl) = if full.contains(&Seat::Commune) || full.contains(&Seat::Agency) {
                    (
                        agencies::list(tx, &p.commune_id).await?,
                        agencies::templates(tx, &p.commune_id).await?,
                    )
                } else {
                    (Vec::new(), Vec::new())
                };
                Ok((p, seat, full, label, steps, files, linked, ag, tpl))
            })
        })
        .await?;
    let can = possible(&all, p.status);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &ShowPage {
            c: Chrome::new(lang, s, lang.t("petition")),
            p,
            seat,
            category_label,
            steps,
            files,
            linked,
            can,
            agencies,
            templates,
            saved,
            errors,
        },
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: String,
}

/// `GET /petitions/{id}`: one petition, its timeline, and the steps the user may take.
pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
    crate::web::extract::Q(q): crate::web::extract::Q<ShowQuery>,
) -> AppResult<Response> {
    show_page(&st, &s, lang, id, !q.saved.is_empty(), Vec::new()).await
}

pub fn step_input(sent: &Sent) -> StepInput {
    StepInput {
        action: sent.field("action").to_owned(),
        reason: sent.field("reason").to_owned(),
        competent: sent.field("competent").to_owned(),
        agency: sent.field("agency").to_owned(),
        answer: sent.field("answer").to_owned(),
        basis: sent.field("basis").to_owned(),
        then: sent.field("then").to_owned(),
    }
}

/// `POST /petitions/{id}/steps`: one step (with the linked duplicates that move with it).
/// A refused step shows the page again with the reason next to its field.
pub async fn step(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    sent: Sent,
) -> AppResult<Response> {
    let s = sent.session.clone();
    let input = step_input(&sent);
    let file = match file_of(&sent, "attachment") {
        Ok(f) => f,
        Err(AppError::Validation(errors)) => {
            return show_page(&st, &s, lang, id, false, errors).await
        }
        Err(e) => return Err(e),
    };
    let scope = s.scope.clone();
    let (pid, today) = (id.clone(), today(&st));
    let done = st
        .db
        .write(move |tx| {
            Box::pin(
                async move { store::step(tx, &scope, &pid, &input, file.as_ref(), today).await },
            )
        })
        .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/petitions/{id}?saved=1")).into_response()),
        Err(AppError::Validation(errors)) => show_page(&st, &s, lang, id, false, errors).await,
        Err(e) => Err(e),
    }
}

/// `GET /petitions/{id}/files/{kind}`: the household's photo or the answer's attachment.
pub async fn file(
    State(st): State<AppState>,
    s: Session,
    Path((id, kind)): Path<(String, String)>,
) -> AppResult<Response> {
    if kind != "photo" && kind != "answer" {
        return Err(AppError::NotFound);
    }
    let scope = s.scope.clone();
    let f = st
        .db
        .read(move |tx| Box::pin(async move { store::file(tx, &scope, &id, &kind).await }))
        .await?;
    let disposition = format!("inline; filename=\"{}\"", f.name);
    Ok((
        [
            (header::CONTENT_TYPE, f.mime),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        f.bytes,
    )
        .into_response())
}
