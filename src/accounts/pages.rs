//! The accounts page of a village, the login slips, and the change of one's own password.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model;
use super::store::{self, Created, MemberAccount};
use crate::auth::{password, session, throttle, Session};
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use crate::units::store::{self as units, Unit};
use crate::web::extract::{CsrfForm, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

#[derive(Template)]
#[template(path = "accounts/index.html")]
struct IndexPage {
    c: Chrome,
    villages: Vec<Unit>,
    village: Option<Unit>,
    items: Vec<MemberAccount>,
    without: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VillageQuery {
    village: String,
}

/// The active members of one village of the scope, with their accounts.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<VillageQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (villages, village, items) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let villages = units::villages_in_scope(tx, &scope).await?;
                let village = match q.village.trim() {
                    "" => villages.first().cloned(),
                    id => Some(
                        villages
                            .iter()
                            .find(|v| v.id == id)
                            .cloned()
                            .ok_or(AppError::NotFound)?,
                    ),
                };
                let items = match &village {
                    Some(v) => store::list(tx, &scope, &v.id).await?,
                    None => Vec::new(),
                };
                Ok((villages, village, items))
            })
        })
        .await?;
    let without = items.iter().filter(|m| m.username.is_none()).count();
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("accounts")),
        villages,
        village,
        items,
        without,
    })
}

#[derive(Deserialize)]
pub struct Empty {}

/// Hashes the one-time passwords away from the database, on every core: argon2 is slow on
/// purpose, and no unit of work waits for it.
async fn hash_all(passwords: &[String]) -> AppResult<Vec<String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    let per = passwords.len().div_ceil(threads).max(1);
    let mut tasks = Vec::new();
    for chunk in passwords.chunks(per) {
        let chunk = chunk.to_vec();
        tasks.push(tokio::task::spawn_blocking(move || {
            chunk
                .iter()
                .map(|p| password::hash(p))
                .collect::<AppResult<Vec<_>>>()
        }));
    }
    let mut out = Vec::with_capacity(passwords.len());
    for t in tasks {
        out.extend(
            t.await
                .map_err(|_| AppError::internal("password hashing did not finish"))??,
        );
    }
    Ok(out)
}

/// Makes the accounts of `members` in one unit of work; the slips of those made.
async fn make(st: &AppState, s: &Session, members: Vec<MemberAccount>) -> AppResult<Vec<Created>> {
    let passwords: Vec<String> = members.iter().map(|_| model::one_time_password()).collect();
    let hashes = hash_all(&passwords).await?;
    let scope = s.scope.clone();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let mut made = Vec::new();
                for ((m, pass), hash) in members.into_iter().zip(passwords).zip(hashes) {
                    if let Some(username) = store::create(tx, &scope, &m, &hash, None).await? {
                        made.push(Created {
                            full_name: m.full_name,
                            village_name: m.village_name,
                            username,
                            password: pass,
                        });
                    }
                }
                Ok(made)
            })
        })
        .await
}

/// One member's account, and its slip.
pub async fn create_one(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let s = form.session;
    let scope = s.scope.clone();
    let m = st
        .db
        .read(move |tx| Box::pin(async move { store::eligible(tx, &scope, &id).await }))
        .await?;
    let back = format!("/accounts?village={}", m.village_id);
    let made = make(&st, &s, vec![m]).await?;
    if made.is_empty() {
        return Err(AppError::Conflict(
            "Đảng viên này vừa được tạo tài khoản ở nơi khác".into(),
        ));
    }
    slips(&st, &s, lang, &headers, made, 0, back)
}

/// The accounts of every active member of a village who has none (at most
/// [`store::BATCH`] at once), and their slips.
pub async fn create_village(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let s = form.session;
    let scope = s.scope.clone();
    let village = id.clone();
    let (members, total) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                // A village outside the scope answers as one that does not exist.
                let villages = units::villages_in_scope(tx, &scope).await?;
                if !villages.iter().any(|v| v.id == village) {
                    return Err(AppError::NotFound);
                }
                store::without_account(tx, &scope, &village).await
            })
        })
        .await?;
    let count = members.len() as i64;
    let made = make(&st, &s, members).await?;
    let left = (total - count).max(0) + (count - made.len() as i64);
    slips(
        &st,
        &s,
        lang,
        &headers,
        made,
        left,
        format!("/accounts?village={id}"),
    )
}

