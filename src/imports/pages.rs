//! The import page for cell secretaries and commune staff: upload → preview with counts
//! and every rejected row → confirm. No JavaScript. The uploaded file stays on the
//! server (table `import_batches`, for the uploader only, for a day) between preview
//! and confirmation, so the person never uploads twice and cannot swap the file.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use serde::Deserialize;

use super::limits::Limits;
use super::store::{self, Kind, Options, Outcome};
use super::xlsx::{self, Out};
use super::{export, ImportError, Parsed};
use crate::auth::{Role, Scope, Session};
use crate::clock;
use crate::db::{Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::units::store::{self as units, Unit};
use crate::web::extract::{CsrfForm, CsrfMultipart, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};
use time::OffsetDateTime;

/// The upload route's own body limit: the largest file plus the form around it.
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024 + 64 * 1024;
/// How long an uploaded file waits for its confirmation.
const KEEP_HOURS: i64 = 24;

/// Units the user may import into: their villages, and communes where they sit on the committee.
async fn targets(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut out = Vec::new();
    for g in scope.grants() {
        if g.role == Role::CommuneCommittee && g.unit_kind == "commune" {
            out.push(units::get(tx, &g.unit_id).await?);
        }
    }
    out.extend(units::villages_in_scope(tx, scope).await?);
    Ok(out)
}

async fn targets_of(st: &AppState, s: &Session) -> AppResult<Vec<Unit>> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| Box::pin(async move { targets(tx, &scope).await }))
        .await
}

#[derive(Template)]
#[template(path = "imports/index.html")]
struct IndexPage {
    c: Chrome,
    targets: Vec<Unit>,
    error: String,
    kind: String,
    unit_id: String,
}

pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let targets = targets_of(&st, &s).await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("import")),
        targets,
        error: String::new(),
        kind: "households".into(),
        unit_id: String::new(),
    })
}

/// Receives the file, reads it, keeps it, and shows its preview.
pub async fn upload(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let s = &form.session;
    let kind_code = form.field("kind").to_owned();
    let unit_id = form.field("unit_id").to_owned();
    let targets = targets_of(&st, s).await?;
    let fail = |error: String, targets: Vec<Unit>| {
        page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &IndexPage {
                c: Chrome::new(lang, s, lang.t("import")),
                targets,
                error,
                kind: kind_code.clone(),
                unit_id: unit_id.clone(),
            },
        )
    };
    let Some(kind) = Kind::parse(&kind_code) else {
        return fail(
            "Hãy chọn loại danh sách: hộ gia đình hoặc đảng viên".into(),
            targets,
        );
    };
    let Some(unit) = targets.iter().find(|u| u.id == unit_id).cloned() else {
        return fail("Hãy chọn thôn hoặc xã để nhập".into(), targets);
    };
    let Some((_, file_name, bytes)) = form
        .files
        .iter()
        .find(|(n, _, b)| n == "file" && !b.is_empty())
    else {
        return fail(
            "Hãy chọn tệp danh sách (.xlsx, .xls hoặc .csv)".into(),
            targets,
        );
    };
    if let Err(e) = super::parse(bytes, &Limits::default()) {
        return fail(e.to_string(), targets);
    }
    let id = clock::new_id();
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let row: Vec<crate::db::Value> = vec![
        id.clone().into(),
        s.scope.user_id().to_owned().into(),
        kind.code().into(),
        unit.id.into(),
        name.into(),
        super::cli::sha256(bytes).into(),
        (bytes.len() as i64).into(),
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into(),
    ];
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let now = clock::now();
                tx.execute(
                    "DELETE FROM import_batches WHERE expires_at < ?",
                    &[now.clone().into()],
                )
                .await?;
                let expires = clock::stamp(
                    time::OffsetDateTime::now_utc() + time::Duration::hours(KEEP_HOURS),
                );
                let mut args = row;
                args.push(now.into());
                args.push(expires.into());
                tx.execute(
                    "INSERT INTO import_batches (id, user_id, kind, unit_id, file_name, sha256, size, content, created_at, expires_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &args,
                )
                .await?;
                Ok(())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

struct Batch {
    id: String,
    kind: Kind,
    unit: Unit,
    file_name: String,
    sha256: String,
    bytes: Vec<u8>,
    applied_at: Option<String>,
    outcome: Option<String>,
}

