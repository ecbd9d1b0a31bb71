//! Members get accounts (issue 8, item 1): made by the village's secretary or the commune
//! committee, printed on login slips, a new password at the first sign-in, and everyone's
//! own change of password — through the real server, on both engines.

use crate::both;
use crate::common::{self, location, Backend, TestApp};
use reqwest::{Method, StatusCode};

/// (username, one-time password) of every slip on a slips page.
fn slips(html: &str) -> Vec<(String, String)> {
    html.split("<section class=\"slip\">")
        .skip(1)
        .map(|slip| {
            let values: Vec<String> = slip
                .split("<dd class=\"mono big\">")
                .skip(1)
                .map(|v| v[..v.find("</dd>").unwrap()].to_owned())
                .collect();
            (values[0].clone(), values[1].clone())
        })
        .collect()
}

/// An active member of `village` who has no account yet, and their name.
async fn member_without_account(app: &TestApp, village: &str) -> (String, String) {
    let rows = app
        .rows(
            "SELECT m.id, m.full_name FROM members m WHERE m.village_id = ? AND m.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) ORDER BY m.id LIMIT 1",
            &[village.into()],
        )
        .await;
    let v = rows[0].values();
    use common::IntoText;
    (v[0].clone().into_text(), v[1].clone().into_text())
}

async fn users(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM users", &[]).await
}

/// The menu's links of a page.
fn menu(html: &str) -> Vec<String> {
    let Some(start) = html.find("<nav class=\"menu\"") else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| a[..a.find('"').unwrap()].to_owned())
        .collect()
}

