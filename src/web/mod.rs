//! The web layer: layout, extractors, language, formats, charts, security headers, error
//! pages.

pub mod chart;
pub mod download;
pub mod errors;
pub mod extract;
pub mod format;
pub mod forwarded;
pub mod i18n;
pub mod idempotency;
pub mod layout;
pub mod redirect;
pub mod security;

use axum::http::header;
use axum::response::IntoResponse;

static APP_CSS: &str = include_str!("../../static/app.css");

pub async fn app_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}
