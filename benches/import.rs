//! Import benchmark: 100,000 households as CSV and as XLSX (written with rust_xlsxwriter)
//! into a fresh SQLite database, against the sqlite3 shell's `.import` of the same CSV
//! into a plain table, timed in the same run. Peak memory (VmHWM) is printed after each
//! phase to show the file is not held twice.
//!
//!   cargo bench --bench import
//!   DANVAN_BENCH_ROWS=20000 cargo bench --bench import

use std::path::Path;
use std::time::Instant;

use danvan::auth::{Role, Scope};
use danvan::config::Config;
use danvan::db::Db;
use danvan::imports::limits::Limits;
use danvan::imports::store::{self, Kind, Options};
use danvan::units::store as units;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Hữu"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dung", "Hòa", "Hương", "Lan", "Minh", "Nga", "Phúc", "Quý", "Sơn",
    "Tâm", "Thắng", "Thủy", "Tú",
];
const HEADERS: &[&str] = &[
    "Họ và tên chủ hộ",
    "Xóm",
    "Số nhà",
    "Số điện thoại",
    "Số nhân khẩu",
];

fn row(i: usize) -> [String; 5] {
    [
        format!(
            "{} {} {}",
            FAMILY[i % 10],
            MIDDLE[(i / 10) % 8],
            GIVEN[(i / 80) % 16]
        ),
        format!("Xóm {}", i % 40 + 1),
        format!("{}", i + 1),
        format!("09{:08}", i),
        format!("{}", i % 8 + 1),
    ]
}

fn write_csv(path: &Path, n: usize) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    w.write_record(HEADERS).expect("csv");
    for i in 0..n {
        w.write_record(row(i)).expect("csv");
    }
    w.flush().expect("csv");
}

fn write_xlsx(path: &Path, n: usize) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("write");
    }
    for i in 0..n {
        for (c, v) in row(i).iter().enumerate() {
            sheet
                .write_string(i as u32 + 1, c as u16, v)
                .expect("write");
        }
    }
    book.save(path).expect("save");
}

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn committee(unit: &units::Unit) -> Scope {
    Scope::unsafe_system_at("bench", Role::CommuneCommittee, unit)
}

/// Imports `file` into a new village; returns (seconds, rows written).
async fn ours(db: &Db, village: &str, file: &Path) -> (f64, usize) {
    let start = Instant::now();
    let bytes = std::fs::read(file).expect("read");
    let parsed = danvan::imports::parse(&bytes, &Limits::default()).expect("parse");
    drop(bytes);
    let village = village.to_owned();
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                let commune = units::resolve(tx, "12280").await?;
                let v = units::create_village(tx, &committee(&commune), &commune, &village).await?;
                store::run(
                    tx,
                    &committee(&v),
                    &v,
                    Kind::Households,
                    &parsed,
                    &Options {
                        secret: "bench",
                        citizen_id_enabled: false,
                        apply: true,
                        sha256: "",
                        skip_rejected: false,
                        title_case_names: true,
                    },
                )
                .await
            })
        })
        .await
        .expect("import");
    assert_eq!(out.rejected_count, 0, "{:?}", out.rejected.first());
    (start.elapsed().as_secs_f64(), out.new)
}

fn main() {
    let n: usize = std::env::var("DANVAN_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_path = dir.path().join("households.csv");
    let xlsx_path = dir.path().join("households.xlsx");
    write_csv(&csv_path, n);
    write_xlsx(&xlsx_path, n);
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "{n} households: CSV {:.1} MB, XLSX {:.1} MB",
        size(&csv_path),
        size(&xlsx_path)
    );

    // Baseline: the sqlite3 shell loading the same CSV into a plain table.
    let base_db = dir.path().join("baseline.db");
    let start = Instant::now();
    let status = std::process::Command::new("sqlite3")
        .arg(&base_db)
        .arg(format!(".import --csv {} households", csv_path.display()))
        .status();
    let baseline = start.elapsed().as_secs_f64();
    let baseline_ok = status.is_ok_and(|s| s.success());
    if baseline_ok {
        println!(
            "sqlite3 .import (baseline): {baseline:.2} s, {:.0} rows/s",
            n as f64 / baseline
        );
    } else {
        println!("sqlite3 shell not available: no baseline");
    }

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let data = dir.path().join("data");
        let cfg = Config::from_env("127.0.0.1:0".parse().expect("addr"), data.clone(), None);
        let db = Db::connect(None, &data).await.expect("db");
        db.migrate().await.expect("migrate");
        danvan::setup::ensure_ready(&db, &cfg).await.expect("setup");
        danvan::demo::seed(&db, Some("bench-password-123")).await.expect("seed");
        let before = vm_hwm_mb();
        println!("peak memory before imports: {before:.0} MB");
        for (label, file, village) in [("CSV", &csv_path, "Bench CSV"), ("XLSX", &xlsx_path, "Bench XLSX")] {
            let (secs, rows) = ours(&db, village, file).await;
            let ratio = if baseline_ok { format!(", {:.1}× the sqlite3 shell's time", secs / baseline) } else { String::new() };
            println!(
                "danvan import {label}: {rows} rows in {secs:.2} s, {:.0} rows/s{ratio}; peak memory {:.0} MB",
                rows as f64 / secs,
                vm_hwm_mb()
            );
        }
        db.close().await;
    });
}
