//! `danvan report draft|show|export --unit … --period 2025-Q3 [--format docx|xlsx|html]`:
//! the operator's way to a unit's report, acting as the unit's own office (logged as
//! `system:report`). `draft` opens the draft (or finds the one there) with its figures;
//! `show` prints the figures; `export` writes the document.

use std::path::PathBuf;
use std::process::ExitCode;

use super::indicators::{target_text, value_text, Indicator};
use super::store::{self, Report};
use crate::auth::{Role, Scope};
use crate::db::Db;
use crate::error::AppError;
use crate::units::store as units;

#[derive(clap::Subcommand)]
pub enum ReportCmd {
    /// Open the draft of the unit's report for the period (or find it), and print it.
    Draft(Target),
    /// Print the report's figures and status.
    Show(Target),
    /// Write the report as DOCX, its annex as XLSX, or the A4 page as HTML.
    Export {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_enum, default_value_t = Format::Docx)]
        format: Format,
        /// Where to write; default: the file name the web page gives.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args, Clone)]
pub struct Target {
    /// The commune or province: id, official code.
    #[arg(long)]
    unit: String,
    /// `2025-Q3`, `2025-M07`, `2025-H1`, `2025`.
    #[arg(long)]
    period: String,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Docx,
    Xlsx,
    Html,
}

/// The unit's own office: its committee (a commune) or its board (a province).
async fn office(db: &Db, unit: &str) -> anyhow::Result<(Scope, String)> {
    let unit = unit.to_owned();
    let u = db
        .read(move |tx| Box::pin(async move { units::resolve(tx, &unit).await }))
        .await?;
    if !store::reports_on(&u) {
        anyhow::bail!(
            "{} không lập báo cáo định kỳ: chọn một xã, phường hoặc một tỉnh",
            u.name
        );
    }
    let role = if u.kind == "province" {
        Role::Supervisor
    } else {
        Role::CommuneCommittee
    };
    Ok((Scope::unsafe_system_at("report", role, &u), u.id))
}

async fn load(db: &Db, t: &Target, open: bool) -> anyhow::Result<Report> {
    let (scope, unit_id) = office(db, &t.unit).await?;
    let period = t.period.clone();
    let id = if open {
        let s = scope.clone();
        db.write(move |tx| Box::pin(async move { store::open(tx, &s, &unit_id, &period).await }))
            .await?
    } else {
        let s = scope.clone();
        db.read(move |tx| {
            Box::pin(async move {
                let unit = units::get(tx, &unit_id).await?;
                let cutoff = super::cutoff::cutoff_for(tx, &unit).await?;
                let p = super::period::Period::parse(&period, cutoff).ok_or_else(|| {
                    AppError::invalid("period", "Kỳ báo cáo chưa đúng (vd. 2025-Q3)")
                })?;
                Ok(store::find(tx, &s, &unit, &p)
                    .await?
                    .ok_or(AppError::NotFound)?
                    .id)
            })
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound => {
                anyhow::anyhow!("Chưa có báo cáo của kỳ này: lập bằng `danvan report draft`")
            }
            e => e.into(),
        })?
    };
    Ok(db
        .read(move |tx| Box::pin(async move { store::get(tx, &scope, &id).await }))
        .await?)
}

fn print(r: &Report) {
    println!(
        "{} — {} ({})",
        r.unit.name,
        r.period.label_vi(),
        r.number_text()
    );
    println!("Tình trạng: {}", r.status.label_vi());
    for i in Indicator::ALL {
        println!(
            "  {:<48} {:>22}  kỳ trước {:>22}  chỉ tiêu {}",
            i.label_vi(),
            value_text(i, &r.figures),
            value_text(i, &r.previous),
            target_text(i, &r.targets)
        );
    }
    for c in &r.corrections {
        println!(
            "  Đính chính {}: {} từ {} thành {}",
            c.period,
            c.indicator.label_vi(),
            c.reported,
            c.now
        );
    }
}

pub async fn run(db: &Db, cmd: ReportCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportCmd::Draft(t) => print(&load(db, &t, true).await?),
        ReportCmd::Show(t) => print(&load(db, &t, false).await?),
        ReportCmd::Export {
            target,
            format,
            out,
        } => {
            let r = load(db, &target, false).await?;
            let base = format!(
                "Bao-cao-{}-{}",
                crate::text::fold(&r.unit.name).replace(' ', "-"),
                r.period.key()
            );
            let (bytes, ext) = match format {
                Format::Docx => (super::render_docx::render(&r)?, "docx"),
                Format::Xlsx => (super::render_xlsx::render(&r, &[])?, "xlsx"),
                Format::Html => (super::pages::print_html(&r)?.into_bytes(), "html"),
            };
            let path = out.unwrap_or_else(|| PathBuf::from(format!("{base}.{ext}")));
            std::fs::write(&path, bytes)?;
            println!("Đã ghi {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
