//! Bad input gets a clear 4xx in Vietnamese and writes nothing.

use crate::both;
use crate::common::{self, Backend};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(bad_input_changes_nothing, bad_input_changes_nothing);
async fn bad_input_changes_nothing(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let before = common::fingerprint(&app).await;

    // An invalid phone: the form comes back with the message next to the field.
    let res = c
        .post_form(
            "/households",
            &[
                ("village_id", &village),
                ("head_name", "Nguyễn Văn Bốn"),
                ("phone", "12345"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("di động có 10 số"), "{page}");
    assert!(
        page.contains("value=\"Nguyễn Văn Bốn\""),
        "what was typed is kept"
    );

    // Over-long fields.
    let long = "A".repeat(500);
    let res = c
        .post_form(
            "/households",
            &[("village_id", &village), ("head_name", &long)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("quá dài"));
    let res = c
        .json(
            Method::POST,
            "/api/v1/households",
            Some(json!({ "village_id": village, "head_name": "Lê Văn Năm", "xom": long })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation");
    assert_eq!(body["error"]["fields"][0]["field"], "xom");

    // Several errors at once, each with its field.
    let res = c
        .json(Method::POST, "/api/v1/households", Some(json!({ "village_id": village, "head_name": "Lê 2", "phone": "0123", "latitude": 48.8, "longitude": 2.3, "size": 0 })))
        .await;
    let body: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["head_name", "phone", "latitude", "longitude", "size"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }

    // Wrong types and unknown fields in JSON.
    let res = c
        .json(
            Method::POST,
            "/api/v1/households",
            Some(json!({ "village_id": village, "head_name": "Lê Văn Sáu", "size": "bốn" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.json::<serde_json::Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sai kiểu dữ liệu")
    );
    let res = c
        .json(
            Method::POST,
            "/api/v1/households",
            Some(json!({ "village_id": village, "head_name": "Lê Văn Bảy", "religion": "x" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.json::<serde_json::Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("religion")
    );
    // Not JSON at all.
    let res = c
        .http
        .post(c.url("/api/v1/households"))
        .header("x-csrf-token", &c.csrf)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = c
        .http
        .post(c.url("/api/v1/households"))
        .header("x-csrf-token", &c.csrf)
        .body("head_name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // A huge body.
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = c
        .http
        .post(c.url("/households"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={}&head_name={huge}", c.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("quá lớn"));
    let res = c
        .http
        .post(c.url("/api/v1/households"))
        .header("x-csrf-token", &c.csrf)
        .header("content-type", "application/json")
        .body(format!("{{\"head_name\":\"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A missing CSRF token.
    let res = c
        .http
        .post(c.url("/households"))
        .form(&[
            ("village_id", village.as_str()),
            ("head_name", "Lê Văn Tám"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A citizen ID when the deployment does not collect them.
    let res = c.json(Method::POST, "/api/v1/households", Some(json!({ "village_id": village, "head_name": "Lê Văn Chín", "citizen_id": "033090012345" }))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Unknown ids and bad query parameters.
    assert_eq!(
        c.get("/households/not-an-id").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.json(Method::GET, "/api/v1/households?page=abc", None)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(c.get("/no-such-page").await.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "nothing was written"
    );
}

both!(
    citizen_id_is_masked_when_collected,
    citizen_id_is_masked_when_collected
);
async fn citizen_id_is_masked_when_collected(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            citizen_id: true,
            ..Default::default()
        },
    )
    .await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let res = c.json(Method::POST, "/api/v1/households", Some(json!({ "village_id": village, "head_name": "Lê Văn Mười", "citizen_id": "033 090 012 345" }))).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let h: serde_json::Value = res.json().await.unwrap();
    assert_eq!(h["citizen_id_masked"], "0330******45");
    let id = h["id"].as_str().unwrap();
    let page = c.get_text(&format!("/households/{id}")).await;
    assert!(page.contains("0330******45") && !page.contains("033090012345"));
    // Not stored anywhere in the clear.
    for table in ["households", "audit_log"] {
        let sql = match table {
            "households" => "SELECT COUNT(*) FROM households WHERE citizen_id_masked LIKE '%090012%' OR citizen_id_hash LIKE '%033090012345%'",
            _ => "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%033090012345%'",
        };
        assert_eq!(app.count(sql, &[]).await, 0, "{table}");
    }
    // The edit form never echoes it back.
    assert!(!c
        .get_text(&format!("/households/{id}/edit"))
        .await
        .contains("0330******45\""));
}

both!(
    invalid_utf8_in_forms_is_refused,
    invalid_utf8_in_forms_is_refused
);
async fn invalid_utf8_in_forms_is_refused(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let before = common::fingerprint(&app).await;
    for (path, body) in [
        ("/cells", format!("village_id={village}&name=%FF%FE")),
        (
            "/households",
            format!("village_id={village}&head_name=L%C3%AA+V%C4%83n+M%E1%BB%99t&xom=%FF"),
        ),
    ] {
        let res = c
            .http
            .post(c.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("_csrf={}&{body}", c.csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let page = res.text().await.unwrap();
        assert!(page.contains("không phải Unicode"), "{path}: {page}");
    }
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "nothing was written"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name = 'Lê Văn Một'",
            &[]
        )
        .await,
        0
    );
}

both!(bad_parameters_are_explained, bad_parameters_are_explained);
async fn bad_parameters_are_explained(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let res = c.get("/households?page=abc").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Tham số “page” trên địa chỉ trang không hợp lệ"),
        "{page}"
    );
    assert!(!page.contains("invalid digit"), "{page}");
    let res = c
        .json(Method::GET, "/api/v1/members?per_page=x", None)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("“per_page”"),
        "{body}"
    );
    // A path segment that is not UTF-8: the framework's own refusal, in Vietnamese too.
    let res = c.get("/households/%FF").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("không hợp lệ") && !page.contains("Invalid"),
        "{page}"
    );
    // In English for those who chose English.
    c.http
        .post(c.url("/lang"))
        .header("referer", c.url("/"))
        .form(&[("to", "en"), ("_csrf", c.csrf.as_str())])
        .send()
        .await
        .unwrap();
    let page = c.get_text("/members?page=abc").await;
    assert!(
        page.contains("The “page” parameter in the page address is not valid"),
        "{page}"
    );
}
