//! Funding (issue 10, item 3): the commune committee's ledger by source, with running
//! balances; an expense its source cannot pay is refused and changes nothing; a mistake
//! is reversed with a reason, never edited; the XLSX opens; supervisors read totals only
//! — through the real server, on both engines.

use crate::both;
use crate::common::{self, location, Backend, Client, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const COMMITTEE: &str = "xa.luongbang";

fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + needle.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

async fn entries(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM funding_entries", &[]).await
}

/// Opens the form of `direction` and posts it with `fields`.
async fn post_entry(
    c: &Client,
    direction: &str,
    fields: &[(&str, &str)],
) -> (reqwest::Response, String) {
    let form = c
        .get_text(&format!(
            "/funding/new?commune=c-12280&direction={direction}"
        ))
        .await;
    let id = hidden(&form, "id");
    let entry_on = hidden(&form, "entry_on");
    let mut all = vec![
        ("id", id.as_str()),
        ("commune", "c-12280"),
        ("direction", direction),
    ];
    if !fields.iter().any(|(k, _)| *k == "entry_on") {
        all.push(("entry_on", entry_on.as_str()));
    }
    all.extend_from_slice(fields);
    (c.post_form("/funding", &all).await, id)
}

/// The balance row of a source on the ledger page.
fn balance_row(page: &str, source: &str) -> String {
    let start = page
        .find(&format!("id=\"source-{source}\""))
        .unwrap_or_else(|| panic!("{source} row in {page}"));
    page[start..start + page[start..].find("</tr>").unwrap()].to_owned()
}

both!(
    ledger_by_source_refuses_overdraft,
    ledger_by_source_refuses_overdraft
);
async fn ledger_by_source_refuses_overdraft(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(COMMITTEE).await;
    let page = c.get_text("/funding").await;
    assert!(
        page.contains("Chưa có bút toán nào") && page.contains("Ngân sách tỉnh"),
        "{page}"
    );

    // A receipt, typed with dots; a double submit records it once.
    let (res, _) = post_entry(
        &c,
        "receipt",
        &[
            ("source", "commune"),
            ("amount", "5.000.000"),
            ("description", "Ngân sách xã cấp đợt 1"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/funding?commune=c-12280&saved=1");
    assert_eq!(entries(&app).await, 1);
    // An expense typed without dots, for the launch.
    let (res, expense_id) = post_entry(
        &c,
        "expense",
        &[
            ("source", "commune"),
            ("use_code", "launch"),
            ("amount", "1302000"),
            ("description", "Chi hội nghị ra mắt, CT 01"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let form_again = [
        ("id", expense_id.as_str()),
        ("commune", "c-12280"),
        ("direction", "expense"),
        ("entry_on", "01/01/2000"),
        ("source", "commune"),
        ("use_code", "launch"),
        ("amount", "1302000"),
        ("description", "Chi hội nghị ra mắt, CT 01"),
    ];
    let res = c.post_form("/funding", &form_again).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a double submit answers as saved"
    );
    assert_eq!(entries(&app).await, 2);
    let page = c.get_text("/funding").await;
    let row = balance_row(&page, "commune");
    assert!(
        row.contains("5.000.000 đ") && row.contains("1.302.000 đ") && row.contains("3.698.000 đ"),
        "{row}"
    );
    assert!(balance_row(&page, "province").contains(">0 đ<"));
    assert!(
        page.contains("Chi hội nghị ra mắt, CT 01") && page.contains("Hội nghị ra mắt mô hình"),
        "{page}"
    );

    // Overdrafts are refused with the figures, and nothing is written.
    let before = common::fingerprint(&app).await;
    let (res, _) = post_entry(
        &c,
        "expense",
        &[
            ("source", "commune"),
            ("use_code", "materials"),
            ("amount", "4.000.000"),
            ("description", "In tài liệu"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Số dư nguồn “Ngân sách xã” không đủ") && page.contains("thiếu 302.000 đ"),
        "{page}"
    );
    assert!(
        page.contains("value=\"4.000.000\""),
        "the form comes back as typed: {page}"
    );
    let (res, _) = post_entry(
        &c,
        "expense",
        &[
            ("source", "province"),
            ("use_code", "review"),
            ("amount", "1"),
            ("description", "Sơ kết"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Bad input, each named beside its field.
    for (fields, says) in [
        (
            vec![
                ("source", "commune"),
                ("amount", "1,5"),
                ("description", "x"),
            ],
            "không có phần lẻ",
        ),
        (
            vec![("source", "commune"), ("amount", "0"), ("description", "x")],
            "lớn hơn 0",
        ),
        (
            vec![("source", "bank"), ("amount", "1000"), ("description", "x")],
            "Cần chọn nguồn",
        ),
        (
            vec![
                ("source", "commune"),
                ("amount", "1000"),
                ("description", " "),
            ],
            "Cần ghi diễn giải",
        ),
        (
            vec![
                ("source", "commune"),
                ("amount", "1000"),
                ("description", "x"),
                ("entry_on", "31/02/2026"),
            ],
            "ngày/tháng/năm",
        ),
    ] {
        let (res, _) = post_entry(&c, "receipt", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        let page = res.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
    }
    let (res, _) = post_entry(
        &c,
        "expense",
        &[
            ("source", "commune"),
            ("amount", "1000"),
            ("description", "x"),
        ],
    )
    .await;
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Khoản chi cần ghi nội dung chi"));
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "a refused entry wrote something"
    );

    // A province receipt makes the province's expense possible; sources stay apart.
    let (res, _) = post_entry(
        &c,
        "receipt",
        &[
            ("source", "province"),
            ("amount", "2.000.000 đ"),
            ("description", "Tỉnh hỗ trợ"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = c.get_text("/funding").await;
    assert!(balance_row(&page, "province").contains("2.000.000 đ"));
    assert!(balance_row(&page, "commune").contains("3.698.000 đ"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'funding_entry' AND action = 'create'",
            &[]
        )
        .await,
        3
    );
    // A member of another commune's committee, or a secretary, has no ledger here.
    let secretary = app.login("bt.bangngang").await;
    assert_eq!(
        secretary.get("/funding").await.status(),
        StatusCode::FORBIDDEN
    );
}

both!(
    a_mistake_is_reversed_not_edited,
    a_mistake_is_reversed_not_edited
);
async fn a_mistake_is_reversed_not_edited(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(COMMITTEE).await;
    let (_, receipt) = post_entry(
        &c,
        "receipt",
        &[
            ("source", "mobilised"),
            ("amount", "3.000.000"),
            ("description", "Nhân dân ủng hộ"),
        ],
    )
    .await;
    let (_, expense) = post_entry(
        &c,
        "expense",
        &[
            ("source", "mobilised"),
            ("use_code", "commendation"),
            ("amount", "1.000.000"),
            ("description", "Khen thưởng hộ tiêu biểu"),
        ],
    )
    .await;
    assert_eq!(entries(&app).await, 2);

    // The entry's page offers the reversal; without a reason nothing happens.
    let page = c.get_text(&format!("/funding/{receipt}")).await;
    assert!(
        page.contains("Đảo bút toán") && page.contains("3.000.000 đ"),
        "{page}"
    );
    let rid = hidden(&page, "id");
    let before = common::fingerprint(&app).await;
    let res = c
        .post_form(
            &format!("/funding/{receipt}/reverse"),
            &[("id", &rid), ("reason", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Cần ghi lý do"));
    // Reversing the receipt would leave the expense unpaid: refused.
    let res = c
        .post_form(
            &format!("/funding/{receipt}/reverse"),
            &[("id", &rid), ("reason", "Ghi nhầm nguồn")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("không đủ"));
    assert_eq!(before, common::fingerprint(&app).await);

    // Reverse the expense, then the receipt: the balance is back to zero.
    let page = c.get_text(&format!("/funding/{expense}")).await;
    let erid = hidden(&page, "id");
    let res = c
        .post_form(
            &format!("/funding/{expense}/reverse"),
            &[("id", &erid), ("reason", "Ghi nhầm số tiền")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Sent twice, it reverses once.
    let res = c
        .post_form(
            &format!("/funding/{expense}/reverse"),
            &[("id", &erid), ("reason", "Ghi nhầm số tiền")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(entries(&app).await, 3);
    let page = c.get_text(&format!("/funding/{expense}")).await;
    assert!(page.contains("Bút toán này đã được đảo ngày"), "{page}");
    assert!(
        !page.contains("name=\"reason\""),
        "no second reversal offered"
    );
    let res = c
        .post_form(
            &format!("/funding/{expense}/reverse"),
            &[("id", &danvan::clock::new_id()), ("reason", "Lần nữa")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("đã được đảo rồi"));
    // A reversal is not reversed.
    let res = c
        .post_form(
            &format!("/funding/{erid}/reverse"),
            &[("id", &danvan::clock::new_id()), ("reason", "Đảo của đảo")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .post_form(
            &format!("/funding/{receipt}/reverse"),
            &[("id", &rid), ("reason", "Ghi nhầm nguồn")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = c.get_text("/funding").await;
    let row = balance_row(&page, "mobilised");
    // Received 3.000.000 − 3.000.000, spent 1.000.000 − 1.000.000, balance 0.
    assert!(row.matches(">0 đ<").count() == 4, "{row}");
    assert!(
        page.contains("-1.000.000") && page.contains("-3.000.000"),
        "reversals show negative: {page}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'funding_entry' AND action = 'reverse'",
            &[]
        )
        .await,
        2
    );

    // The database itself refuses to change or delete an entry.
    let r = app
        .db
        .write(|tx| {
            Box::pin(async move {
                tx.execute("UPDATE funding_entries SET amount = 1", &[])
                    .await
            })
        })
        .await;
    assert!(r.is_err(), "entries are never changed");
    let r = app
        .db
        .write(|tx| Box::pin(async move { tx.execute("DELETE FROM funding_entries", &[]).await }))
        .await;
    assert!(r.is_err(), "entries are never deleted");
    assert_eq!(entries(&app).await, 4);
}

both!(api_xlsx_and_summary, api_xlsx_and_summary);
async fn api_xlsx_and_summary(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(COMMITTEE).await;
    let post = |body: serde_json::Value| c.json(Method::POST, "/api/v1/funding", Some(body));
    let res = post(json!({ "id": danvan::clock::new_id(), "direction": "receipt", "source": "district", "amount": 10_000_000, "description": "Huyện cấp kinh phí" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let r: serde_json::Value = res.json().await.unwrap();
    assert_eq!(r["balance"], 10_000_000);
    let res = post(json!({ "direction": "expense", "source": "district", "use_code": "review", "amount": 2_500_000, "description": "Hội nghị sơ kết =SUM(A1)" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let spent: serde_json::Value = res.json().await.unwrap();
    assert_eq!(spent["balance"], 7_500_000);
    let res = post(json!({ "direction": "expense", "source": "district", "use_code": "review", "amount": 8_000_000, "description": "Quá số dư" })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("không đủ"));
    let res = c
        .json(
            Method::POST,
            &format!("/api/v1/funding/{}/reversal", spent["id"].as_str().unwrap()),
            Some(json!({ "reason": "Ghi nhầm số tiền" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ledger: serde_json::Value = c.get("/api/v1/funding").await.json().await.unwrap();
    let lines = ledger["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["balance"], 10_000_000);
    assert_eq!(lines[2]["effect"], 2_500_000);
    let district = ledger["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "district")
        .unwrap()
        .clone();
    assert_eq!(
        (
            district["received"].clone(),
            district["spent"].clone(),
            district["closing"].clone()
        ),
        (json!(10_000_000), json!(0), json!(10_000_000))
    );

    // The XLSX: the balances and the lines, numbers as numbers, formulas kept as text.
    let res = c.get("/funding.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Kinh-phi-"));
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Sổ kinh phí").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(rows[0][0].contains("LƯƠNG BẰNG"), "{:?}", rows[0]);
    let district_row = rows
        .iter()
        .find(|r| r[0] == "Ngân sách huyện")
        .expect("the district's balance");
    assert_eq!(district_row[1..5], ["0", "10000000", "0", "10000000"]);
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c == "Hội nghị sơ kết =SUM(A1)")),
        "{rows:?}"
    );
    assert!(rows
        .iter()
        .any(|r| r.iter().any(|c| c.starts_with("Bút toán đảo: Ghi nhầm"))));
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "-2500000")),
        "the reversal is negative"
    );
    crate::common::documents::to_pdf(&bytes, "xlsx");

    // The supervisor reads totals, not the lines; a secretary reads nothing.
    let board = app.login("bdv.hungyen").await;
    let page = board.get_text("/funding/summary?unit=c-12280").await;
    assert!(
        page.contains("Ngân sách huyện") && page.contains("10.000.000 đ"),
        "{page}"
    );
    assert!(
        !page.contains("Huyện cấp kinh phí"),
        "no line of the ledger: {page}"
    );
    let whole = board.get_text("/funding/summary").await;
    assert!(
        whole.contains("Lương Bằng") && whole.contains("10.000.000 đ"),
        "{whole}"
    );
    assert_eq!(board.get("/funding").await.status(), StatusCode::FORBIDDEN);
    let secretary = app.login("bt.bangngang").await;
    assert_eq!(
        secretary.get("/funding/summary").await.status(),
        StatusCode::FORBIDDEN
    );
}