/// The user's own, unexpired batch; anyone else's is "not found".
async fn batch(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Batch> {
    let r = tx
        .fetch_optional(
            "SELECT id, kind, unit_id, file_name, sha256, content, applied_at, outcome FROM import_batches \
             WHERE id = ? AND user_id = ? AND expires_at > ?",
            &[id.into(), scope.user_id().to_owned().into(), clock::now().into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = Kind::parse(&r.str("kind")?).ok_or(AppError::NotFound)?;
    let unit = units::get(tx, &r.str("unit_id")?).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(r.str("content")?)
        .map_err(|_| AppError::internal("import batch content is not base64"))?;
    Ok(Batch {
        id: r.str("id")?,
        kind,
        unit,
        file_name: r.str("file_name")?,
        sha256: r.str("sha256")?,
        bytes,
        applied_at: r.opt_str("applied_at")?,
        outcome: r.opt_str("outcome")?,
    })
}

fn parse(b: &Batch) -> AppResult<Parsed> {
    super::parse(&b.bytes, &Limits::default())
        .map_err(|e: ImportError| AppError::BadRequest(e.to_string()))
}

/// What the person chose on the preview page (a preview itself applies nothing).
#[derive(Clone, Copy)]
struct Choice {
    apply: bool,
    skip_rejected: bool,
    title_case_names: bool,
}

/// What the import writes goes through [`store::run`], which only writes when `apply`.
async fn preview(
    secret: &str,
    citizen_id_enabled: bool,
    tx: &mut WriteTx,
    scope: &Scope,
    b: &Batch,
    choice: Choice,
) -> AppResult<Outcome> {
    let parsed = parse(b)?;
    store::run(
        tx,
        scope,
        &b.unit,
        b.kind,
        &parsed,
        &Options {
            secret,
            citizen_id_enabled,
            apply: choice.apply,
            sha256: &b.sha256,
            skip_rejected: choice.skip_rejected,
            title_case_names: choice.title_case_names,
        },
    )
    .await
}

/// The batch and its outcome: the saved one once applied, else a dry run (which writes
/// nothing: `store::run` only writes when applying).
async fn batch_outcome(st: &AppState, s: &Session, id: String) -> AppResult<(Batch, Outcome)> {
    let (secret, cid_on, scope) = (
        st.secret.clone(),
        st.config.citizen_id_enabled,
        s.scope.clone(),
    );
    st.db
        .write(move |tx| {
            Box::pin(async move {
                let b = batch(tx, &scope, &id).await?;
                let o = match b.outcome.as_deref().map(serde_json::from_str::<Outcome>) {
                    Some(Ok(o)) => o,
                    _ => {
                        // Shown as applying would with the page's defaults.
                        let choice = Choice {
                            apply: false,
                            skip_rejected: false,
                            title_case_names: true,
                        };
                        preview(&secret, cid_on, tx, &scope, &b, choice).await?
                    }
                };
                Ok((b, o))
            })
        })
        .await
}

#[derive(Template)]
#[template(path = "imports/preview.html")]
struct PreviewPage {
    c: Chrome,
    id: String,
    file_name: String,
    o: Outcome,
    applied: bool,
    applied_at: String,
    /// The first rejected rows (all of them are in the downloadable file).
    shown: Vec<super::Rejected>,
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (b, o) = batch_outcome(&st, &s, id).await?;
    page(&PreviewPage {
        c: Chrome::new(lang, &s, lang.t("import")),
        id: b.id,
        file_name: b.file_name,
        shown: o.rejected.iter().take(500).cloned().collect(),
        applied: b.applied_at.is_some(),
        applied_at: b.applied_at.unwrap_or_default(),
        o,
    })
}

#[derive(Deserialize, Default)]
pub struct Empty {}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    /// Set by the checkbox "chỉ nhập các dòng hợp lệ".
    skip_rejected: String,
    /// Set by the checkbox "Viết hoa chữ cái đầu mỗi tiếng" (checked on the page).
    title_case: String,
}

/// Confirms: applies the kept file in one transaction, once.
pub async fn apply(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<ApplyForm>,
) -> AppResult<Response> {
    let s = &form.session;
    let choice = Choice {
        apply: true,
        skip_rejected: !form.form.skip_rejected.is_empty(),
        title_case_names: !form.form.title_case.is_empty(),
    };
    let (secret, cid_on, scope) = (
        st.secret.clone(),
        st.config.citizen_id_enabled,
        s.scope.clone(),
    );
    let id = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let b = batch(tx, &scope, &id).await?;
                if b.applied_at.is_some() {
                    return Err(AppError::Conflict("Tệp này đã được nhập rồi".into()));
                }
                let o = preview(&secret, cid_on, tx, &scope, &b, choice).await?;
                let json = serde_json::to_string(&o)
                    .map_err(|e| AppError::internal(format!("json: {e}")))?;
                tx.execute(
                    "UPDATE import_batches SET applied_at = ?, outcome = ? WHERE id = ?",
                    &[clock::now().into(), json.into(), b.id.clone().into()],
                )
                .await?;
                Ok(b.id)
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

fn xlsx_response(file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The rejected rows as the file had them (text in Unicode), plus a "Lỗi" column, so
/// the secretary can fix them in Excel and import that file again.
pub async fn rejected(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (b, o) = batch_outcome(&st, &s, id).await?;
    let parsed = parse(&b)?;
    let skip = parsed
        .header
        .column(super::headers::Field::ErrorNote)
        .map(|c| c.index);
    let keep: Vec<usize> = (0..parsed.header.labels.len())
        .filter(|i| Some(*i) != skip)
        .collect();
    let mut headers: Vec<&str> = keep
        .iter()
        .map(|&i| parsed.header.labels[i].as_str())
        .collect();
    headers.push("Lỗi");
    let mut rows = Vec::new();
    for r in &o.rejected {
        let Some(row) = parsed.rows.iter().find(|x| x.number == r.row) else {
            continue;
        };
        let mut out: Vec<Out> = keep
            .iter()
            .map(|&i| match row.get(i) {
                super::table::Cell::Number(f) => Out::Number(*f),
                c => Out::Text(c.text()),
            })
            .collect();
        out.push(Out::Text(format!(
            "Dòng {}, cột \"{}\": {}",
            r.row, r.column, r.reason
        )));
        rows.push(out);
    }
    let title = format!("CÁC DÒNG CHƯA NHẬP ĐƯỢC — {}", b.file_name);
    let bytes = xlsx::write("Dòng lỗi", &title, &headers, &rows)?;
    Ok(xlsx_response("dong-loi.xlsx", bytes))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    unit: String,
}

/// The unit to export: the one asked for, else the user's first registry grant.
async fn export_unit(tx: &mut Tx, scope: &Scope, q: &UnitQuery) -> AppResult<Unit> {
    let id = if q.unit.is_empty() {
        scope
            .grants()
            .iter()
            .find(|g| g.role.keeps_registry())
            .map(|g| g.unit_id.clone())
            .ok_or(AppError::Forbidden)?
    } else {
        q.unit.clone()
    };
    units::get(tx, &id).await.map_err(|_| AppError::NotFound)
}

pub async fn export_households(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<UnitQuery>,
) -> AppResult<Response> {
    let (name, bytes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = export_unit(tx, &s.scope, &q).await?;
                export::households(tx, &s.scope, &unit, OffsetDateTime::now_utc()).await
            })
        })
        .await?;
    Ok(xlsx_response(&name, bytes))
}

pub async fn export_members(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<UnitQuery>,
) -> AppResult<Response> {
    let (name, bytes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = export_unit(tx, &s.scope, &q).await?;
                export::members(tx, &s.scope, &unit, OffsetDateTime::now_utc()).await
            })
        })
        .await?;
    Ok(xlsx_response(&name, bytes))
}

/// The blank template with Vietnamese headers and a sheet of instructions.
pub async fn template(_admitted: Session, Path(kind): Path<String>) -> AppResult<Response> {
    let (headers, guide, name): (&[&str], &[&str], &str) = match kind.as_str() {
        "households.xlsx" => (
            export::HOUSEHOLD_HEADERS,
            xlsx::HOUSEHOLD_GUIDE,
            "mau-ho-gia-dinh.xlsx",
        ),
        "members.xlsx" => (
            export::MEMBER_HEADERS,
            xlsx::MEMBER_GUIDE,
            "mau-dang-vien.xlsx",
        ),
        _ => return Err(AppError::NotFound),
    };
    // The export's own headers, less what only the registry fills in.
    let headers: Vec<&str> = headers
        .iter()
        .copied()
        .filter(|h| !matches!(*h, "Tình trạng" | "Ngày cập nhật"))
        .collect();
    let bytes = xlsx::template(&headers, guide)?;
    Ok(xlsx_response(name, bytes))
}