#[derive(Template)]
#[template(path = "accounts/slips.html")]
struct SlipsPage {
    c: Chrome,
    made: Vec<Created>,
    left: i64,
    back: String,
    address: String,
    qr: String,
    qr_side: usize,
}

/// The address members open: the configured one, else the one this page was asked at.
fn server_address(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &st.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| st.config.listen.to_string());
    let scheme = if st.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn slips(
    st: &AppState,
    s: &Session,
    lang: Lang,
    headers: &HeaderMap,
    made: Vec<Created>,
    left: i64,
    back: String,
) -> AppResult<Response> {
    let address = server_address(st, headers);
    let (qr, qr_side) =
        model::qr_path(&address).ok_or_else(|| AppError::internal("QR code of the address"))?;
    page(&SlipsPage {
        c: Chrome::new(lang, s, lang.t("slips")),
        made,
        left,
        back,
        address,
        qr,
        qr_side,
    })
}

// ---------- one's own password ----------

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    c: Chrome,
    forced: bool,
    done: bool,
    errors: Vec<FieldError>,
}

impl PasswordPage {
    fn err(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.message.as_str())
    }
}

fn password_page(
    s: &Session,
    lang: Lang,
    status: StatusCode,
    done: bool,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let forced = s.must_change_password;
    let mut c = Chrome::new(
        lang,
        s,
        lang.t(if forced {
            "password_new_title"
        } else {
            "change_password"
        }),
    );
    if forced {
        // Nothing else opens until the one-time password is replaced: no menu to follow.
        c.nav.clear();
    }
    page_with_status(
        status,
        &PasswordPage {
            c,
            forced,
            done,
            errors,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn password_form(s: Session, lang: Lang, Q(q): Q<DoneQuery>) -> AppResult<Response> {
    password_page(&s, lang, StatusCode::OK, q.done == "1", Vec::new())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    again: String,
}

/// Sets a new password after checking the current one; every other session of the user
/// ends. Wrong input changes nothing and says what to fix.
pub async fn password_change(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let refuse = |field: &str, message: String| {
        password_page(
            &s,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            vec![FieldError::new(field, message)],
        )
    };
    let username = s.scope.username().to_owned();
    if f.current.len() > 200 || f.new.len() > 800 || f.again.len() > 800 {
        return refuse("new", "Mật khẩu quá dài (tối đa 200 ký tự)".into());
    }
    if let Err((field, message)) =
        model::check_new_password(&username, &f.current, &f.new, &f.again)
    {
        return refuse(field, message);
    }
    let ip = st
        .config
        .trusted_proxies
        .client_ip(peer.ip(), &headers)
        .to_string();
    let user_id = s.scope.user_id().to_owned();
    let (name, addr, uid) = (username.clone(), ip.clone(), user_id.clone());
    // Guessing the current password from a stolen session is throttled like a login.
    let found = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                if let Err(AppError::TooManyRequests(msg)) = throttle::check(tx, &name, &addr).await
                {
                    return Ok(Err(msg));
                }
                Ok(Ok(store::password_of(tx, &uid).await?))
            })
        })
        .await?;
    let (old_hash, _) = match found {
        Ok(h) => h,
        Err(msg) => {
            return password_page(
                &s,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                false,
                vec![FieldError::new("current", msg)],
            )
        }
    };
    let (current, new, stored) = (f.current.clone(), f.new.clone(), old_hash.clone());
    let new_hash = tokio::task::spawn_blocking(move || {
        if password::verify(&current, &stored) {
            password::hash(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(|_| AppError::internal("password check did not finish"))??;
    let (name, addr) = (username.clone(), ip.clone());
    let Some(new_hash) = new_hash else {
        st.db
            .write(move |tx| {
                Box::pin(async move { throttle::record_failure(tx, &name, &addr).await })
            })
            .await?;
        return refuse(
            "current",
            "Mật khẩu hiện tại không đúng; mật khẩu chưa được đổi".into(),
        );
    };
    let keep = session::cookie_value_str(&headers, st.config.session_cookie_name())
        .map(password::sha256_hex)
        .unwrap_or_default();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                store::change_password(tx, &user_id, &old_hash, &new_hash, &keep).await?;
                throttle::clear(tx, &username).await
            })
        })
        .await?;
    Ok(if s.must_change_password {
        Redirect::to("/")
    } else {
        Redirect::to("/account/password?done=1")
    }
    .into_response())
}
