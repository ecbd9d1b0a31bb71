//! Sign-in, sessions, throttling, CSRF.

use crate::both;
use crate::common::{self, location, Backend, PASSWORD};
use reqwest::StatusCode;

both!(login_and_logout, login_and_logout);
async fn login_and_logout(b: Backend) {
    let app = common::spawn(b).await;
    let anon = app.anonymous();
    let res = anon.get("/households").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?next=%2Fhouseholds");

    assert_eq!(
        app.try_login("bt.bangngang", "wrong-password").await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let c = app.login("bt.bangngang").await;
    let home = c.get_text("/").await;
    assert!(home.contains("Bí thư chi bộ thôn — Bằng Ngang"), "{home}");

    let res = c.post_form("/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "session ended by logout"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions", &[]).await, 0);
}

both!(session_rotates_at_login, session_rotates_at_login);
async fn session_rotates_at_login(b: Backend) {
    let app = common::spawn(b).await;
    let http = common::new_http();
    let first = app
        .post_login(&http, &[("username", "admin"), ("password", PASSWORD)], &[])
        .await;
    let cookie1 = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie1.contains("HttpOnly") && cookie1.contains("SameSite=Lax"),
        "{cookie1}"
    );
    let second = app
        .post_login(&http, &[("username", "admin"), ("password", PASSWORD)], &[])
        .await;
    let cookie2 = second.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_ne!(cookie1, cookie2);
    // The first session was dropped when the second began.
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions", &[]).await, 1);
}

both!(idle_and_absolute_timeouts, idle_and_absolute_timeouts);
async fn idle_and_absolute_timeouts(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    assert_eq!(c.get("/").await.status(), StatusCode::OK);
    // Idle: nobody used the session for three hours (the limit is two).
    app.exec(
        "UPDATE sessions SET last_seen_at = '2020-01-01T00:00:00.000Z'",
        &[],
    )
    .await;
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);

    let c = app.login("xa.luongbang").await;
    // Absolute: created long ago although used a moment ago.
    app.exec(
        "UPDATE sessions SET created_at = '2020-01-01T00:00:00.000Z'",
        &[],
    )
    .await;
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);
}

