//! Import and export (issue 3): fixtures written by an independent writer
//! (tests/fixtures/make_fixtures.py, openpyxl/xlwt), each on both engines.

use danvan::auth::{Role, Scope};
use danvan::imports::limits::Limits;
use danvan::imports::store::{self, Kind, Options, Outcome};
use danvan::imports::{self, ImportError};
use danvan::units::store as units;

use crate::both;
use crate::common::{self, Backend, TestApp};

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn committee(unit: &units::Unit) -> Scope {
    Scope::unsafe_system_at("test", Role::CommuneCommittee, unit)
}

async fn commune(app: &TestApp) -> units::Unit {
    app.db
        .read(|tx| Box::pin(async move { units::resolve(tx, "12280").await }))
        .await
        .expect("pilot commune")
}

/// A new, empty village of the pilot commune, so counts are exact.
async fn fresh_village(app: &TestApp, name: &str) -> units::Unit {
    let c = commune(app).await;
    let name = name.to_owned();
    app.db
        .write(move |tx| {
            Box::pin(async move { units::create_village(tx, &committee(&c), &c, &name).await })
        })
        .await
        .expect("village")
}

async fn import(
    app: &TestApp,
    unit: &units::Unit,
    kind: Kind,
    bytes: &[u8],
    apply: bool,
) -> Outcome {
    let parsed = imports::parse(bytes, &Limits::default()).expect("parse");
    let unit = unit.clone();
    // A dry run writes nothing (store::run only writes when applying).
    app.db
        .write(move |tx| {
            Box::pin(async move {
                store::run(
                    tx,
                    &committee(&unit),
                    &unit,
                    kind,
                    &parsed,
                    &Options {
                        secret: "test-secret",
                        citizen_id_enabled: false,
                        apply,
                        sha256: "",
                        skip_rejected: true,
                        title_case_names: false,
                    },
                )
                .await
            })
        })
        .await
        .expect("import")
}

fn counts(o: &Outcome) -> (usize, usize, usize, usize) {
    (o.new, o.updated, o.unchanged, o.rejected_count)
}

async fn households_in(app: &TestApp, v: &units::Unit) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM households WHERE village_id = ?",
        &[v.id.clone().into()],
    )
    .await
}

