//! Sign in, sign out, language, the home page of each role, API tokens, user admin.

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

use super::roles::Role;
use super::session::{self, MaybeSession, Session};
use super::{password, store, throttle};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::{CsrfForm, PlainForm, Q};
use crate::web::i18n::{Lang, LANG_COOKIE};
use crate::web::layout::{page, page_with_status, Chrome};
use crate::web::redirect::local_path;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    error: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

/// The login page, with the visitor's form token (and its cookie when there is none yet).
fn login_page(
    st: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    status: StatusCode,
    next: String,
    username: String,
    error: String,
) -> AppResult<Response> {
    let (token, set_cookie) = super::visitor::token(st, headers);
    let mut c = Chrome::bare(lang, lang.t("login"));
    c.csrf = token;
    let mut res = page_with_status(
        status,
        &LoginPage {
            c,
            next,
            username,
            error,
        },
    )?;
    if let Some(cookie) = set_cookie {
        res.headers_mut().insert(
            header::SET_COOKIE,
            cookie.parse().map_err(|_| AppError::internal("cookie"))?,
        );
    }
    Ok(res)
}

pub async fn login_form(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    MaybeSession(s): MaybeSession,
    Q(q): Q<NextQuery>,
) -> AppResult<Response> {
    if s.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_page(
        &st,
        &headers,
        lang,
        StatusCode::OK,
        local_path(&q.next),
        String::new(),
        String::new(),
    )
}

/// A visitor's form (login, language) carries the token of the login page's cookie; a
/// signed-in user's may carry their session's token instead.
fn visitor_form_ok(st: &AppState, headers: &HeaderMap, s: &Option<Session>, sent: &str) -> bool {
    let by_session = s
        .as_ref()
        .is_some_and(|s| !s.csrf.is_empty() && s.csrf == sent);
    by_session || super::visitor::is_valid(st, headers, sent)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn login(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    MaybeSession(s): MaybeSession,
    PlainForm(f): PlainForm<LoginForm>,
) -> AppResult<Response> {
    let ip = st
        .config
        .trusted_proxies
        .client_ip(peer.ip(), &headers)
        .to_string();
    // Settled before anything is written: whatever was sent, the answer is a valid redirect.
    let next = local_path(&f.next);
    let username = f.username.trim().to_lowercase();
    let fail = |status: StatusCode, error: String| {
        login_page(
            &st,
            &headers,
            lang,
            status,
            next.clone(),
            username.clone(),
            error,
        )
    };
    // Checked before the password: a forged form signs nobody in and counts no failure.
    if !visitor_form_ok(&st, &headers, &s, &f.csrf) {
        return fail(StatusCode::FORBIDDEN, lang.t("login_form_expired").into());
    }
    if username.is_empty()
        || f.password.is_empty()
        || username.len() > 100
        || f.password.len() > 200
    {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nhập tên đăng nhập và mật khẩu".into(),
        );
    }
    // Read, then verify the password away from the database (argon2 is slow on
    // purpose), then write: no transaction is held while the hash is computed.
    let (name, addr) = (username.clone(), ip.clone());
    let found = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                if let Err(AppError::TooManyRequests(msg)) = throttle::check(tx, &name, &addr).await
                {
                    return Ok(Err(msg));
                }
                let user = tx
                    .fetch_optional(
                        "SELECT id, password_hash, disabled FROM users WHERE username = ?",
                        &[name.into()],
                    )
                    .await?;
                Ok(Ok(match user {
                    Some(u) => Some((u.str("id")?, u.str("password_hash")?, u.bool("disabled")?)),
                    None => None,
                }))
            })
        })
        .await?;
    let user = match found {
        Ok(u) => u,
        Err(msg) => return fail(StatusCode::TOO_MANY_REQUESTS, msg),
    };
    let password = f.password.clone();
    let (user_id, ok) = tokio::task::spawn_blocking(move || match user {
        Some((id, hash, disabled)) => {
            let ok = password::verify(&password, &hash) && !disabled;
            (id, ok)
        }
        None => {
            password::verify(&password, password::dummy_hash());
            (String::new(), false)
        }
    })
    .await
    .map_err(|_| AppError::internal("password check did not finish"))?;
    let (name, addr) = (username.clone(), ip.clone());
    if !ok {
        st.db
            .write(move |tx| {
                Box::pin(async move { throttle::record_failure(tx, &name, &addr).await })
            })
            .await?;
        return fail(
            StatusCode::UNAUTHORIZED,
            "Tên đăng nhập hoặc mật khẩu không đúng".into(),
        );
    }
    let old =
        session::cookie_value_str(&headers, st.config.session_cookie_name()).map(str::to_owned);
    let token = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                throttle::clear(tx, &name).await?;
                // Rotation: whatever session the browser had is dropped; a new one is issued.
                if let Some(old) = old {
                    session::delete(tx, &old).await?;
                }
                let token = session::create(tx, &user_id, &addr).await?;
                audit::did_as(
                    tx,
                    &audit::Actor::named(&user_id),
                    audit::Action::Login,
                    audit::Entity::User,
                    &user_id,
                    None,
                    serde_json::json!({}),
                );
                Ok(token)
            })
        })
        .await?;
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(&st, &token)
            .parse()
            .map_err(|_| AppError::internal("cookie"))?,
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let token =
        session::cookie_value_str(&headers, st.config.session_cookie_name()).map(str::to_owned);
    let uid = form.session.scope.user_id().to_owned();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                if let Some(token) = token {
                    session::delete(tx, &token).await?;
                }
                audit::did_as(
                    tx,
                    &audit::Actor::named(&uid),
                    audit::Action::Logout,
                    audit::Entity::User,
                    &uid,
                    None,
                    serde_json::json!({}),
                );
                Ok(())
            })
        })
        .await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session::clear_cookie(&st)
            .parse()
            .map_err(|_| AppError::internal("cookie"))?,
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(default)]
    to: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Switches the interface language (a preference cookie, no personal data).