both!(
    disabled_user_session_ends_at_once,
    disabled_user_session_ends_at_once
);
async fn disabled_user_session_ends_at_once(b: Backend) {
    let app = common::spawn(b).await;
    let victim = app.login("bt.dongly").await;
    assert_eq!(victim.get("/households").await.status(), StatusCode::OK);
    let admin = app.login("admin").await;
    let id = app
        .one_str("SELECT id FROM users WHERE username = 'bt.dongly'", &[])
        .await;
    let res = admin
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        victim.get("/households").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.try_login("bt.dongly", PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );

    // Disabling through the CLI ends sessions the same way, even with the row still there.
    let other = app.login("bt.dongxa").await;
    let out = app.cli(&["user", "disable", "bt.dongxa"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(other.get("/").await.status(), StatusCode::SEE_OTHER);
}

both!(throttling_after_failures, throttling_after_failures);
async fn throttling_after_failures(b: Backend) {
    let app = common::spawn(b).await;
    for _ in 0..5 {
        assert_eq!(
            app.try_login("bt.luonghoi", "not-the-password").await.err(),
            Some(StatusCode::UNAUTHORIZED)
        );
    }
    // Locked now, even with the right password; the message says what to do.
    let res = app
        .post_login(
            &common::new_http(),
            &[("username", "bt.luonghoi"), ("password", PASSWORD)],
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Vui lòng đợi 15 phút"));
    // Other accounts are not locked by it.
    app.login("bt.dongly").await;
    // After the window the account opens again.
    app.exec(
        "UPDATE login_failures SET at = '2020-01-01T00:00:00.000Z'",
        &[],
    )
    .await;
    app.login("bt.luonghoi").await;
}

both!(cross_origin_post_rejected, cross_origin_post_rejected);
async fn cross_origin_post_rejected(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let before = common::fingerprint(&app).await;
    let fields = [
        ("village_id", village.as_str()),
        ("head_name", "Nguyễn Văn Giả"),
        ("_csrf", c.csrf.as_str()),
    ];
    let res = c
        .http
        .post(c.url("/households"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .http
        .post(c.url("/households"))
        .header("sec-fetch-site", "cross-site")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Without the form token (a forged form from anywhere) nothing happens either.
    let res = c
        .http
        .post(c.url("/households"))
        .form(&[
            ("village_id", village.as_str()),
            ("head_name", "Nguyễn Văn Giả"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Cookie-authenticated API writes need the CSRF header.
    let res = c
        .http
        .post(c.url("/api/v1/households"))
        .json(&serde_json::json!({ "village_id": village, "head_name": "Nguyễn Văn Giả" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(before, common::fingerprint(&app).await);
    // Same-origin with the token works.
    let res = c
        .http
        .post(c.url("/households"))
        .header("origin", app.base.clone())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Creates a personal access token through the page; its secret is shown once.
async fn new_token(c: &common::Client, name: &str) -> String {
    let page = c
        .post_form("/account/tokens", &[("name", name)])
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("dv_").expect("token shown once");
    page[start..]
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '-')
        .collect()
}

both!(personal_access_tokens, personal_access_tokens);
async fn personal_access_tokens(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let token = new_token(&c, "Máy văn phòng").await;
    // Stored hashed only.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?",
            &[token.clone().into()]
        )
        .await,
        0
    );
    let api = common::new_http();
    let me: serde_json::Value = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "xa.luongbang");
    // A token-authenticated write needs no CSRF header (no cookies are involved).
    let village = app.village_id("Đồng Lý").await;
    let res = api
        .post(app.url("/api/v1/households"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "village_id": village, "head_name": "Lê Thị Thu Hà", "phone": "+84 912 345 678" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let h: serde_json::Value = res.json().await.unwrap();
    assert_eq!(h["phone"], "0912345678");
    // Revoked: refused.
    let id = app.one_str("SELECT id FROM api_tokens", &[]).await;
    assert_eq!(
        c.post_form(&format!("/account/tokens/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

both!(language_switch, language_switch);
async fn language_switch(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    assert!(c.get_text("/households").await.contains("Hộ gia đình"));
    let res = c
        .http
        .post(c.url("/lang"))
        .header("referer", c.url("/households"))
        .form(&[("to", "en"), ("_csrf", c.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/households");
    let page = c.get_text("/households").await;
    assert!(
        page.contains("<html lang=\"en\">") && page.contains("Households"),
        "{page}"
    );
}

both!(
    password_reset_ends_sessions_and_tokens,
    password_reset_ends_sessions_and_tokens
);
async fn password_reset_ends_sessions_and_tokens(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.luonghoi").await;
    let token = new_token(&c, "Điện thoại").await;
    let api = common::new_http();
    let me = |t: String| {
        let api = api.clone();
        let url = app.url("/api/v1/me");
        async move { api.get(url).bearer_auth(t).send().await.unwrap().status() }
    };
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    let out = app.cli(&[
        "user",
        "reset-password",
        "bt.luonghoi",
        "--password",
        "mat-khau-moi-2026",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("khóa API"));
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);
}

both!(login_next_stays_on_site, login_next_stays_on_site);
async fn login_next_stays_on_site(b: Backend) {
    let app = common::spawn(b).await;
    // Decoded by the form: a tab, a newline, a carriage return, `//`, a backslash, a scheme.
    for bad in [
        "/\t/evil.example",
        "/\n/x",
        "/\r/x",
        "//evil",
        "/\\evil",
        "https://evil",
    ] {
        let http = common::new_http();
        let res = app
            .post_login(
                &http,
                &[("username", "admin"), ("password", PASSWORD), ("next", bad)],
                &[],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{bad:?}");
        assert_eq!(location(&res), "/", "{bad:?}");
    }
    // A refused login with a bad `next` is an ordinary refusal, not a 500.
    let http = common::new_http();
    let res = app
        .post_login(
            &http,
            &[
                ("username", "admin"),
                ("password", "wrong"),
                ("next", "/\n/x"),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let http = common::new_http();
    let res = app
        .post_login(
            &http,
            &[
                ("username", "admin"),
                ("password", PASSWORD),
                ("next", "/households?page=2"),
            ],
            &[],
        )
        .await;
    assert_eq!(location(&res), "/households?page=2");
}

/// Fills the per-address window for `ip` (the threshold, without 30 slow password checks).
async fn lock_out_address(app: &common::TestApp, ip: &str) {
    for i in 0..danvan::auth::throttle::PER_ADDRESS {
        app.exec(
            "INSERT INTO login_failures (id, username, ip, at) VALUES (?, ?, ?, ?)",
            &[
                danvan::clock::new_id().into(),
                format!("someone-{i}").into(),
                ip.into(),
                danvan::clock::now().into(),
            ],
        )
        .await;
    }
}

async fn login_from(app: &common::TestApp, password: &str, forwarded_for: &str) -> StatusCode {
    let http = common::new_http();
    app.post_login(
        &http,
        &[("username", "admin"), ("password", password)],
        &[("x-forwarded-for", forwarded_for)],
    )
    .await
    .status()
}

both!(
    forwarded_for_is_not_believed_from_clients,
    forwarded_for_is_not_believed_from_clients
);
async fn forwarded_for_is_not_believed_from_clients(b: Backend) {
    let app = common::spawn(b).await;
    lock_out_address(&app, "127.0.0.1").await;
    // The address is locked; a made-up X-Forwarded-For does not get around it.
    assert_eq!(
        login_from(&app, PASSWORD, "1.2.3.4").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Failures with a forged header count against the real address, never another one.
    let app = common::spawn(b).await;
    assert_eq!(
        login_from(&app, "wrong", "9.9.9.9").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM login_failures WHERE ip = '9.9.9.9'",
            &[]
        )
        .await,
        0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM login_failures WHERE ip = '127.0.0.1'",
            &[]
        )
        .await,
        1
    );
}

both!(
    forwarded_for_is_believed_from_a_trusted_proxy,
    forwarded_for_is_believed_from_a_trusted_proxy
);
async fn forwarded_for_is_believed_from_a_trusted_proxy(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            trusted_proxies: "127.0.0.0/8",
            ..Default::default()
        },
    )
    .await;
    // The right-most address the proxy did not write itself is the client.
    assert_eq!(
        login_from(&app, "wrong", "6.6.6.6, 203.0.113.9").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM login_failures WHERE ip = '203.0.113.9'",
            &[]
        )
        .await,
        1
    );
    lock_out_address(&app, "203.0.113.9").await;
    assert_eq!(
        login_from(&app, PASSWORD, "203.0.113.9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is not locked out by it.
    assert_eq!(
        login_from(&app, PASSWORD, "203.0.113.10").await,
        StatusCode::SEE_OTHER
    );
}

both!(origin_scheme_is_compared, origin_scheme_is_compared);
async fn origin_scheme_is_compared(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let before = common::fingerprint(&app).await;
    // The same host and port over another scheme is another origin.
    let other_scheme = app.base.replacen("http://", "https://", 1);
    let res = c
        .http
        .post(c.url("/households"))
        .header("origin", other_scheme)
        .form(&[
            ("village_id", village.as_str()),
            ("head_name", "Nguyễn Văn Giả"),
            ("_csrf", c.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(before, common::fingerprint(&app).await);
}

both!(
    login_and_language_need_the_form_token,
    login_and_language_need_the_form_token
);
async fn login_and_language_need_the_form_token(b: Backend) {
    let app = common::spawn(b).await;
    // A form posted from elsewhere, with neither Origin nor Sec-Fetch-Site (old phone
    // browsers send neither): no token, no session, no failure counted.
    let http = common::new_http();
    let res = http
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Trang đăng nhập đã hết hạn"), "{page}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions", &[]).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM login_failures", &[]).await,
        0
    );
    // A token from another browser (its own cookie) does not fit this one.
    let elsewhere = common::form_token(&common::new_http(), &app.base).await;
    let res = http
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("_csrf", elsewhere.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // That refusal page is a working login form: its token signs in.
    let token = common::extract_csrf(&res.text().await.unwrap()).unwrap();
    let res = http
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The language switch: refused without a token, done with the page's.
    let visitor = common::new_http();
    let res = visitor
        .post(app.url("/lang"))
        .form(&[("to", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("set-cookie").is_none());
    assert!(res.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
    let token = common::form_token(&visitor, &app.base).await;
    let res = visitor
        .post(app.url("/lang"))
        .form(&[("to", "en"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = visitor
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h1>Sign in</h1>"), "{page}");
}
