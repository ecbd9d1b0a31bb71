//! Turns an [`AppError`] left on a response into an HTML page or a JSON body.

use askama::Template;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::i18n::Lang;
use super::layout::Chrome;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
    fields: Vec<crate::error::FieldError>,
}

pub async fn render(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let next_path = req.uri().path().to_owned();
    let lang = match crate::auth::session::cookie_value_str(req.headers(), super::i18n::LANG_COOKIE)
    {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let mut res = next.run(req).await;
    let status = res.status();
    let err = match res.extensions_mut().remove::<AppError>() {
        Some(e) => e,
        // Errors raised by layers (body limit, timeout, unknown route) carry no AppError.
        None if status == StatusCode::NOT_FOUND
            && res.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            AppError::NotFound
        }
        None if status == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::TooLarge(super::extract::BODY_LIMIT / 1024)
        }
        None if status == StatusCode::REQUEST_TIMEOUT => AppError::Busy,
        None if status == StatusCode::METHOD_NOT_ALLOWED => {
            AppError::BadRequest("Thao tác này không dùng được ở địa chỉ này".into())
        }
        // The framework's own extractors (a path segment that is not UTF-8, …) answer in
        // English programmer's words: say it in the reader's language instead.
        None if (status == StatusCode::BAD_REQUEST
            || status == StatusCode::UNSUPPORTED_MEDIA_TYPE)
            && !is_html(&res) =>
        {
            AppError::BadRequest(lang.t("request_invalid").into())
        }
        None => return res,
    };
    if is_api {
        let body = serde_json::json!({
            "error": { "code": err.code(), "message": err.public_message(), "fields": err.fields() }
        });
        return (err.status(), axum::Json(body)).into_response();
    }
    if matches!(err, AppError::PasswordChangeRequired) {
        return Redirect::to("/account/password").into_response();
    }
    if matches!(err, AppError::Unauthorized) {
        let target = if next_path == "/" || next_path == "/logout" {
            "/login".to_owned()
        } else {
            format!("/login?next={}", urlencode(&next_path))
        };
        return Redirect::to(&target).into_response();
    }
    let page = ErrorPage {
        c: Chrome::bare(lang, lang.t("error")),
        status: err.status().as_u16(),
        message: match err {
            AppError::FormExpired => lang.t("form_expired_page").to_owned(),
            _ => err.public_message(),
        },
        fields: err.fields().to_vec(),
    };
    match page.render() {
        Ok(html) => (err.status(), Html(html)).into_response(),
        Err(_) => (err.status(), err.public_message()).into_response(),
    }
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_owned())
        .unwrap_or_default()
}