pub async fn set_lang(
    State(st): State<AppState>,
    headers: HeaderMap,
    MaybeSession(s): MaybeSession,
    PlainForm(f): PlainForm<LangForm>,
) -> AppResult<Response> {
    if !visitor_form_ok(&st, &headers, &s, &f.csrf) {
        return Err(AppError::FormExpired);
    }
    let to = if f.to == "en" { "en" } else { "vi" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        })
        .map(|p| local_path(&p))
        .unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&back).into_response();
    let cookie = format!("{LANG_COOKIE}={to}; Path=/; Max-Age=31536000; SameSite=Lax");
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie.parse().map_err(|_| AppError::internal("cookie"))?,
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "auth/home.html")]
struct HomePage {
    c: Chrome,
    roles: Vec<(String, String)>,
    registry: Option<(i64, i64, i64)>,
    /// Supervisors and the Front: the communes of their subtree that run the model.
    rollout: Vec<CommuneSummary>,
    // assignment (issue 4): alerts for keepers, own households for a member.
    alerts: Vec<crate::assignment::model::Alert>,
    // campaigns (issue 8): households still to reach as a campaign's end nears.
    reminders: Vec<crate::campaigns::pages::Reminder>,
    // contacts (issue 8): a member's households, most pressing first.
    list: Option<Vec<crate::contacts::store::MyHousehold>>,
    // petitions (issue 9): the counts of an agency handler's inbox.
    petitions: Option<crate::petitions::inbox::Counts>,
}

pub async fn home(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let roles = s
        .scope
        .grants
        .iter()
        .map(|g| {
            (
                if lang == Lang::En {
                    g.role.label_en()
                } else {
                    g.role.label_vi()
                }
                .to_owned(),
                g.unit_name.clone(),
            )
        })
        .collect();
    let registry = if s.scope.keeps_registry() {
        let scope = s.scope.clone();
        let counts = st
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let counts =
                        crate::people::counts::under(tx, &scope.registry_paths()).await?;
                    let (h, m) = (counts.households, counts.members);
                    let (f, a) = crate::auth::scope::unit_filter("id", &scope.registry_paths());
                    let v = tx
                        .scalar_i64(
                            &format!("SELECT COUNT(*) FROM units WHERE kind = 'village' AND valid_to IS NULL AND {f}"),
                            &a,
                        )
                        .await?;
                    Ok((v, h, m))
                })
            })
            .await?;
        Some(counts)
    } else {
        None
    };
    let rollout = rollout(&st, &s).await?;
    let alerts = crate::assignment::pages::home_alerts(&st, &s).await?;
    // A member's households and reminders come from one unit of work.
    let (list, reminders) = if s.scope.member_id().is_some()
        && s.scope.has_role(crate::auth::Role::Member)
    {
        let scope = s.scope.clone();
        let today = crate::clock::vietnam_today();
        let (list, due) = st
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let (list, mut due) = crate::contacts::store::my_day(tx, &scope, today).await?;
                    due.extend(crate::campaigns::store::due_in_villages(tx, &scope, today).await?);
                    Ok((list, due))
                })
            })
            .await?;
        (
            Some(list),
            crate::campaigns::pages::reminder_texts(due, lang),
        )
    } else {
        (
            None,
            crate::campaigns::pages::reminders(&st, &s, lang).await?,
        )
    };
    // petitions (issue 9): an agency handler's work is their inbox.
    let petitions = if s.scope.has_role(crate::auth::Role::AgencyHandler) {
        let scope = s.scope.clone();
        let today = crate::petitions::pages::today(&st);
        Some(
            st.db
                .read(move |tx| {
                    Box::pin(async move { crate::petitions::inbox::inbox(tx, &scope, today).await })
                })
                .await?
                .own_counts(),
        )
    } else {
        None
    };
    page(&HomePage {
        petitions,
        c: Chrome::new(lang, &s, lang.t("home")),
        roles,
        registry,
        rollout,
        alerts,
        reminders,
        list,
    })
}

/// Aggregates only — no personal record — of one commune that has villages set up.
pub struct CommuneSummary {
    pub id: String,
    pub name: String,
    pub villages: i64,
    pub households: i64,
    pub members: i64,
}