both!(
    template_imports_and_reimport_changes_nothing,
    template_reimport
);
async fn template_reimport(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let file = fixture("template_households.xlsx");
    let preview = import(&app, &v, Kind::Households, &file, false).await;
    assert_eq!(counts(&preview), (5, 0, 0, 0), "{preview:?}");
    assert_eq!(households_in(&app, &v).await, 0, "a preview writes nothing");
    let first = import(&app, &v, Kind::Households, &file, true).await;
    assert_eq!(counts(&first), (5, 0, 0, 0));
    assert_eq!(households_in(&app, &v).await, 5);
    let again = import(&app, &v, Kind::Households, &file, true).await;
    assert_eq!(counts(&again), (0, 0, 5, 0), "{again:?}");
    assert_eq!(households_in(&app, &v).await, 5);
    let support = app
        .one_str(
            "SELECT support_categories FROM households WHERE village_id = ? AND head_name = ?",
            &[v.id.clone().into(), "Phạm Thị Dung".into()],
        )
        .await;
    assert_eq!(support, "chinh_sach");
    // The same rows from the .xls writer land in another village.
    let v2 = fresh_village(&app, "Thử Nghiệm Hai").await;
    let xls = import(
        &app,
        &v2,
        Kind::Households,
        &fixture("template_households.xls"),
        true,
    )
    .await;
    assert_eq!(counts(&xls), (5, 0, 0, 0), "{xls:?}");
    // The template for members.
    let m = import(
        &app,
        &v,
        Kind::Members,
        &fixture("template_members.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&m), (4, 0, 0, 0), "{m:?}");
    let status = app
        .one_str(
            "SELECT status FROM members WHERE full_name = ?",
            &["Vũ Văn Minh".into()],
        )
        .await;
    assert_eq!(status, "exempt");
}

both!(messy_households_file, messy_households);
async fn messy_households(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let out = import(
        &app,
        &v,
        Kind::Households,
        &fixture("messy_households.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&out), (4, 0, 0, 2), "{out:#?}");
    let rows: Vec<u32> = out.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![12, 13], "{:#?}", out.rejected);
    assert!(
        out.rejected[0].reason.contains("dòng 7"),
        "{:?}",
        out.rejected[0]
    );
    assert_eq!(out.rejected[1].column, "Điện thoại");
    assert!(
        out.converted
            .iter()
            .any(|c| c.encoding == "TCVN3" && c.column == "Họ tên chủ hộ"),
        "{:?}",
        out.converted
    );
    let phone = app
        .one_str(
            "SELECT phone FROM households WHERE village_id = ? AND head_name = ?",
            &[v.id.clone().into(), "Trần Thị Bình".into()],
        )
        .await;
    assert_eq!(
        phone, "0912345679",
        "a phone typed as a number gets its 0 back"
    );
    let xom = app
        .one_str(
            "SELECT xom FROM households WHERE village_id = ? AND head_name = ?",
            &[v.id.clone().into(), "Lê Văn Cường".into()],
        )
        .await;
    assert_eq!(xom, "Xóm Giữa");
    let again = import(
        &app,
        &v,
        Kind::Households,
        &fixture("messy_households.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&again), (0, 0, 4, 2));
}

both!(messy_members_file, messy_members);
async fn messy_members(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let out = import(
        &app,
        &v,
        Kind::Members,
        &fixture("messy_members.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&out), (5, 0, 0, 2), "{out:#?}");
    let rows: Vec<u32> = out.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![9, 10], "{:#?}", out.rejected);
    assert_eq!(out.rejected[1].column, "Ngày sinh");
    for (name, year) in [
        ("Nguyễn Văn Hùng", "1962"),
        ("Đỗ Thị Lan", "1975"),
        ("Vũ Văn Minh", "1948"),
        ("Bùi Thị Nga", "1982"),
        ("Ngô Văn Phúc", "1968"),
    ] {
        let y = app
            .one_str(
                "SELECT birth_year FROM members WHERE village_id = ? AND full_name = ?",
                &[v.id.clone().into(), name.into()],
            )
            .await;
        assert_eq!(y, year, "{name}");
    }
}

both!(vni_and_windows_1258, vni_and_cp1258);
async fn vni_and_cp1258(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let out = import(
        &app,
        &v,
        Kind::Households,
        &fixture("vni_households.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&out), (3, 0, 0, 0), "{out:#?}");
    assert!(
        out.converted.iter().any(|c| c.encoding == "VNI"),
        "{:?}",
        out.converted
    );
    let n = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ? AND head_name IN ('Nguyễn Văn Thắng', 'Trần Thị Thuỷ', 'Lê Đức Thọ')",
            &[v.id.clone().into()],
        )
        .await;
    let names: Vec<String> = app
        .rows(
            "SELECT head_name, xom FROM households WHERE village_id = ?",
            &[v.id.clone().into()],
        )
        .await
        .iter()
        .map(|r| format!("{}|{}", r.str("head_name").unwrap(), r.str("xom").unwrap()))
        .collect();
    assert_eq!(n, 3, "{names:?}");
    let v2 = fresh_village(&app, "Thử Nghiệm Hai").await;
    let out = import(
        &app,
        &v2,
        Kind::Households,
        &fixture("households_cp1258.csv"),
        true,
    )
    .await;
    assert_eq!(counts(&out), (3, 0, 0, 0), "{out:#?}");
    assert!(out.notes.iter().any(|n| n.contains("Windows-1258")));
    let phone = app
        .one_str(
            "SELECT phone FROM households WHERE village_id = ? AND head_name = ?",
            &[v2.id.clone().into(), "Đặng Thị Ngọc Ánh".into()],
        )
        .await;
    assert_eq!(phone, "02213862123");
}

both!(formulas_are_refused_with_a_reason, formulas);
async fn formulas(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let out = import(
        &app,
        &v,
        Kind::Households,
        &fixture("formulas_households.xlsx"),
        true,
    )
    .await;
    assert_eq!(counts(&out), (1, 0, 0, 2), "{out:#?}");
    assert!(out.rejected.iter().all(|r| r.reason.contains("công thức")));
}

#[test]
fn unreadable_files_get_a_clear_error() {
    let limits = Limits::default();
    let err = |name: &str| imports::parse(&fixture(name), &limits).err();
    assert!(
        matches!(err("zip_bomb.xlsx"), Some(ImportError::TooLarge(_))),
        "{:?}",
        err("zip_bomb.xlsx")
    );
    assert_eq!(err("empty.xlsx"), Some(ImportError::Empty));
    assert_eq!(
        err("not_a_spreadsheet.xlsx"),
        Some(ImportError::NotSpreadsheet)
    );
    assert_eq!(imports::parse(b"", &limits).err(), Some(ImportError::Empty));
    // Found by the fuzz target: an .xls whose cell records claim a far-away column made
    // calamine allocate gigabytes. It is now refused before calamine reads it.
    assert!(
        matches!(
            err("fuzz_xls_huge_grid.xls"),
            Some(ImportError::TooLarge(_) | ImportError::Corrupt)
        ),
        "{:?}",
        err("fuzz_xls_huge_grid.xls")
    );
    // Also found by it: an .xls on which calamine panics; a corrupt file, not a crash.
    assert_eq!(err("fuzz_xls_panic.xls"), Some(ImportError::Corrupt));
    // The same with a well-formed .xls: one LABELSST cell moved to row and column 60,000.
    let mut xls = fixture("template_households.xls");
    let at = xls
        .windows(4)
        .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
        .expect("a LABELSST record");
    xls[at + 4..at + 6].copy_from_slice(&60_000u16.to_le_bytes());
    xls[at + 6..at + 8].copy_from_slice(&60_000u16.to_le_bytes());
    assert!(
        matches!(imports::parse(&xls, &limits), Err(ImportError::TooLarge(_))),
        "{:?}",
        imports::parse(&xls, &limits).err()
    );
    // A Word file renamed .xlsx is a zip, but not a workbook.
    let mut docx = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut docx);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut z, b"<w:document/>").unwrap();
        z.finish().unwrap();
    }
    assert_eq!(
        imports::parse(docx.get_ref(), &limits).err(),
        Some(ImportError::NotSpreadsheet)
    );
    let small = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    assert!(matches!(
        imports::parse(&fixture("template_households.xlsx"), &small),
        Err(ImportError::TooLarge(_))
    ));
    let few = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    assert!(matches!(
        imports::parse(&fixture("template_households.xlsx"), &few),
        Err(ImportError::TooLarge(_))
    ));
    for e in [
        ImportError::Empty,
        ImportError::NotSpreadsheet,
        ImportError::NoHeader,
    ] {
        assert!(!e.to_string().is_empty());
    }
}

both!(export_then_import_changes_nothing, round_trip);
async fn round_trip(b: Backend) {
    let app = common::spawn(b).await;
    let c = commune(&app).await;
    let scope = committee(&c);
    let (sc, cc) = (scope.clone(), c.clone());
    let (name, bytes, members) = app
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (name, bytes) = imports::export::households(tx, &sc, &cc, now()).await?;
                let (_, members) = imports::export::members(tx, &sc, &cc, now()).await?;
                Ok((name, bytes, members))
            })
        })
        .await
        .expect("export");
    assert!(name.ends_with(".xlsx"));
    let total = app
        .count(
            "SELECT COUNT(*) FROM households WHERE commune_id = ?",
            &[c.id.clone().into()],
        )
        .await as usize;
    let out = import(&app, &c, Kind::Households, &bytes, true).await;
    assert_eq!(
        counts(&out),
        (0, 0, total, 0),
        "{:#?}",
        &out.rejected[..out.rejected.len().min(5)]
    );
    let total = app
        .count(
            "SELECT COUNT(*) FROM members WHERE commune_id = ?",
            &[c.id.clone().into()],
        )
        .await as usize;
    let out = import(&app, &c, Kind::Members, &members, true).await;
    assert_eq!(
        counts(&out),
        (0, 0, total, 0),
        "{:#?}",
        &out.rejected[..out.rejected.len().min(5)]
    );
}

both!(export_writes_formula_like_text_as_text, export_text_cells);
async fn export_text_cells(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    import(
        &app,
        &v,
        Kind::Households,
        &fixture("template_households.xlsx"),
        true,
    )
    .await;
    app.exec(
        "UPDATE households SET xom = '=1+1' WHERE village_id = ?",
        &[v.id.clone().into()],
    )
    .await;
    let vv = v.clone();
    let (_, bytes) = app
        .db
        .read(move |tx| {
            Box::pin(
                async move { imports::export::households(tx, &committee(&vv), &vv, now()).await },
            )
        })
        .await
        .expect("export");
    let parsed = imports::parse(&bytes, &Limits::default()).expect("parse export");
    assert_eq!(parsed.rows.len(), 5);
    let xom = parsed
        .header
        .columns
        .iter()
        .find(|c| c.label == "Xóm")
        .expect("xóm")
        .index;
    assert!(
        parsed.rows.iter().all(|r| r.get(xom).text() == "=1+1"),
        "text, not a formula"
    );
    // Vietnamese order by given name: An, Bình, Cường, Dung, Hoà.
    let name = parsed
        .header
        .columns
        .iter()
        .find(|c| c.label == "Họ và tên chủ hộ")
        .expect("name")
        .index;
    let names: Vec<String> = parsed.rows.iter().map(|r| r.get(name).text()).collect();
    assert_eq!(
        names,
        [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Hoàng Thị Hoà"
        ]
    );
}

both!(cli_import_dry_run_then_apply, cli_import);
async fn cli_import(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    let file = format!(
        "{}/tests/fixtures/messy_households.xlsx",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = app.cli(&[
        "import",
        "households",
        &file,
        "--village",
        "12280/Thử Nghiệm",
        "--dry-run",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["new"], 4);
    assert_eq!(json["rejected_count"], 2);
    assert_eq!(json["rejected"][1]["row"], 13);
    assert_eq!(json["converted"][0]["encoding"], "TCVN3");
    assert_eq!(households_in(&app, &v).await, 0);
    // All or nothing: two rows are rejected, so a plain import writes nothing and says why.
    let out = app.cli(&[
        "import",
        "households",
        &file,
        "--village",
        "12280/Thử Nghiệm",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("chưa nhập dòng nào"));
    assert_eq!(households_in(&app, &v).await, 0);
    let out = app.cli(&[
        "import",
        "households",
        &file,
        "--village",
        "12280/Thử Nghiệm",
        "--skip-rejected",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(households_in(&app, &v).await, 4);
    let bomb = format!(
        "{}/tests/fixtures/zip_bomb.xlsx",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = app.cli(&[
        "import",
        "households",
        &bomb,
        "--village",
        "12280/Thử Nghiệm",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bom nén"));
}

/// multipart/form-data by hand (reqwest's multipart feature is not enabled).
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "danvan-test-boundary-91c2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

both!(web_upload_preview_confirm, web_flow);
async fn web_flow(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let page = c.get_text("/imports").await;
    assert!(
        page.contains("multipart/form-data") && page.contains(&village),
        "{page}"
    );
    let before = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await;
    let send = |fields: Vec<(&'static str, String)>, file: Vec<u8>, csrf: bool| {
        let mut all: Vec<(&str, String)> = Vec::new();
        if csrf {
            all.push(("_csrf", c.csrf.clone()));
        }
        all.extend(fields);
        let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (ct, body) = multipart(&refs, &file);
        c.http
            .post(c.url("/imports"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let file = fixture("messy_households.xlsx");
    // Without the CSRF token nothing is kept.
    let res = send(
        vec![("kind", "households".into()), ("unit_id", village.clone())],
        file.clone(),
        false,
    )
    .await
    .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::FORBIDDEN);
    // A file that is not a spreadsheet: the form again, with the reason.
    let res = send(
        vec![("kind", "households".into()), ("unit_id", village.clone())],
        fixture("not_a_spreadsheet.xlsx"),
        true,
    )
    .await
    .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("không phải bảng tính"));
    let res = send(
        vec![("kind", "households".into()), ("unit_id", village.clone())],
        file,
        true,
    )
    .await
    .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let preview = common::location(&res);
    let page = c.get_text(&preview).await;
    assert!(
        page.contains("Dòng không nhập được") && page.contains("Điện thoại"),
        "{page}"
    );
    assert!(page.contains("TCVN3"), "{page}");
    // Another user cannot see this upload.
    let other = app.login("xa.luongbang").await;
    assert_eq!(
        other.get(&preview).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    // The rejected rows, as a spreadsheet that imports back (with its "Lỗi" column).
    let res = c.get(&format!("{preview}/rejected.xlsx")).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let parsed = imports::parse(&bytes, &Limits::default()).expect("rejected rows file");
    assert_eq!(parsed.rows.len(), 2);
    assert!(parsed.header.labels.iter().any(|l| l == "Lỗi"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()]
        )
        .await,
        before,
        "a preview writes nothing"
    );
    // All or nothing: with rejected rows, applying without the explicit choice writes nothing.
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("chưa nhập dòng nào"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()]
        )
        .await,
        before,
        "a refused apply writes nothing"
    );
    let res = c
        .post_form(&format!("{preview}/apply"), &[("skip_rejected", "1")])
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()]
        )
        .await,
        before + 4
    );
    assert!(c.get_text(&preview).await.contains("Đã nhập xong"));
    // Applying twice is refused; nothing doubles.
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::CONFLICT);
    let imports = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'household'",
            &[],
        )
        .await;
    assert_eq!(imports, 1, "one audit event for the whole import");
    // Export and template downloads.
    for path in [
        "/exports/households.xlsx",
        "/exports/members.xlsx",
        "/imports/template/households.xlsx",
        "/imports/template/members.xlsx",
    ] {
        let res = c.get(path).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{path}");
    }
    let reads = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'household' AND entity_id = '*'", &[])
        .await;
    assert!(reads >= 1, "exports are audit-logged as reads");
}

both!(export_is_dated_by_vietnam_time, export_vietnam_date);
async fn export_vietnam_date(b: Backend) {
    let app = common::spawn(b).await;
    let v = fresh_village(&app, "Thử Nghiệm").await;
    import(
        &app,
        &v,
        Kind::Households,
        &fixture("template_households.xlsx"),
        true,
    )
    .await;
    // 00:30 on 2 March in Vietnam is still 1 March in UTC.
    app.exec(
        "UPDATE households SET updated_at = '2026-03-01T17:30:00.000Z', status = 'active' WHERE village_id = ?",
        &[v.id.clone().into()],
    )
    .await;
    let at = time::macros::datetime!(2026-03-01 17:30 UTC);
    let vv = v.clone();
    let (name, bytes) = app
        .db
        .read(move |tx| {
            Box::pin(async move { imports::export::households(tx, &committee(&vv), &vv, at).await })
        })
        .await
        .expect("export");
    assert_eq!(name, "ho-gia-dinh-thu-nghiem-2026-03-02.xlsx");
    let sheet = xlsx_sheet(&bytes);
    assert!(sheet[0][0].ends_with("ngày 02/03/2026"), "{:?}", sheet[0]);
    let header = sheet
        .iter()
        .position(|r| r.iter().any(|c| c == "Ngày cập nhật"))
        .expect("header row");
    let col = |label: &str| {
        sheet[header]
            .iter()
            .position(|c| c == label)
            .unwrap_or_else(|| panic!("{label}"))
    };
    let (updated, status) = (col("Ngày cập nhật"), col("Tình trạng"));
    let rows = &sheet[header + 1..];
    assert_eq!(rows.len(), 5);
    for r in rows {
        assert_eq!(r[updated], "2026-03-02");
        // The pages' word for an active household.
        assert_eq!(r[status], "Đang theo dõi");
    }
}

/// The first sheet as text; dates as yyyy-mm-dd.
fn xlsx_sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader};
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = wb
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    // Excel's day 25569 is 1 January 1970.
                    Data::DateTime(d) => (time::macros::date!(1970 - 01 - 01)
                        + time::Duration::days(d.as_f64() as i64 - 25569))
                    .to_string(),
                    _ => c.to_string(),
                })
                .collect()
        })
        .collect()
}

