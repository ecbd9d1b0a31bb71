//! The petition forms arrive either as plain forms or, when they carry a photo or an
//! attachment, as multipart: one extractor takes both, checks the session's form token,
//! and hands the handler the fields and the file.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};

use crate::auth::Session;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::extract::CsrfMultipart;

pub struct Sent {
    pub session: Session,
    pub fields: Vec<(String, String)>,
    /// The file field that carried bytes, if any: (field name, file name, bytes).
    pub file: Option<(String, String, Bytes)>,
}

impl Sent {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.field(name).is_empty()
    }
}

impl FromRequest<AppState> for Sent {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            let m = CsrfMultipart::from_request(req, state).await?;
            // A file input left empty still sends a part, with no name and no bytes.
            let file = m.files.into_iter().find(|(_, _, b)| !b.is_empty());
            return Ok(Sent {
                session: m.session,
                fields: m.fields,
                file,
            });
        }
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::TooLarge(crate::web::extract::BODY_LIMIT / 1024))?;
        if std::str::from_utf8(&percent_encoding::percent_decode(&bytes).collect::<Vec<u8>>())
            .is_err()
        {
            return Err(AppError::BadRequest(
                "Dữ liệu gửi lên không phải chữ Unicode (UTF-8)".into(),
            ));
        }
        let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let token = fields
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map_or("", |(_, v)| v.as_str());
        if session.csrf.is_empty() || token != session.csrf {
            return Err(AppError::FormExpired);
        }
        Ok(Sent {
            session,
            fields,
            file: None,
        })
    }
}
