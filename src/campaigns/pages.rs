//! The campaign pages: the list, the form to make one, a campaign with its coverage, the
//! PDF, and the delivery form for one household; and the reminders of the home page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, CampaignForm, DeliveryForm, Outcome};
use super::store::{self, Area, Campaign, Listed, TargetHousehold};
use super::topics::{Channel, Topic};
use crate::auth::{Role, Session};
use crate::error::{AppError, AppResult, FieldError};
use crate::people::kinds::{Coded, SupportCategory};
use crate::state::AppState;
use crate::web::extract::{CsrfForm, CsrfMultipart, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

/// The create form's upload: the PDF and the form around it.
pub const UPLOAD_LIMIT: usize = model::PDF_MAX + 64 * 1024;

fn can_create(s: &Session) -> bool {
    store::CREATORS.iter().any(|r| s.scope.has_role(*r))
}

/// What a page says about a campaign besides its text.
pub struct Head {
    pub id: String,
    pub title: String,
    pub topic: &'static str,
    pub unit_name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub categories: Vec<&'static str>,
    pub has_file: bool,
    pub file_size: String,
    pub open: bool,
}

impl Head {
    fn of(c: &Campaign, lang: Lang) -> Head {
        Head {
            id: c.id.clone(),
            title: c.title.clone(),
            topic: c.topic.label(lang),
            unit_name: c.unit_name.clone(),
            starts_on: model::vn(c.starts_on),
            ends_on: model::vn(c.ends_on),
            categories: c.categories.iter().map(|k| k.label(lang)).collect(),
            has_file: c.file_name.is_some(),
            file_size: c
                .file_size
                .map(|n| format!("{} KB", crate::web::format::number((n + 1023) / 1024)))
                .unwrap_or_default(),
            open: c.is_open(store::today()),
        }
    }
}

#[derive(Template)]
#[template(path = "campaigns/index.html")]
struct IndexPage {
    c: Chrome,
    items: Vec<(Head, Listed)>,
    can_create: bool,
}

pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let scope = s.scope.clone();
    let items = st
        .db
        .read(move |tx| Box::pin(async move { store::list(tx, &scope).await }))
        .await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("campaigns")),
        items: items
            .into_iter()
            .map(|l| (Head::of(&l.campaign, lang), l))
            .collect(),
        can_create: can_create(&s),
    })
}

#[derive(Template)]
#[template(path = "campaigns/new.html")]
struct NewPage {
    c: Chrome,
    f: CampaignForm,
    errors: Vec<FieldError>,
    targets: Vec<store::Target>,
    topics: &'static [Topic],
    categories: &'static [SupportCategory],
    pdf_mb: usize,
}

impl NewPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }

    fn checked(&self, cat: &SupportCategory) -> bool {
        self.f.support.iter().any(|s| s == cat.code())
    }
}

async fn new_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    f: CampaignForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let targets = st
        .db
        .read(move |tx| Box::pin(async move { store::target_choices(tx, &scope).await }))
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &NewPage {
            c: Chrome::new(lang, s, lang.t("campaign_new")),
            f,
            errors,
            targets,
            topics: Topic::ALL,
            categories: SupportCategory::ALL,
            pdf_mb: model::PDF_MAX / 1024 / 1024,
        },
    )
}

pub async fn new_form(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let today = store::today();
    let f = CampaignForm {
        // The form carries its id, so a second click on "save" makes nothing new.
        id: crate::clock::new_id(),
        starts_on: model::vn(today),
        ends_on: model::vn(today + time::Duration::days(30)),
        remind_days: model::REMIND_DEFAULT.to_string(),
        ..Default::default()
    };
    new_page(&st, &s, lang, f, Vec::new()).await
}

