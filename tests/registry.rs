//! Registries: create, edit, search, sort, deactivate — through the pages and the API.

use crate::both;
use crate::common::{self, location, Backend};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(
    create_edit_and_show_household,
    create_edit_and_show_household
);
async fn create_edit_and_show_household(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let res = c
        .post_form(
            "/households",
            &[
                ("village_id", &village),
                ("head_name", "  trần   thị  Ánh "),
                ("xom", "Đông"),
                ("ngo", "5"),
                ("house_no", "12"),
                ("phone", "+84 912 000 111"),
                ("size", "4"),
                ("support", "ho_ngheo"),
                ("support", "chinh_sach"),
                ("latitude", "20,7421"),
                ("longitude", "106.0650"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let page = c.get_text(&path).await;
    assert!(
        page.contains("trần thị Ánh"),
        "names are cleaned, not re-cased: {page}"
    );
    assert!(
        page.contains("0912000111") && page.contains("Hộ nghèo, Gia đình chính sách"),
        "{page}"
    );
    assert!(page.contains("Số 12, ngõ 5, xóm Đông"));
    let id = path.trim_start_matches("/households/").to_owned();
    // Generated code, unique in the village.
    let code = app
        .one_str(
            "SELECT code FROM households WHERE id = ?",
            &[id.clone().into()],
        )
        .await;
    assert!(!code.is_empty());

    let res = c
        .post_form(
            &format!("/households/{id}"),
            &[
                ("village_id", &village),
                ("head_name", "Trần Thị Ánh"),
                ("phone", "0221 3862 123"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = c.get_text(&path).await;
    assert!(page.contains("Trần Thị Ánh") && page.contains("02213862123"));
    // The edit is in the audit log by field name, never by value.
    let detail = app
        .one_str(
            "SELECT detail FROM audit_log WHERE entity_id = ? AND action = 'update'",
            &[id.clone().into()],
        )
        .await;
    assert!(
        detail.contains("phone") && !detail.contains("02213862123"),
        "{detail}"
    );

    // Deactivate: gone from the active list, still there with status=all, never deleted.
    // First a confirmation page that changes nothing, then the change.
    let ask = c
        .post_form(&format!("/households/{id}/status"), &[("status", "moved")])
        .await;
    assert_eq!(ask.status(), StatusCode::OK);
    let ask = ask.text().await.unwrap();
    assert!(
        ask.contains("Xác nhận đổi trạng thái")
            && ask.contains("name=\"confirm\" value=\"1\"")
            && ask.contains("Đã chuyển đi"),
        "{ask}"
    );
    assert_eq!(
        app.one_str(
            "SELECT status FROM households WHERE id = ?",
            &[id.clone().into()]
        )
        .await,
        "active"
    );
    assert_eq!(
        c.post_form(
            &format!("/households/{id}/status"),
            &[("status", "moved"), ("confirm", "1")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.one_str(
            "SELECT status FROM households WHERE id = ?",
            &[id.clone().into()]
        )
        .await,
        "moved"
    );
    // The list's status filter offers every status and finds the moved household.
    let list = c.get_text("/households?q=tran+thi+anh&status=moved").await;
    assert!(list.contains(&id), "{list}");
    for option in [
        "<option value=\"moved\" selected>Đã chuyển đi</option>",
        "<option value=\"dissolved\">Không còn hộ</option>",
        "<option value=\"all\">Tất cả</option>",
    ] {
        assert!(list.contains(option), "{option}");
    }
    assert!(!c.get_text("/households?q=tran+thi+anh").await.contains(&id));
    assert!(c
        .get_text("/households?q=tran+thi+anh&status=all")
        .await
        .contains(&id));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM households WHERE id = ?", &[id.into()])
            .await,
        1
    );
}

both!(search_ignores_diacritics, search_ignores_diacritics);
async fn search_ignores_diacritics(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let village = app.village_id("Đồng Xá").await;
    for (i, name) in ["Nguyễn Văn An", "Đỗ Thị Đức", "Phạm Minh Hoà"]
        .iter()
        .enumerate()
    {
        let res = c
            .json(
                Method::POST,
                "/api/v1/households",
                Some(json!({ "village_id": village, "head_name": name, "code": format!("T-{i}") })),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{name}");
    }
    let find = |q: &'static str| {
        let c = &c;
        async move {
            let v: serde_json::Value = c
                .json(
                    Method::GET,
                    &format!("/api/v1/households?q={q}&per_page=200"),
                    None,
                )
                .await
                .json()
                .await
                .unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["head_name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(find("nguyen%20van%20an")
        .await
        .contains(&"Nguyễn Văn An".to_owned()));
    assert!(find("Nguy%E1%BB%85n%20V%C4%83n%20An")
        .await
        .contains(&"Nguyễn Văn An".to_owned()));
    for q in ["duc", "%C4%91%E1%BB%A9c", "DUC"] {
        assert!(find(q).await.contains(&"Đỗ Thị Đức".to_owned()), "{q}");
    }
    // Both tone placements: hoà / hòa.
    assert!(find("ph%E1%BA%A1m%20minh%20h%C3%B2a")
        .await
        .contains(&"Phạm Minh Hoà".to_owned()));
    // Search text is data, not SQL or a pattern.
    assert!(find("%25").await.is_empty());
    assert!(find("'%20OR%201=1%20--").await.is_empty());
}

both!(vietnamese_sort_order, vietnamese_sort_order);
async fn vietnamese_sort_order(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    // A fresh village so that only these names are listed.
    let commune = "c-12280";
    let res = c
        .json(
            Method::POST,
            &format!("/api/v1/units/{commune}/villages"),
            Some(json!({ "name": "Thôn Thử Nghiệm" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let village = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected = ["An", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức"];
    // Insert in a scrambled order, with family names that would sort the other way.
    for (i, given) in [6, 2, 4, 0, 5, 1, 3].iter().map(|&i| (i, expected[i])) {
        let family = ["Vũ", "Trần", "Phạm", "Nguyễn", "Lê", "Đặng", "Bùi"][i];
        let res = c
            .json(
                Method::POST,
                "/api/v1/households",
                Some(
                    json!({ "village_id": village, "head_name": format!("{family} Văn {given}") }),
                ),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let v: serde_json::Value = c
        .json(
            Method::GET,
            &format!("/api/v1/households?village={village}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let got: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["head_given"].as_str().unwrap())
        .collect();
    assert_eq!(got, expected);
    // The page lists them in the same order.
    let page = c.get_text(&format!("/households?village={village}")).await;
    let positions: Vec<usize> = expected
        .iter()
        .map(|g| page.find(&format!("Văn {g}<")).expect(g))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Same given name: then by family name.
    for family in ["Trịnh", "Bùi"] {
        c.json(
            Method::POST,
            "/api/v1/households",
            Some(json!({ "village_id": village, "head_name": format!("{family} Thị An") })),
        )
        .await;
    }
    assert_eq!(
        first_heads(&c, &village, 3).await,
        ["Bùi Thị An", "Trịnh Thị An", "Vũ Văn An"]
    );
    // Lists sort by a stored key; keys missing, or made with other collation data, are
    // made again at the next start (here the CLI's), and the order comes back.
    app.exec(
        "UPDATE households SET name_key = '' WHERE village_id = ?",
        &[village.clone().into()],
    )
    .await;
    app.exec(
        "UPDATE settings SET value = 'older' WHERE key = 'sort_key_version'",
        &[],
    )
    .await;
    assert!(app.cli(&["audit", "verify"]).status.success());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE name_key = '' AND village_id = ?",
            &[village.clone().into()],
        )
        .await,
        0,
        "every key of the village is made again"
    );
    assert_eq!(
        first_heads(&c, &village, 3).await,
        ["Bùi Thị An", "Trịnh Thị An", "Vũ Văn An"]
    );
}

/// The heads' names of the first `n` households of a village, in the API's list order.
async fn first_heads(c: &common::Client, village: &str, n: usize) -> Vec<String> {
    let v: serde_json::Value = c
        .json(
            Method::GET,
            &format!("/api/v1/households?village={village}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|h| h["head_name"].as_str().unwrap().to_owned())
        .collect()
}

both!(members_and_cells, members_and_cells);
async fn members_and_cells(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.dongly").await;
    let village = app.village_id("Đồng Lý").await;
    let cell = app
        .one_str(
            "SELECT id FROM cells WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await;
    let res = c
        .post_form(
            "/members",
            &[
                ("village_id", &village),
                ("cell_id", &cell),
                ("full_name", "Lương Thị Thu Trang"),
                ("sex", "F"),
                ("birth_year", "1985"),
                ("phone", "0987654321"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let page = c.get_text(&path).await;
    assert!(
        page.contains("Lương Thị Thu Trang")
            && page.contains("Chi bộ thôn Đồng Lý")
            && page.contains("Đang sinh hoạt")
    );
    let id = path.trim_start_matches("/members/").to_owned();
    let row = app.one_str("SELECT family_name || '|' || middle_name || '|' || given_name FROM members WHERE id = ?", &[id.clone().into()]).await;
    assert_eq!(row, "Lương|Thị Thu|Trang");
    // Exempt: still listed among the cell's members, marked so.
    assert_eq!(
        c.post_form(&format!("/members/{id}/status"), &[("status", "exempt")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let list = c.get_text("/members?q=thu+trang").await;
    assert!(list.contains("Miễn sinh hoạt"), "{list}");
    // Moved away: out of the default list.
    let res = c
        .json(
            Method::PATCH,
            &format!("/api/v1/members/{id}"),
            Some(json!({ "status": "moved" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!c.get_text("/members?q=thu+trang").await.contains(&id));

    // A new cell for the village; duplicates refused with a message.
    assert_eq!(
        c.post_form(
            "/cells",
            &[("village_id", &village), ("name", "Chi bộ Đồng Lý 2")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let res = c
        .post_form(
            "/cells",
            &[("village_id", &village), ("name", "chi bộ đồng lý 2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Xã đã có"));
}

both!(paging, paging);
async fn paging(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let total = app.count("SELECT COUNT(*) FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang'", &[]).await;
    let mut seen = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let v: serde_json::Value = c
            .json(
                Method::GET,
                &format!("/api/v1/households?per_page=100&page={page}"),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"].as_i64().unwrap(), total);
        let items = v["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        for h in items {
            assert!(
                seen.insert(h["id"].as_str().unwrap().to_owned()),
                "a row on two pages"
            );
        }
        page += 1;
    }
    assert_eq!(seen.len() as i64, total);
    let html = c.get_text("/households?page=2").await;
    assert!(html.contains("Trang 2 / 9"), "412 households, 50 a page");
}

both!(idempotent_api_creates, idempotent_api_creates);
async fn idempotent_api_creates(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let send = || {
        c.http
            .post(c.url("/api/v1/households"))
            .header("x-csrf-token", &c.csrf)
            .header("idempotency-key", "phone-retry-1")
            .json(&json!({ "village_id": village, "head_name": "Đào Thị Lặp" }))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: serde_json::Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replay"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name = 'Đào Thị Lặp'",
            &[]
        )
        .await,
        1
    );
}

both!(
    references_outside_the_scope_look_missing,
    references_outside_the_scope_look_missing
);
async fn references_outside_the_scope_look_missing(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let mine = app.village_id("Bằng Ngang").await;
    let other = app.village_id("Đồng Lý").await;
    let other_cell = app
        .one_str(
            "SELECT id FROM cells WHERE village_id = ?",
            &[other.clone().into()],
        )
        .await;
    let other_household = app
        .one_str(
            "SELECT id FROM households WHERE village_id = ? ORDER BY id LIMIT 1",
            &[other.clone().into()],
        )
        .await;
    let member = app
        .one_str(
            "SELECT id FROM members WHERE village_id = ? ORDER BY id LIMIT 1",
            &[mine.clone().into()],
        )
        .await;
    let before = common::fingerprint(&app).await;
    // The same answer, byte for byte, for a record of Đồng Lý and for no record at all.
    for (field, theirs) in [
        ("cell_id", other_cell.as_str()),
        ("household_id", other_household.as_str()),
        ("village_id", other.as_str()),
    ] {
        let nothing = danvan::clock::new_id();
        let mut answers = Vec::new();
        for id in [theirs, nothing.as_str()] {
            let mut body = json!({ "village_id": mine, "full_name": "Phạm Văn Khách" });
            body[field] = json!(id);
            let res = c.json(Method::POST, "/api/v1/members", Some(body)).await;
            let created = (res.status(), res.text().await.unwrap());
            let res = c
                .json(
                    Method::PATCH,
                    &format!("/api/v1/members/{member}"),
                    Some(json!({ field: id })),
                )
                .await;
            let updated = (res.status(), res.text().await.unwrap());
            let mut form = vec![
                ("village_id", mine.as_str()),
                ("full_name", "Phạm Văn Khách"),
            ];
            form.retain(|(k, _)| *k != field);
            form.push((field, id));
            let res = c.post_form("/members", &form).await;
            // The page shows back what was typed; apart from that it is the same page.
            let page = (res.status(), res.text().await.unwrap().replace(id, "ID"));
            answers.push((created, updated, page));
        }
        assert_eq!(
            answers[0].0 .0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {:?}",
            answers[0].0
        );
        assert_eq!(answers[0], answers[1], "{field}");
    }
    // Households and cells name a village the same way.
    for (path, name_field) in [
        ("/api/v1/households", "head_name"),
        ("/api/v1/cells", "name"),
    ] {
        let nothing = danvan::clock::new_id();
        let mut answers = Vec::new();
        for id in [other.as_str(), nothing.as_str()] {
            let res = c
                .json(
                    Method::POST,
                    path,
                    Some(json!({ "village_id": id, name_field: "Chi bộ Phạm Văn Khách" })),
                )
                .await;
            answers.push((res.status(), res.text().await.unwrap()));
        }
        assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(answers[0], answers[1], "{path}");
    }
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "nothing was written"
    );
}

both!(
    a_stale_form_is_shown_again_filled_in,
    a_stale_form_is_shown_again_filled_in
);
async fn a_stale_form_is_shown_again_filled_in(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    // The page was opened, then the user signed in again (another tab): a new session,
    // a new form token, and the open page still carries the old one.
    let stale = c.csrf.clone();
    let relogin = app
        .post_login(
            &c.http,
            &[("username", "bt.bangngang"), ("password", common::PASSWORD)],
            &[],
        )
        .await;
    assert_eq!(relogin.status(), StatusCode::SEE_OTHER);
    let before = common::fingerprint(&app).await;
    let typed = [
        ("village_id", village.as_str()),
        ("head_name", "Nguyễn Văn Hết"),
        ("xom", "Xóm Hạn"),
    ];
    let mut fields = typed.to_vec();
    fields.push(("_csrf", stale.as_str()));
    let res = c
        .http
        .post(c.url("/households"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Biểu mẫu đã hết hạn"), "{page}");
    assert!(!page.contains("không có quyền"), "{page}");
    assert!(
        page.contains("value=\"Nguyễn Văn Hết\"") && page.contains("value=\"Xóm Hạn\""),
        "what was typed is kept: {page}"
    );
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "nothing was written"
    );
    // Sent again from that page, with its token: saved.
    let fresh = common::extract_csrf(&page).unwrap();
    assert_ne!(fresh, stale);
    let mut fields = typed.to_vec();
    fields.push(("_csrf", fresh.as_str()));
    let res = c
        .http
        .post(c.url("/households"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name = 'Nguyễn Văn Hết'",
            &[]
        )
        .await,
        1
    );
    // A form that cannot be shown again says the same, not "no permission".
    let res = c
        .http
        .post(c.url("/account/tokens"))
        .form(&[("name", "Máy cũ"), ("_csrf", stale.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Biểu mẫu đã hết hạn"), "{page}");
}

both!(
    search_finds_codes_and_addresses,
    search_finds_codes_and_addresses
);
async fn search_finds_codes_and_addresses(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    // The address typed with the words the page itself shows.
    let res = c
        .post_form(
            "/households",
            &[
                ("village_id", &village),
                ("head_name", "Lê Văn Tìm"),
                ("xom", "Chùa"),
                ("ngo", "ngõ 4"),
                ("house_no", "39"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = location(&res).trim_start_matches("/households/").to_owned();
    let page = c.get_text(&format!("/households/{id}")).await;
    assert!(page.contains("Số 39, ngõ 4, xóm Chùa"), "{page}");
    let found = |q: &'static str| {
        let c = &c;
        async move {
            let v: serde_json::Value = c
                .json(
                    Method::GET,
                    &format!("/api/v1/households?q={q}&per_page=200"),
                    None,
                )
                .await
                .json()
                .await
                .unwrap();
            assert!(
                v["total"].as_i64().unwrap() <= 200,
                "{q}: one page holds them"
            );
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    for q in [
        "xom+chua",
        "S%E1%BB%91+39%2C+ng%C3%B5+4",
        "so+39+ngo+4",
        "X%C3%93M%20CH%C3%99A",
    ] {
        assert!(found(q).await.contains(&id), "q={q} finds the household");
    }
    // The page searches the same way.
    let page = c
        .get_text("/households?q=S%E1%BB%91+39%2C+ng%C3%B5+4")
        .await;
    assert!(page.contains(&id), "{page}");
    // Codes, in any case; the demo's 39th household of Bằng Ngang is BN0039.
    let bn39 = app
        .one_str("SELECT id FROM households WHERE code = 'BN0039'", &[])
        .await;
    for q in ["BN0039", "bn0039"] {
        let page = c.get_text(&format!("/households?q={q}")).await;
        assert!(page.contains(&bn39), "q={q}");
    }
    // A query does not match across two fields (the code's end and the name's start).
    let name_start = app
        .one_str(
            "SELECT head_name FROM households WHERE id = ?",
            &[bn39.clone().into()],
        )
        .await;
    let across = format!("0039 {}", name_start.split(' ').next().unwrap_or(""));
    let v: serde_json::Value = c
        .json(
            Method::GET,
            &format!("/api/v1/households?q={}", across.replace(' ', "%20")),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0, "{across}: {v}");

    // Rows stored before the search column existed are filled in at start-up.
    app.exec(
        "UPDATE households SET search_folded = '' WHERE id = ?",
        &[bn39.clone().into()],
    )
    .await;
    assert!(!c.get_text("/households?q=BN0039").await.contains(&bn39));
    let out = app.cli(&["migrate"]);
    assert!(out.status.success(), "{out:?}");
    assert!(c.get_text("/households?q=BN0039").await.contains(&bn39));
}

both!(
    members_count_says_what_it_holds,
    members_count_says_what_it_holds
);
async fn members_count_says_what_it_holds(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let count = |st: &'static str| {
        let app = &app;
        async move {
            app.count(
                "SELECT COUNT(*) FROM members WHERE commune_id = 'c-12280' AND status = ?",
                &[st.into()],
            )
            .await
        }
    };
    let (active, exempt) = (count("active").await, count("exempt").await);
    assert!(active > 0 && exempt > 0, "the demo has both");
    let page = c.get_text("/members").await;
    assert!(!page.contains(">*<"), "the all-statuses option has a name");
    assert!(page.contains(">Tất cả</option>"), "{page}");
    // The default count (active + exempt) is broken down, so it can be told from the
    // home page's and the cell's (active only).
    assert!(
        page.contains(&format!("<span class=\"badge\">{}</span>", active + exempt)),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "{active} đang sinh hoạt · {exempt} miễn sinh hoạt"
        )),
        "{page}"
    );
    let home = c.get_text("/").await;
    assert!(home.contains(&active.to_string()), "{home}");
}

both!(
    manual_add_warns_of_a_duplicate,
    manual_add_warns_of_a_duplicate
);
async fn manual_add_warns_of_a_duplicate(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let add = |fields: Vec<(&'static str, String)>| {
        let (c, village) = (&c, village.clone());
        async move {
            let mut all: Vec<(&str, &str)> = vec![("village_id", &village)];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            c.post_form("/households", &all).await
        }
    };
    let first = add(vec![
        ("head_name", "Lê Văn Trùng".into()),
        ("ngo", "4".into()),
        ("house_no", "39".into()),
        ("xom", "Chùa".into()),
    ])
    .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let count = || {
        let (app, village) = (&app, village.clone());
        async move {
            app.count(
                "SELECT COUNT(*) FROM households WHERE name_folded = 'le van trung' AND search_folded LIKE '%so 39 ngo 4 xom chua' AND village_id = ?",
                &[village.into()],
            )
            .await
        }
    };
    // Same head and address, typed another way: a warning, nothing added.
    let again = vec![
        ("head_name", "lê văn trùng".to_owned()),
        ("ngo", "ngõ 4".to_owned()),
        ("house_no", "Số 39".to_owned()),
        ("xom", "xóm Chùa".to_owned()),
    ];
    let res = add(again.clone()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"duplicate-warning\"")
            && page.contains("cùng tên chủ hộ và địa chỉ")
            && page.contains("name=\"confirm_duplicate\" value=\"1\">Vẫn thêm</button>"),
        "{page}"
    );
    assert!(
        page.contains("value=\"lê văn trùng\""),
        "what was typed is kept"
    );
    assert_eq!(count().await, 1);
    // Confirmed: added.
    let mut confirmed = again;
    confirmed.push(("confirm_duplicate", "1".to_owned()));
    assert_eq!(add(confirmed).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, 2);
    // Another address is no duplicate.
    let other = add(vec![
        ("head_name", "Lê Văn Trùng".into()),
        ("ngo", "5".into()),
    ])
    .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}

both!(member_form_picks_a_household, member_form_picks_a_household);
async fn member_form_picks_a_household(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let form = c.get_text("/members/new").await;
    assert!(!form.contains("(id)"), "no raw id to type");
    let (hid, head) = {
        let rows = app
            .rows(
                "SELECT id, head_name FROM households WHERE code = 'BN0039'",
                &[],
            )
            .await;
        let v = rows[0].values();
        (v[0].clone(), v[1].clone())
    };
    let (hid, head) = match (hid, head) {
        (danvan::db::Value::Text(a), danvan::db::Value::Text(b)) => (a, b),
        other => panic!("{other:?}"),
    };
    let members_before = app.count("SELECT COUNT(*) FROM members", &[]).await;
    // The search step: the form comes back, filled in, with the matches to choose from.
    let res = c
        .post_form(
            "/members",
            &[
                ("village_id", &village),
                ("full_name", "Đảng Viên Chọn Hộ"),
                ("household_q", "bn0039"),
                ("find_household", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(&format!("name=\"household_id\" value=\"{hid}\"")),
        "{page}"
    );
    assert!(page.contains(&format!("{head} · BN0039")), "{page}");
    assert!(
        page.contains("value=\"Đảng Viên Chọn Hộ\""),
        "typed data kept"
    );
    assert!(page.len() < 30_000);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members", &[]).await,
        members_before
    );
    // Chosen and saved: the member page names the household by its head and code.
    let res = c
        .post_form(
            "/members",
            &[
                ("village_id", &village),
                ("full_name", "Đảng Viên Chọn Hộ"),
                ("household_id", &hid),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let show = c.get_text(&location(&res)).await;
    assert!(
        show.contains(&format!(
            "<a href=\"/households/{hid}\">{head} · BN0039</a>"
        )),
        "{show}"
    );
    // Editing shows the current household as the checked choice.
    let edit = c.get_text(&format!("{}/edit", location(&res))).await;
    assert!(edit.contains(&format!("value=\"{hid}\" checked")), "{edit}");
}