both!(
    imported_households_get_the_village_code_prefix,
    import_code_prefix
);
async fn import_code_prefix(b: Backend) {
    let app = common::spawn(b).await;
    let v = app
        .db
        .read(|tx| Box::pin(async move { units::resolve(tx, "12280/Bằng Ngang").await }))
        .await
        .expect("village");
    let before = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[v.id.clone().into()],
        )
        .await;
    let csv = "Họ và tên chủ hộ,Xóm\nNguyễn Văn Tân Thử,Đông\nTrần Thị Tân Thử,Tây\n";
    let out = import(&app, &v, Kind::Households, csv.as_bytes(), true).await;
    assert_eq!(counts(&out).0, 2, "{:#?}", out.rejected);
    let codes: Vec<String> = app
        .rows(
            "SELECT code FROM households WHERE village_id = ? AND head_name LIKE '%Tân Thử' ORDER BY code",
            &[v.id.clone().into()],
        )
        .await
        .iter()
        .map(|r| r.str("code").unwrap())
        .collect();
    // The demo's Bằng Ngang numbers its households BN0001…; new ones continue it.
    assert_eq!(
        codes,
        [
            format!("BN{:04}", before + 1),
            format!("BN{:04}", before + 2)
        ]
    );
}

/// Uploads `file` for Bằng Ngang through the web form; the preview page's address.
async fn upload_preview(c: &common::Client, village: &str, file: &[u8]) -> String {
    let fields = [
        ("_csrf", c.csrf.as_str()),
        ("kind", "households"),
        ("unit_id", village),
    ];
    let (ct, body) = multipart(&fields, file);
    let res = c
        .http
        .post(c.url("/imports"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    common::location(&res)
}

both!(
    signature_rows_under_the_list_are_not_households,
    footer_rows
);
async fn footer_rows(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let csv = "Họ và tên chủ hộ,Xóm\n\
               Nguyễn Văn Chân Ký,Đông\n\
               Trần Thị Chân Ký,Tây\n\
               ,\n\
               NGƯỜI LẬP BIỂU,Xác nhận của trưởng thôn\n\
               Lê Văn Lập Biểu,Phạm Thị Trưởng Thôn\n\
               \"Ngày 12 tháng 3 năm 2024\",\n";
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    let page = c.get_text(&preview).await;
    assert!(
        page.contains("Bỏ qua dòng 5, 6, 7: dòng ký tên/ghi chú cuối bảng"),
        "{page}"
    );
    let before = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await;
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let after = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await;
    assert_eq!(after, before + 2, "only the two real rows");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name LIKE '%Lập Biểu%' OR head_name LIKE '%LẬP BIỂU%' OR head_name LIKE 'Ngày%'",
            &[],
        )
        .await,
        0
    );
}