both!(secretary_makes_one_account, secretary_makes_one_account);
async fn secretary_makes_one_account(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    // The members list leads to the accounts page, which lists the village's members.
    assert!(c.get_text("/members").await.contains("href=\"/accounts\""));
    let (member, name) = member_without_account(&app, &village).await;
    let page = c.get_text("/accounts").await;
    assert!(
        page.contains(&name) && page.contains(&format!("action=\"/accounts/members/{member}\"")),
        "{page}"
    );
    assert!(page.contains(&format!("action=\"/accounts/villages/{village}\"")));
    // The demo member already has one: their username is shown instead of a button.
    assert!(page.contains("<code>dv.bangngang</code>"), "{page}");

    let before = users(&app).await;
    let res = c
        .post_form(&format!("/accounts/members/{member}"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let slip = res.text().await.unwrap();
    let made = slips(&slip);
    assert_eq!(made.len(), 1, "{slip}");
    let (username, password) = &made[0];
    assert!(username.starts_with("dv."), "{username}");
    assert_eq!(password.len(), 12);
    // Name, address as text and as a QR code, and the warning that it is shown once.
    assert!(slip.contains(&name) && slip.contains(&app.base), "{slip}");
    assert!(slip.contains("<symbol id=\"qr\"") && slip.contains("<use href=\"#qr\"/>"));
    assert!(slip.contains("chỉ hiện trên trang này"), "{slip}");
    assert!(
        slip.contains("size:A4")
            || app
                .anonymous()
                .get_text("/static/app.css")
                .await
                .contains("size:A4")
    );
    assert!(slip.len() < 30 * 1024, "{} bytes", slip.len());

    // Linked to the member, with the member role over their village; the password is
    // stored hashed only, and must be replaced.
    let rows = app
        .rows(
            "SELECT u.password_hash, u.must_change_password, u.display_name, g.role, g.unit_id FROM users u \
             JOIN grants g ON g.user_id = u.id WHERE u.member_id = ? AND u.username = ?",
            &[member.clone().into(), username.clone().into()],
        )
        .await;
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    let hash = r.str("password_hash").unwrap();
    assert!(hash.starts_with("$argon2") && !hash.contains(password.as_str()));
    assert!(r.bool("must_change_password").unwrap());
    assert_eq!(r.str("display_name").unwrap(), name);
    assert_eq!(r.str("role").unwrap(), "member");
    assert_eq!(r.str("unit_id").unwrap(), village);
    assert_eq!(users(&app).await, before + 1);
    let created = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'user' AND detail LIKE ?",
            &[format!("%{member}%").into()],
        )
        .await;
    assert_eq!(created, 1);

    // A second account for the same member is refused and changes nothing.
    let again = c
        .post_form(&format!("/accounts/members/{member}"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("đã có tài khoản"));
    assert_eq!(users(&app).await, before + 1);
    // The page now shows the username; without the form token nothing is made.
    assert!(c
        .get_text("/accounts")
        .await
        .contains(&format!("<code>{username}</code>")));
    let (other, _) = member_without_account(&app, &village).await;
    let forged = c
        .http
        .post(c.url(&format!("/accounts/members/{other}")))
        .form(&[("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(users(&app).await, before + 1);
}

both!(
    committee_makes_a_village_s_accounts_at_once,
    committee_makes_a_village_s_accounts_at_once
);
async fn committee_makes_a_village_s_accounts_at_once(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let village = app.village_id("Đồng Xá").await;
    let waiting = app
        .count(
            "SELECT COUNT(*) FROM members m WHERE m.village_id = ? AND m.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id)",
            &[village.clone().into()],
        )
        .await;
    assert!(waiting > 5, "{waiting}");
    // The committee picks the village on the page.
    let page = c.get_text(&format!("/accounts?village={village}")).await;
    assert!(page.contains(&format!("({waiting})")), "{page}");
    let res = c
        .post_form(&format!("/accounts/villages/{village}"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let made = slips(&html);
    assert_eq!(made.len() as i64, waiting);
    let mut names: Vec<&String> = made.iter().map(|(u, _)| u).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), made.len(), "usernames are unique");
    // The QR code is drawn once and reused by every slip.
    assert_eq!(html.matches("<symbol id=\"qr\"").count(), 1);
    assert_eq!(html.matches("<use href=\"#qr\"/>").count(), made.len());
    let linked = app
        .count(
            "SELECT COUNT(*) FROM users u JOIN members m ON m.id = u.member_id \
             WHERE m.village_id = ? AND u.must_change_password = 1",
            &[village.clone().into()],
        )
        .await;
    assert_eq!(linked, waiting);
    // Nobody is left: a second run makes nothing and says so.
    let before = users(&app).await;
    let res = c
        .post_form(&format!("/accounts/villages/{village}"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(slips(&res.text().await.unwrap()).is_empty());
    assert_eq!(users(&app).await, before);
    assert!(c
        .get_text(&format!("/accounts?village={village}"))
        .await
        .contains("đã có tài khoản"));
    // Every slip works once.
    let (u, p) = &made[0];
    let m = app.try_login(u, p).await.unwrap();
    assert!(m
        .get_text("/account/password")
        .await
        .contains("Đặt mật khẩu mới"));
}

both!(
    a_secretary_reaches_only_their_village,
    a_secretary_reaches_only_their_village
);
async fn a_secretary_reaches_only_their_village(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let elsewhere = app.village_id("Đồng Lý").await;
    let (member, name) = member_without_account(&app, &elsewhere).await;
    let before = users(&app).await;
    let missing = c.post_form("/accounts/members/no-such-member", &[]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing = missing.text().await.unwrap();
    // A member of another village looks exactly like one that does not exist.
    for path in [
        format!("/accounts/members/{member}"),
        format!("/accounts/villages/{elsewhere}"),
    ] {
        let res = c.post_form(&path, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let body = res.text().await.unwrap();
        assert_eq!(body, missing, "{path}");
        assert!(!body.contains(&name));
    }
    let res = c.get(&format!("/accounts?village={elsewhere}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains(&name));
    assert!(!c.get_text("/accounts").await.contains(&name));
    assert_eq!(users(&app).await, before);
    // Members and the other roles do not get the page at all.
    let m = app.login("dv.bangngang").await;
    assert_eq!(m.get("/accounts").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        m.post_form(&format!("/accounts/members/{member}"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(users(&app).await, before);
}

both!(
    the_first_sign_in_asks_for_a_new_password,
    the_first_sign_in_asks_for_a_new_password
);
async fn the_first_sign_in_asks_for_a_new_password(b: Backend) {
    let app = common::spawn(b).await;
    let keeper = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let (member, name) = member_without_account(&app, &village).await;
    let slip = keeper
        .post_form(&format!("/accounts/members/{member}"), &[])
        .await
        .text()
        .await
        .unwrap();
    let (username, one_time) = slips(&slip).remove(0);

    let c = app.try_login(&username, &one_time).await.unwrap();
    // Every other page sends them to the new password first.
    for path in ["/", "/assignment/mine", "/account/tokens", "/households"] {
        let res = c.get(path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), "/account/password", "{path}");
    }
    let api = c.json(Method::GET, "/api/v1/me", None).await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "password_change_required");
    let page = c.get_text("/account/password").await;
    assert!(page.contains("Đặt mật khẩu mới") && page.contains("mật khẩu một lần"));
    assert!(menu(&page).is_empty(), "no menu to follow yet");
    assert!(page.contains(&format!("<span class=\"who\">{name}</span>")));

    // Refusals say what to fix and change nothing.
    let sql = "SELECT password_hash FROM users WHERE username = ?";
    let key = [danvan::db::Value::from(username.as_str())];
    let old = app.one_str(sql, &key).await;
    for (fields, says) in [
        (
            [
                ("current", one_time.as_str()),
                ("new", "ngan"),
                ("again", "ngan"),
            ],
            "ít nhất 10 ký tự",
        ),
        (
            [
                ("current", one_time.as_str()),
                ("new", "mat-khau-cua-toi"),
                ("again", "mat-khau-khac-han"),
            ],
            "không khớp",
        ),
        (
            [
                ("current", "sai-mat-khau-roi"),
                ("new", "mat-khau-cua-toi"),
                ("again", "mat-khau-cua-toi"),
            ],
            "Mật khẩu hiện tại không đúng",
        ),
    ] {
        let res = c.post_form("/account/password", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        assert!(res.text().await.unwrap().contains(says), "{says}");
        assert_eq!(app.one_str(sql, &key).await, old);
    }
    let res = c
        .post_form(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "mat-khau-cua-toi"),
                ("again", "mat-khau-cua-toi"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");
    // Now home opens, with the member's own name and households, and the member's menu.
    let home = c.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let home = home.text().await.unwrap();
    assert!(
        home.contains(&format!("<span class=\"who\">{name}</span>")),
        "{home}"
    );
    assert_eq!(
        menu(&home),
        [
            "/",
            "/my-households",
            "/campaigns",
            "/petitions",
            "/account/password"
        ]
    );
    assert_eq!(c.get("/assignment/mine").await.status(), StatusCode::OK);
    // The slip's password is spent; the new one signs in without any detour.
    assert!(app.try_login(&username, &one_time).await.is_err());
    let again = app.try_login(&username, "mat-khau-cua-toi").await;
    assert!(again.is_ok());
}

both!(
    changing_a_password_ends_the_other_sessions,
    changing_a_password_ends_the_other_sessions
);
async fn changing_a_password_ends_the_other_sessions(b: Backend) {
    let app = common::spawn(b).await;
    let here = app.login("bt.dongly").await;
    let elsewhere = app.login("bt.dongly").await;
    let page = here.get_text("/account/password").await;
    assert!(page.contains("Mật khẩu hiện tại") && !page.contains("mật khẩu một lần"));
    assert!(menu(&page).contains(&"/account/password".to_owned()));

    // A wrong current password: a message, nothing changed, nobody signed out.
    let res = here
        .post_form(
            "/account/password",
            &[
                ("current", "khong-phai-mat-khau"),
                ("new", "mat-khau-moi-cua-bi-thu"),
                ("again", "mat-khau-moi-cua-bi-thu"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Mật khẩu hiện tại không đúng"));
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::OK);
    assert!(app.try_login("bt.dongly", common::PASSWORD).await.is_ok());
    // The same as the current one is no change.
    let res = here
        .post_form(
            "/account/password",
            &[
                ("current", common::PASSWORD),
                ("new", common::PASSWORD),
                ("again", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("phải khác"));

    let res = here
        .post_form(
            "/account/password",
            &[
                ("current", common::PASSWORD),
                ("new", "mat-khau-moi-cua-bi-thu"),
                ("again", "mat-khau-moi-cua-bi-thu"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/password?done=1");
    assert!(here
        .get_text("/account/password?done=1")
        .await
        .contains("Đã đổi mật khẩu"));
    // This device stays signed in; the other one is out.
    assert_eq!(here.get("/").await.status(), StatusCode::OK);
    let out = elsewhere.get("/").await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(location(&out).starts_with("/login"));
    assert!(app.try_login("bt.dongly", common::PASSWORD).await.is_err());
    assert!(app
        .try_login("bt.dongly", "mat-khau-moi-cua-bi-thu")
        .await
        .is_ok());
    let logged = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'change_password'",
            &[],
        )
        .await;
    assert_eq!(logged, 1);
}

both!(cli_adds_a_member_s_account, cli_adds_a_member_s_account);
async fn cli_adds_a_member_s_account(b: Backend) {
    let app = common::spawn(b).await;
    let village = app.village_id("Lương Hội").await;
    let (member, name) = member_without_account(&app, &village).await;
    let out = app.cli(&["user", "add", "--member", &member]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&name), "{stdout}");
    let username = app
        .one_str(
            "SELECT username FROM users WHERE member_id = ?",
            &[member.clone().into()],
        )
        .await;
    assert!(username.starts_with("dv.") && stdout.contains(&username));
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Mật khẩu một lần: "))
        .expect("the one-time password is printed")
        .trim()
        .to_owned();
    let c = app.try_login(&username, &password).await.unwrap();
    assert_eq!(location(&c.get("/").await), "/account/password");
    // A second account for the same member, or one for no member, is refused.
    let again = app.cli(&["user", "add", "--member", &member]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("đã có tài khoản"));
    let none = app.cli(&["user", "add", "--member", "khong-co"]);
    assert!(!none.status.success());
    // A chosen username is kept.
    let (other, _) = member_without_account(&app, &village).await;
    let named = app.cli_env(
        &[("DANVAN_NEW_PASSWORD", "mot-khau-tam-thoi")],
        &["user", "add", "dv.chon.ten", "--member", &other],
    );
    assert!(
        named.status.success(),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    assert_eq!(
        app.one_str(
            "SELECT username FROM users WHERE member_id = ?",
            &[other.into()]
        )
        .await,
        "dv.chon.ten"
    );
}