/// Makes a campaign from the multipart form (the PDF is optional).
pub async fn create(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let s = form.session.clone();
    let f = CampaignForm {
        id: form.field("id").to_owned(),
        unit_id: form.field("unit_id").to_owned(),
        title: form.field("title").to_owned(),
        body: form.field("body").to_owned(),
        topic: form.field("topic").to_owned(),
        support: form
            .fields
            .iter()
            .filter(|(k, _)| k == "support")
            .map(|(_, v)| v.clone())
            .collect(),
        starts_on: form.field("starts_on").to_owned(),
        ends_on: form.field("ends_on").to_owned(),
        remind_days: form.field("remind_days").to_owned(),
    };
    // A file input left empty still sends a part, with no name and no bytes.
    let file = form
        .files
        .iter()
        .find(|(k, name, bytes)| k == "file" && !(name.is_empty() && bytes.is_empty()))
        .map(|(_, name, bytes)| (name.clone(), bytes.to_vec()));
    let mut errors = Vec::new();
    let draft = f.validate().map_err(|e| errors.extend(e)).ok();
    if let Some((_, bytes)) = &file {
        if let Err(e) = model::check_pdf(bytes) {
            errors.push(e);
        }
    }
    let Some(draft) = draft.filter(|_| errors.is_empty()) else {
        return new_page(&st, &s, lang, f, errors).await;
    };
    let scope = s.scope.clone();
    let file = file.map(|(name, bytes)| (pdf_name(&name), bytes));
    let result = st
        .db
        .write(move |tx| Box::pin(async move { store::create(tx, &scope, &draft, file).await }))
        .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(AppError::Validation(errors)) => new_page(&st, &s, lang, f, errors).await,
        Err(e) => Err(e),
    }
}

/// The file name kept for the PDF: the last part of what the browser sent, bounded.
fn pdf_name(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let base: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if base.is_empty() {
        "tai-lieu.pdf".into()
    } else {
        base
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    village: String,
}

/// A member's household in the campaign, as the lists show it.
pub struct HouseholdLine {
    pub h: TargetHousehold,
    pub status: &'static str,
    pub on_date: String,
}

fn line(h: TargetHousehold, lang: Lang) -> HouseholdLine {
    let status = match h.outcome.as_deref().and_then(Outcome::parse) {
        Some(Outcome::Delivered) => lang.t("delivery_done"),
        Some(Outcome::Unreachable) => lang.t("delivery_unreachable"),
        None => lang.t("delivery_pending"),
    };
    let on_date = h
        .on_date
        .as_deref()
        .and_then(model::parse_date)
        .map(model::vn)
        .unwrap_or_default();
    HouseholdLine { h, status, on_date }
}

#[derive(Template)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    c: Chrome,
    head: Head,
    body: String,
    area: Area,
    /// The village whose members and pending households are listed (keepers).
    village: Option<(String, String)>,
    members: Vec<model::Coverage>,
    pending: Vec<HouseholdLine>,
    mine: Vec<HouseholdLine>,
    is_member: bool,
    /// Village names lead to their members' coverage (keepers only).
    can_pick: bool,
    can_refresh: bool,
    targets_at: String,
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
    Q(q): Q<ShowQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (c, area, village, members, pending, mine) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let c = store::get(tx, &scope, &id).await?;
                let area = store::coverage(tx, &scope, &c).await?;
                // Keepers pick a village (a secretary has theirs) to see its members.
                let village = match q.village.trim() {
                    "" if area.level == "village"
                        && area.rows.len() == 1
                        && scope.keeps_registry() =>
                    {
                        Some(area.rows[0].id.clone())
                    }
                    "" => None,
                    v => Some(v.to_owned()),
                };
                let (village, members, pending) = match village {
                    Some(v) if scope.keeps_registry() => {
                        let members = store::members_coverage(tx, &scope, &c, &v).await?;
                        let pending = store::households(tx, &scope, &c, Some(&v)).await?;
                        let name = crate::units::store::get(tx, &v).await?.name;
                        (Some((v, name)), members, pending)
                    }
                    Some(_) => return Err(AppError::NotFound),
                    None => (None, Vec::new(), Vec::new()),
                };
                let mine = store::households(tx, &scope, &c, None).await?;
                Ok((c, area, village, members, pending, mine))
            })
        })
        .await?;
    let can_pick = s.scope.keeps_registry() && area.level == "village";
    page(&ShowPage {
        c: Chrome::new(lang, &s, &c.title),
        head: Head::of(&c, lang),
        body: c.body.clone(),
        can_pick,
        area,
        village,
        members,
        pending: pending.into_iter().map(|h| line(h, lang)).collect(),
        mine: mine.into_iter().map(|h| line(h, lang)).collect(),
        is_member: s.scope.has_role(Role::Member) && s.scope.member_id().is_some(),
        can_refresh: s.scope.covers(store::CREATORS, &c.unit_path),
        targets_at: crate::web::format::datetime(&c.targets_at),
    })
}