both!(
    columns_not_imported_are_named_in_the_preview,
    ignored_columns
);
async fn ignored_columns(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let csv = "STT,Họ và tên chủ hộ,Xóm,Tôn giáo,Dân tộc,Ghi chú\n\
               1,Nguyễn Văn Cột Bỏ,Đông,Phật giáo,Kinh,hay đi họp\n";
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    let page = c.get_text(&preview).await;
    assert!(
        page.contains("Các cột không nhập: Tôn giáo, Dân tộc, Ghi chú — danvan không lưu tôn giáo, dân tộc hay quan điểm của ai"),
        "{page}"
    );
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    // Still named once applied (the saved outcome is what the page shows then).
    assert!(c
        .get_text(&preview)
        .await
        .contains("Các cột không nhập: Tôn giáo"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name = 'Nguyễn Văn Cột Bỏ'",
            &[],
        )
        .await,
        1
    );
}

both!(
    mapped_categories_are_named_in_the_preview,
    mapped_categories
);
async fn mapped_categories(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let csv = "Họ và tên chủ hộ,Xóm,Diện hỗ trợ\n\
               Nguyễn Văn Hiểu Diện,Đông,Người cao tuổi\n\
               Trần Thị Hiểu Diện,Tây,\"người cao tuổi, Hộ nghèo\"\n\
               Lê Văn Hiểu Diện,Tây,Hộ nghèo\n";
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    let page = c.get_text(&preview).await;
    assert!(
        page.contains("Đã hiểu “Người cao tuổi” là “Người cao tuổi neo đơn” (2 dòng)"),
        "{page}"
    );
    // Written as in the list: no message.
    assert!(!page.contains("“Hộ nghèo”"), "{page}");
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM households WHERE head_name LIKE '%Hiểu Diện' AND support_categories LIKE '%cao_tuoi_neo_don%'",
            &[],
        )
        .await,
        2
    );
}

