//! Extractors whose rejections are Vietnamese messages a person can act on.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::i18n::Lang;
use crate::auth::Session;
use crate::error::AppError;
use crate::state::AppState;

pub const BODY_LIMIT: usize = 1024 * 1024;

async fn body(req: Request, state: &AppState) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) => AppError::TooLarge(BODY_LIMIT / 1024),
        other => AppError::BadRequest(format!("Không đọc được dữ liệu gửi lên: {other}")),
    })
}

/// JSON body for the API. Unknown fields are refused (the types say `deny_unknown_fields`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest(
                "Cần gửi dữ liệu dạng JSON (Content-Type: application/json)".into(),
            ));
        }
        let bytes = body(req, state).await?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            AppError::BadRequest(format!("Dữ liệu JSON chưa đúng: {}", json_error_vi(&e)))
        })
    }
}

fn json_error_vi(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let field = rest.split(',').next().unwrap_or(rest);
        return format!("trường {field} không được hỗ trợ");
    }
    if msg.starts_with("invalid type") {
        return format!("sai kiểu dữ liệu ({msg})");
    }
    if msg.starts_with("missing field") {
        return format!("thiếu trường bắt buộc ({msg})");
    }
    msg
}

/// The language of the person sending the request (its preference cookie), for the
/// rejections below: they are read by people, not by programmers.
fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    match crate::auth::session::cookie_value_str(headers, super::i18n::LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// Whether every name and value of an urlencoded body or query is UTF-8 once
/// percent-decoded. The decoders below would silently turn other bytes into "�".
fn urlencoded_is_utf8(input: &[u8]) -> bool {
    input.split(|b| *b == b'&').all(|pair| {
        pair.split(|b| *b == b'=')
            .all(|part| percent_encoding::percent_decode(part).decode_utf8().is_ok())
    })
}

/// A form body decoded into `T`, or a message naming the field that is wrong.
fn decode_form<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, AppError> {
    if !urlencoded_is_utf8(bytes) {
        return Err(AppError::BadRequest(lang.t("input_not_utf8").into()));
    }
    let de = serde_html_form::Deserializer::from_bytes(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        AppError::BadRequest(naming_field(
            lang,
            &e.path().to_string(),
            "form_field_invalid",
            "form_invalid",
        ))
    })
}

/// `field_key` with the field's name put in, or `whole_key` when no field is known.
fn naming_field(lang: Lang, path: &str, field_key: &str, whole_key: &str) -> String {
    if path.is_empty() || path == "." || path == "?" {
        lang.t(whole_key).to_owned()
    } else {
        lang.t(field_key).replace("{}", path)
    }
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A form posted by a signed-in user: checks the session's CSRF token (`_csrf` field)
/// before anything is decoded, so a forged request changes nothing.
pub struct CsrfForm<T> {
    pub session: Session,
    pub form: T,
}

/// The session, the body, and whether the body carries the session's form token.
async fn signed_in_form(
    req: Request,
    state: &AppState,
) -> Result<(Session, Bytes, Lang, bool), AppError> {
    let (mut parts, body_stream) = req.into_parts();
    let session = Session::from_request_parts(&mut parts, state).await?;
    let lang = lang_of(&parts.headers);
    let bytes = body(Request::from_parts(parts, body_stream), state).await?;
    let token: CsrfField = serde_html_form::from_bytes(&bytes)
        .map_err(|_| AppError::BadRequest(lang.t("form_invalid").into()))?;
    let fresh = !session.csrf.is_empty() && token.csrf == session.csrf;
    Ok((session, bytes, lang, fresh))
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (session, bytes, lang, fresh) = signed_in_form(req, state).await?;
        if !fresh {
            return Err(AppError::FormExpired);
        }
        let form = decode_form(&bytes, lang)?;
        Ok(CsrfForm { session, form })
    }
}

/// A form that can be shown again as it was typed: a stale token (the page was opened
/// before the user signed in again) is not a refusal to be read as "no permission", but a
/// form to be checked and sent again with the session's current token. The handler must
/// treat [`Submission::Expired`] as such and change nothing.
pub enum Submission<T> {
    Fresh(CsrfForm<T>),
    Expired(CsrfForm<T>),
}

impl<T> Submission<T> {
    /// The form, and whether its token had expired: the handler then shows the form again,
    /// filled in, instead of acting on it.
    pub fn into_parts(self) -> (Session, T, bool) {
        match self {
            Submission::Fresh(CsrfForm { session, form }) => (session, form, false),
            Submission::Expired(CsrfForm { session, form }) => (session, form, true),
        }
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for Submission<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (session, bytes, lang, fresh) = signed_in_form(req, state).await?;
        let form = CsrfForm {
            form: decode_form(&bytes, lang)?,
            session,
        };
        Ok(if fresh {
            Submission::Fresh(form)
        } else {
            Submission::Expired(form)
        })
    }
}

/// A form posted by a visitor (login): protected by the Origin check alone.
pub struct PlainForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PlainForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let bytes = body(req, state).await?;
        decode_form(&bytes, lang).map(PlainForm)
    }
}

/// Query string with a Vietnamese rejection.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let query = parts.uri.query().unwrap_or("").as_bytes();
        if !urlencoded_is_utf8(query) {
            return Err(AppError::BadRequest(lang.t("query_invalid").into()));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query));
        serde_path_to_error::deserialize(de).map(Q).map_err(|e| {
            AppError::BadRequest(naming_field(
                lang,
                &e.path().to_string(),
                "query_param_invalid",
                "query_invalid",
            ))
        })
    }
}

/// A multipart form (file upload) posted by a signed-in user. The whole body is read
/// (bounded by the route's body limit), then the `_csrf` field is checked against the
/// session before the handler sees anything, as [`CsrfForm`] does for urlencoded forms.
pub struct CsrfMultipart {
    pub session: Session,
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// File fields: (field name, file name as sent, bytes).
    pub files: Vec<(String, String, Bytes)>,
}

impl CsrfMultipart {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body_stream) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let req = Request::from_parts(parts, body_stream);
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| {
                AppError::BadRequest(
                    "Cần gửi biểu mẫu có tệp đính kèm (multipart/form-data)".into(),
                )
            })?;
        let too_large_or_bad = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge(crate::imports::pages::UPLOAD_LIMIT / 1024)
            } else {
                AppError::BadRequest("Biểu mẫu gửi lên không đọc được; hãy thử lại".into())
            }
        };
        let mut fields = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(too_large_or_bad)? {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                    files.push((name, file_name, bytes));
                }
                None => {
                    let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                    let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                        AppError::BadRequest(lang_of(&headers).t("input_not_utf8").into())
                    })?;
                    fields.push((name, text));
                }
            }
        }
        let form = CsrfMultipart {
            session,
            fields,
            files,
        };
        if form.session.csrf.is_empty() || form.field("_csrf") != form.session.csrf {
            return Err(AppError::FormExpired);
        }
        Ok(form)
    }
}
