//! `danvan import households|members FILE --village REF|--commune REF [--dry-run] [--json]`.

use std::path::Path;

use super::limits::Limits;
use super::store::{self, Kind, Options, Outcome};
use crate::auth::{Role, Scope};
use crate::db::Db;

/// The console operator already holds the database; the import still runs through a
/// scope, as the committee of the unit named on the command line.
fn console_scope(unit: &crate::units::store::Unit) -> Scope {
    Scope::unsafe_system_at("cli-import", Role::CommuneCommittee, unit)
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Runs the import; `Ok(false)` when the file could not be read (message printed).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    db: &Db,
    secret: &str,
    citizen_id_enabled: bool,
    kind: Kind,
    file: &Path,
    unit_ref: &str,
    unit_kind: &str,
    dry_run: bool,
    skip_rejected: bool,
    json: bool,
) -> anyhow::Result<bool> {
    let limits = Limits::default();
    let len = std::fs::metadata(file)
        .map_err(|e| anyhow::anyhow!("không mở được tệp {}: {e}", file.display()))?
        .len();
    let fail = |msg: String| -> anyhow::Result<bool> {
        if json {
            println!("{}", serde_json::json!({ "error": msg }));
        } else {
            eprintln!("Lỗi: {msg}");
        }
        Ok(false)
    };
    if let Err(e) = limits.check_size(usize::try_from(len).unwrap_or(usize::MAX)) {
        return fail(e.to_string());
    }
    let bytes = std::fs::read(file)?;
    let parsed = match super::parse(&bytes, &limits) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    let (unit_ref, unit_kind, secret) =
        (unit_ref.to_owned(), unit_kind.to_owned(), secret.to_owned());
    let hash = sha256(&bytes);
    // The whole import is one unit of work: all of it or (dry run, refusal) none of it.
    let result = db
        .write(move |tx| {
            Box::pin(async move {
                let unit = crate::units::store::resolve(tx, &unit_ref).await?;
                if unit.kind != unit_kind {
                    let want = if unit_kind == "village" {
                        "thôn (--village)"
                    } else {
                        "xã (--commune)"
                    };
                    return Ok(Err(format!(
                        "\"{unit_ref}\" là {}, không phải {want}",
                        unit.display_name()
                    )));
                }
                let scope = console_scope(&unit);
                let outcome = store::run(
                    tx,
                    &scope,
                    &unit,
                    kind,
                    &parsed,
                    &Options {
                        secret: &secret,
                        citizen_id_enabled,
                        apply: !dry_run,
                        sha256: &hash,
                        skip_rejected,
                        // A script's file is imported as written.
                        title_case_names: false,
                    },
                )
                .await;
                match outcome {
                    // Rows were rejected and the person did not choose to skip them:
                    // nothing written.
                    Err(crate::error::AppError::Conflict(msg)) => {
                        Err(crate::error::AppError::Conflict(msg))
                    }
                    other => other.map(Ok),
                }
            })
        })
        .await;
    let outcome = match result {
        Ok(Ok(o)) => o,
        Ok(Err(msg)) | Err(crate::error::AppError::Conflict(msg)) => return fail(msg),
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        print_text(&outcome, dry_run);
    }
    Ok(true)
}

fn print_text(o: &Outcome, dry_run: bool) {
    println!(
        "{} {} — {}: {} mới, {} cập nhật, {} không đổi, {} bị từ chối.",
        if dry_run {
            "Xem trước (chưa ghi gì)"
        } else {
            "Đã nhập"
        },
        o.kind.label_vi(),
        o.unit,
        o.new,
        o.updated,
        o.unchanged,
        o.rejected_count
    );
    for c in &o.converted {
        println!(
            "Cột \"{}\": đã chuyển {} ô từ mã {} sang Unicode.",
            c.column, c.cells, c.encoding
        );
    }
    for n in &o.notes {
        println!("{n}");
    }
    for r in &o.rejected {
        println!("Dòng {}, cột \"{}\": {}", r.row, r.column, r.reason);
    }
}