both!(preview_lists_the_households_it_adds, added_rows);
async fn added_rows(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let before = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await;
    // Names take no digits: 53 distinct ones from two syllables.
    const A: [&str; 8] = ["An", "Bình", "Cường", "Dũng", "Hà", "Khánh", "Lan", "Minh"];
    let name = |n: usize| format!("Nguyễn {} {} Thêm", A[n / 8], A[n % 8]);
    let mut csv = String::from("Họ và tên chủ hộ,Số nhà,Xóm\n");
    for n in 0..53 {
        csv.push_str(&format!("{},{},Đông\n", name(n), n + 1));
    }
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    let page = c.get_text(&preview).await;
    assert!(page.contains("Các hộ sẽ thêm"), "{page}");
    let first = format!(">BN{:04}<", before + 1);
    assert!(
        page.contains(&first)
            && page.contains(&format!(">{}<", name(0)))
            && page.contains(">Số 1, xóm Đông<"),
        "{page}"
    );
    assert!(page.contains(&format!(">{}<", name(49))), "{page}");
    assert!(
        !page.contains(&format!(">{}<", name(50))),
        "only the first 50: {page}"
    );
    assert!(page.contains("và 3 hộ nữa"), "{page}");
    assert!(page.len() < 30_000, "{} bytes", page.len());
}

