//! The form token of a visitor (the login form, the language switch): there is no session
//! yet to hold one, so a cookie set by the login page holds a random value, and the form
//! carries a MAC of it. A forged cross-site form can neither read the cookie nor compute
//! the MAC, and a cookie planted from elsewhere is useless without the server's key.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};

use super::password::random_token;
use super::session::cookie_value_str;
use crate::state::AppState;

fn cookie_name(st: &AppState) -> &'static str {
    if st.config.secure_cookies {
        "__Host-danvan_form"
    } else {
        "danvan_form"
    }
}

fn token_for(st: &AppState, cookie: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(st.secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"visitor-form-token:");
    mac.update(cookie.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The token for the visitor's cookie, and the `Set-Cookie` to send when there is no
/// cookie yet.
pub fn token(st: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(c) = cookie_value_str(headers, cookie_name(st)).filter(|c| !c.is_empty()) {
        return (token_for(st, c), None);
    }
    let value = random_token(24);
    let secure = if st.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let set = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(st)
    );
    (token_for(st, &value), Some(set))
}

/// Whether `sent` is the token of the visitor's cookie.
pub fn is_valid(st: &AppState, headers: &HeaderMap, sent: &str) -> bool {
    match cookie_value_str(headers, cookie_name(st)).filter(|c| !c.is_empty()) {
        Some(c) => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(st.secret.as_bytes())
                .expect("HMAC takes a key of any length");
            mac.update(b"visitor-form-token:");
            mac.update(c.as_bytes());
            hex::decode(sent).is_ok_and(|bytes| mac.verify_slice(&bytes).is_ok())
        }
        None => false,
    }
}