/// The rollout table of supervisors and Front reviewers: which communes of their subtree run
/// the model, with counts. Aggregates, so no read of personal data is logged.
async fn rollout(st: &AppState, s: &Session) -> AppResult<Vec<CommuneSummary>> {
    let paths = s.scope.paths_for(&[Role::Supervisor, Role::FrontReviewer]);
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let (filter, args) = crate::auth::scope::unit_filter("c.id", &paths);
    let rows = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                tx.fetch_all(
            &format!(
                "SELECT c.id, c.name, COUNT(*) AS villages, \
                 (SELECT CAST(COALESCE(SUM(r.households), 0) AS BIGINT) FROM registry_counts r WHERE r.commune_id = c.id) AS households, \
                 (SELECT CAST(COALESCE(SUM(r.members), 0) AS BIGINT) FROM registry_counts r WHERE r.commune_id = c.id) AS members \
                 FROM units c JOIN units v ON v.parent_id = c.id AND v.kind = 'village' AND v.valid_to IS NULL \
                 WHERE c.kind = 'commune' AND {filter} GROUP BY c.id, c.name ORDER BY c.name COLLATE vi LIMIT 500"
            ),
            &args,
        )
        .await
            })
        })
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CommuneSummary {
                id: r.str("id")?,
                name: r.str("name")?,
                villages: r.i64("villages")?,
                households: r.i64("households")?,
                members: r.i64("members")?,
            })
        })
        .collect()
}

// ---------- personal access tokens ----------

#[derive(Template)]
#[template(path = "auth/tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<store::Token>,
    new_secret: String,
}

async fn tokens_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    new_secret: String,
) -> AppResult<Response> {
    let user = s.scope.user_id().to_owned();
    let tokens = st
        .db
        .read(move |tx| Box::pin(async move { store::list_tokens(tx, &user).await }))
        .await?;
    page(&TokensPage {
        c: Chrome::new(lang, s, lang.t("tokens")),
        tokens,
        new_secret,
    })
}

pub async fn tokens(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    tokens_page(&st, &s, lang, String::new()).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn token_create(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<TokenForm>,
) -> AppResult<Response> {
    let s = form.session;
    let (user, name) = (s.scope.user_id().to_owned(), form.form.name);
    let secret = st
        .db
        .write(move |tx| Box::pin(async move { store::create_token(tx, &user, &name).await }))
        .await?;
    tokens_page(&st, &s, lang, secret).await
}

pub async fn token_revoke(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let user = form.session.scope.user_id().to_owned();
    st.db
        .write(move |tx| Box::pin(async move { store::revoke_token(tx, &user, &id).await }))
        .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

// ---------- user administration ----------

#[derive(Template)]
#[template(path = "auth/users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<store::User>,
    roles: Vec<(&'static str, &'static str)>,
    message: String,
    /// The admin's own id: no "disable" button on their own row.
    me: String,
}

async fn users_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    message: String,
) -> AppResult<Response> {
    let users = st
        .db
        .read(|tx| Box::pin(async move { store::list_users(tx).await }))
        .await?;
    let roles = Role::ALL
        .iter()
        .map(|r| {
            (
                r.code(),
                if lang == Lang::En {
                    r.label_en()
                } else {
                    r.label_vi()
                },
            )
        })
        .collect();
    page(&UsersPage {
        c: Chrome::new(lang, s, lang.t("users")),
        users,
        roles,
        message,
        me: s.scope.user_id().to_owned(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreatedQuery {
    created: String,
}

pub async fn users(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<CreatedQuery>,
) -> AppResult<Response> {
    let message = if q.created.is_empty() {
        String::new()
    } else {
        format!("{}: {}", lang.t("created"), q.created)
    };
    users_page(&st, &s, lang, message).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

pub async fn user_create(
    State(st): State<AppState>,
    form: CsrfForm<NewUserForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::invalid("role", "Chọn vai trò"))?;
    let actor = s.scope.user_id().to_owned();
    let (unit_ref, username, display, pass) = (
        f.unit.clone(),
        f.username.clone(),
        f.display_name.clone(),
        f.password.clone(),
    );
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let unit = crate::units::store::resolve(tx, &unit_ref).await?;
                let id = store::create_user(tx, &actor, &username, &display, &pass).await?;
                store::grant(tx, &actor, &id, role, &unit.id).await
            })
        })
        .await?;
    // Post/redirect/get: a refresh does not submit the form again.
    let created = crate::web::errors::urlencode(&f.username.trim().to_lowercase());
    Ok(Redirect::to(&format!("/admin/users?created={created}")).into_response())
}

pub async fn user_disable(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    if id == form.session.scope.user_id() {
        return Err(AppError::BadRequest(
            "Không thể tự khóa tài khoản của mình".into(),
        ));
    }
    let actor = form.session.scope.user_id().to_owned();
    st.db
        .write(move |tx| Box::pin(async move { store::disable(tx, &actor, &id).await }))
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}