both!(
    capitals_and_lowercase_names_get_title_case_by_choice,
    title_case_names
);
async fn title_case_names(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let stored = |name: &'static str| {
        let app = &app;
        async move {
            app.count(
                "SELECT COUNT(*) FROM households WHERE head_name = ?",
                &[name.into()],
            )
            .await
        }
    };
    let csv = "Họ và tên chủ hộ,Xóm\n\
               NGUYỄN VĂN HOA THỬ,Đông\n\
               trần thị hoa thử,Tây\n\
               Lê Văn Hoa Thử,Tây\n";
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    let page = c.get_text(&preview).await;
    assert!(
        page.contains("2 tên viết toàn chữ hoa hoặc toàn chữ thường")
            && page.contains("Viết hoa chữ cái đầu mỗi tiếng (NGUYỄN VĂN A → Nguyễn Văn A)")
            && page.contains(r#"name="title_case" value="1" checked"#),
        "{page}"
    );
    let res = c
        .post_form(&format!("{preview}/apply"), &[("title_case", "1")])
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(stored("Nguyễn Văn Hoa Thử").await, 1);
    assert_eq!(stored("Trần Thị Hoa Thử").await, 1);
    assert_eq!(stored("Lê Văn Hoa Thử").await, 1);
    assert_eq!(stored("NGUYỄN VĂN HOA THỬ").await, 0);

    // Unchecked (the box sends nothing): names stay as typed.
    let csv = "Họ và tên chủ hộ,Xóm\nPHẠM VĂN GIỮ NGUYÊN,Đông\n";
    let preview = upload_preview(&c, &village, csv.as_bytes()).await;
    assert!(c
        .get_text(&preview)
        .await
        .contains("1 tên viết toàn chữ hoa hoặc toàn chữ thường"));
    let res = c.post_form(&format!("{preview}/apply"), &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(stored("PHẠM VĂN GIỮ NGUYÊN").await, 1);
    assert_eq!(stored("Phạm Văn Giữ Nguyên").await, 0);
}