/// The attached PDF, shown in the browser.
pub async fn file(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (_, bytes) = st
        .db
        .read(move |tx| Box::pin(async move { store::file(tx, &scope, &id).await }))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"tai-lieu.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

/// Takes the targeted counts from the registry again.
pub async fn refresh(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let scope = form.session.scope.clone();
    let c = st
        .db
        .write(move |tx| Box::pin(async move { store::refresh(tx, &scope, &id).await }))
        .await?;
    Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response())
}

#[derive(Template)]
#[template(path = "campaigns/delivery.html")]
struct DeliveryPage {
    c: Chrome,
    head: Head,
    excerpt: String,
    h: TargetHousehold,
    f: DeliveryForm,
    errors: Vec<FieldError>,
    channels: &'static [Channel],
    today: String,
}

impl DeliveryPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }
}

/// The first lines of the text, for the form (the campaign page has it whole).
fn excerpt(body: &str) -> String {
    const MAX: usize = 400;
    if body.chars().count() <= MAX {
        return body.to_owned();
    }
    let cut: String = body.chars().take(MAX).collect();
    format!("{}…", cut.trim_end())
}

async fn delivery_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    household_id: String,
    f: Option<DeliveryForm>,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (c, h) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let c = store::get(tx, &scope, &id).await?;
                let h = store::household_for(tx, &scope, &c, &household_id).await?;
                Ok((c, h))
            })
        })
        .await?;
    let f = f.unwrap_or_else(|| DeliveryForm {
        id: crate::clock::new_id(),
        outcome: h.outcome.clone().unwrap_or_else(|| "delivered".into()),
        on_date: model::vn(store::today()),
        channel: h.channel.clone().unwrap_or_else(|| "visit".into()),
        reason: h.reason.clone().unwrap_or_default(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &DeliveryPage {
            c: Chrome::new(lang, s, &c.title),
            head: Head::of(&c, lang),
            excerpt: excerpt(&c.body),
            h,
            f,
            errors,
            channels: Channel::ALL,
            today: model::vn(store::today()),
        },
    )
}

pub async fn delivery_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path((id, household_id)): Path<(String, String)>,
) -> AppResult<Response> {
    delivery_page(&st, &s, lang, id, household_id, None, Vec::new()).await
}

/// Saves the outcome and goes back to the household's card.
pub async fn delivery_save(
    State(st): State<AppState>,
    lang: Lang,
    Path((id, household_id)): Path<(String, String)>,
    form: CsrfForm<DeliveryForm>,
) -> AppResult<Response> {
    let s = form.session;
    let f = form.form;
    let scope = s.scope.clone();
    let (cid, hid, input) = (id.clone(), household_id.clone(), f.clone());
    let result = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = store::get(tx, &scope, &cid).await?;
                let h = store::household_for(tx, &scope, &c, &hid).await?;
                let d = input
                    .validate(c.starts_on, store::today())
                    .map_err(AppError::Validation)?;
                store::record(tx, &scope, &c, &h, &d).await
            })
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/households/{household_id}")).into_response()),
        Err(AppError::Validation(errors)) if !errors.iter().any(|e| e.field == "household_id") => {
            delivery_page(&st, &s, lang, id, household_id, Some(f), errors).await
        }
        Err(e) => Err(e),
    }
}

/// One reminder of the home page.
pub struct Reminder {
    pub campaign_id: String,
    pub text: String,
}

/// What the home page reminds of: a member's undelivered households and a secretary's
/// village, per campaign in its reminder window. One read.
pub async fn reminders(st: &AppState, s: &Session, lang: Lang) -> AppResult<Vec<Reminder>> {
    let relevant = s.scope.has_role(Role::CellSecretary)
        || (s.scope.has_role(Role::Member) && s.scope.member_id().is_some());
    if !relevant {
        return Ok(Vec::new());
    }
    let scope = s.scope.clone();
    let due = st
        .db
        .read(move |tx| Box::pin(async move { store::due(tx, &scope, store::today()).await }))
        .await?;
    Ok(reminder_texts(due, lang))
}

/// The reminders' sentences, for a page that read `store::due` in its own unit of work.
pub fn reminder_texts(due: Vec<store::Due>, lang: Lang) -> Vec<Reminder> {
    due.into_iter()
        .map(|d| Reminder {
            campaign_id: d.campaign_id,
            text: lang
                .t(if d.village {
                    "campaign_reminder_village"
                } else {
                    "campaign_reminder"
                })
                .replace("{n}", &crate::web::format::number(d.pending))
                .replace("{title}", &d.title)
                .replace("{date}", &model::vn(d.ends_on)),
        })
        .collect()
}
