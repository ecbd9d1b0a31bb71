//! Errors a person can act on.
//!
//! Handlers return [`AppError`]; it becomes a response carrying the error as an extension,
//! and `web::errors::render` turns that into an HTML page or a JSON body depending on where
//! the request went. Messages are Vietnamese: they are read by cell secretaries.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Dữ liệu chưa hợp lệ")]
    Validation(Vec<FieldError>),
    #[error("Bạn cần đăng nhập")]
    Unauthorized,
    #[error("Bạn không có quyền thực hiện thao tác này")]
    Forbidden,
    /// The form's token is not the session's (the page was opened before a new sign-in):
    /// nothing is wrong with the person's rights, only with the page they had open.
    #[error("Biểu mẫu đã hết hạn nên chưa được lưu. Hãy quay lại trang trước, tải lại trang rồi gửi lại.")]
    FormExpired,
    #[error("Không tìm thấy")]
    NotFound,
    /// Signed in with a one-time password: a new password comes before anything else.
    #[error("Bạn đang dùng mật khẩu một lần: hãy đặt mật khẩu mới trước khi tiếp tục")]
    PasswordChangeRequired,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Hệ thống đang bận, vui lòng thử lại sau ít phút")]
    Busy,
    #[error("Dữ liệu gửi lên quá lớn (tối đa {0} KB)")]
    TooLarge(usize),
    #[error("Lỗi hệ thống: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(msg: impl Into<String>) -> Self {
        AppError::Internal(msg.into())
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::FormExpired | AppError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::FormExpired => "form_expired",
            AppError::NotFound => "not_found",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Busy => "busy",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    /// What the user is shown; internal details stay in the server log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => {
                "Lỗi hệ thống. Thao tác chưa được lưu; vui lòng thử lại hoặc báo quản trị viên."
                    .into()
            }
            other => other.to_string(),
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Validation(f) => f,
            _ => &[],
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_ascii_lowercase();
            if msg.contains("database is locked") || msg.contains("busy") {
                return AppError::Busy;
            }
            if db.is_unique_violation() {
                return AppError::Conflict("Bản ghi này đã có (trùng mã hoặc tên)".into());
            }
        }
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return AppError::Busy;
        }
        AppError::Internal(e.to_string())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(format!("{e:#}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Collects field errors while a form is validated, so the person sees all of them at once.
#[derive(Debug, Default)]
pub struct Collector(pub Vec<FieldError>);

impl Collector {
    pub fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.0.push(FieldError::new(field, m));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
