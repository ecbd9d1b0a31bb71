//! The command line. Every command that takes a unit accepts its id, an official code
//! (`12280`) or `commune-code/Village name` (`12280/Bằng Ngang`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::Application;
use crate::auth::{store as users, Role};
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;

#[derive(Parser)]
#[command(
    name = "danvan",
    version,
    about = "Dân vận khéo 1+10 — mỗi đảng viên phụ trách khoảng mười hộ gia đình"
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// Data folder (the SQLite file, backups).
    #[arg(long, global = true, env = "DANVAN_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite file.
    #[arg(long, global = true, env = "DANVAN_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct ListenArgs {
    #[arg(long, env = "DANVAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve(ListenArgs),
    /// Create the pilot commune's demo data (when empty) and serve it.
    Demo(ListenArgs),
    /// Apply database migrations.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// The unit tree.
    #[command(subcommand)]
    Units(UnitsCmd),
    /// Is the server answering? Exit code 0 when /healthz says ok.
    Healthcheck {
        #[arg(long, env = "DANVAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// A consistent copy of the database, safe while the server runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty database.
    Restore { file: PathBuf },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The contacts and petitions counters.
    #[command(subcommand)]
    Counters(CountersCmd),
    /// Periodic reports: draft, show, export (DOCX, XLSX, HTML).
    #[command(subcommand)]
    Report(crate::reports::cli::ReportCmd),
    /// Draft who looks after which household (the 1+10 assignment) for a village, or
    /// every village of a commune or province (`--all`).
    Assign(crate::assignment::cli::AssignArgs),
    /// Import households or Party members from an XLSX, XLS or CSV file: all or nothing
    /// unless `--skip-rejected`.
    Import {
        kind: ImportKind,
        file: PathBuf,
        /// The village every row goes to (id, or `commune-code/Village name`).
        #[arg(long, conflicts_with = "commune", required_unless_present = "commune")]
        village: Option<String>,
        /// The commune; each row names its village in a "Thôn" column.
        #[arg(long)]
        commune: Option<String>,
        /// Preview: count and check, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even when some are rejected (default: all or nothing).
        #[arg(long)]
        skip_rejected: bool,
        #[arg(long)]
        json: bool,
    },
    /// Fill the database with deterministic synthetic data, for benchmarks: communes of
    /// the pilot's province with their villages, households and members.
    Generate {
        #[arg(long, default_value_t = 10_000)]
        households: usize,
        #[arg(long, default_value_t = 1)]
        communes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also make approved assignment plans and about this many contacts per assigned
        /// household over the year before `--contacts-until` (0: neither).
        #[arg(long, default_value_t = 0)]
        contacts_per_household_year: u32,
        /// Also raise about this many petitions in all, spread over the communes and
        /// the year, each carried along its path by the store as far as its days allow.
        #[arg(long, default_value_t = 0)]
        petitions: usize,
        /// The day the year of contacts and petitions ends (excluded), dd/mm/yyyy or
        /// yyyy-mm-dd; default: today in Vietnam.
        #[arg(long)]
        contacts_until: Option<String>,
    },
}

#[derive(Subcommand)]
enum CountersCmd {
    /// Recount every contacts and petitions counter from the raw rows and compare; exit
    /// code 1 when any stored counter differs.
    Verify,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Households,
    Members,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user with one grant; prints the password when none is given. With
    /// `--member ID`: the Party member's own account (member role over their village,
    /// username derived from their name unless given, one-time password).
    Add {
        #[arg(required_unless_present = "member")]
        username: Option<String>,
        #[arg(long, required_unless_present = "member", conflicts_with = "member")]
        name: Option<String>,
        #[arg(long, required_unless_present = "member", conflicts_with = "member")]
        role: Option<String>,
        #[arg(long, required_unless_present = "member", conflicts_with = "member")]
        unit: Option<String>,
        /// The member record the account belongs to.
        #[arg(long)]
        member: Option<String>,
        #[arg(long, env = "DANVAN_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Give a user another role over a unit.
    Grant {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: String,
    },
    /// Disable a user; their sessions and tokens end at once.
    Disable { username: String },
    /// Set a new password (printed when none is given); ends the user's sessions.
    ResetPassword {
        username: String,
        #[arg(long, env = "DANVAN_NEW_PASSWORD")]
        password: Option<String>,
    },
}

#[derive(Subcommand)]
enum UnitsCmd {
    /// Load the official catalogue of provinces and communes (idempotent).
    Load,
    /// List the units under a unit (default: the provinces).
    List {
        #[arg(long)]
        under: Option<String>,
        #[arg(long)]
        json: bool,
        /// Include units no longer in force.
        #[arg(long)]
        history: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute every hash chain; exit code 1 when anything was edited, deleted or reordered.
    Verify {
        #[arg(long)]
        json: bool,
        /// Also check the chains against a checkpoint (`danvan audit checkpoint`): this
        /// catches a rewrite that recomputed the hashes. Needs the audit key.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Export the chains' heads now, MAC'd with the audit key (DANVAN_AUDIT_KEY or
    /// DANVAN_AUDIT_KEY_FILE), as JSON lines; keep the file away from the database.
    Checkpoint {
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Move events before a date out of the database into a compressed file that proves
    /// itself (see `verify-archive`); verify then carries on from the archive's end.
    Archive {
        /// dd/mm/yyyy or yyyy-mm-dd, Vietnam time; default: DANVAN_AUDIT_RETENTION_MONTHS
        /// (24) whole months are kept.
        #[arg(long)]
        before: Option<String>,
        /// The file to write (it must not exist), e.g. audit-2024.jsonl.gz.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check archive files: every event's hash and link, and that each file starts where
    /// the previous one (in the order given) ended.
    VerifyArchive { files: Vec<PathBuf> },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DANVAN_LOG")
                .unwrap_or_else(|_| "danvan=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Lỗi: không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            // A page shows each field's message beside the field; a terminal has none, so
            // they follow the headline ("Dữ liệu chưa hợp lệ" alone says nothing to fix).
            if let Some(AppError::Validation(fields)) = e.downcast_ref::<AppError>() {
                for f in fields {
                    eprintln!("  - {}: {}", f.field, f.message);
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn config(store: &StoreArgs, listen: SocketAddr) -> Config {
    Config::from_env(listen, store.data_dir.clone(), store.database_url.clone())
}

async fn open(store: &StoreArgs) -> anyhow::Result<(Db, Config)> {
    let cfg = config(store, "127.0.0.1:0".parse()?);
    let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
    db.migrate().await?;
    db.seal_pending().await?;
    crate::setup::ensure_ready(&db, &cfg).await?;
    Ok((db, cfg))
}

fn parse_role(s: &str) -> anyhow::Result<Role> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        anyhow::anyhow!(
            "vai trò \"{s}\" không có; chọn một trong: {}",
            all.join(", ")
        )
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let store = cli.store;
    match cli.command {
        Command::Serve(l) => {
            let app = Application::build(config(&store, l.listen)).await?;
            eprintln!("danvan đang chạy tại http://{}", app.addr);
            app.run().await?;
        }
        Command::Demo(l) => {
            let app = Application::build(config(&store, l.listen)).await?;
            let fixed = std::env::var("DANVAN_DEMO_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            let created = crate::demo::seed(&app.state.db, fixed.as_deref()).await?;
            print_demo_users(&created);
            eprintln!(
                "danvan (dữ liệu mẫu xã Lương Bằng) đang chạy tại http://{}",
                app.addr
            );
            app.run().await?;
        }
        Command::Migrate => {
            open(&store).await?;
            println!("Đã cập nhật cấu trúc cơ sở dữ liệu.");
        }
        Command::User(cmd) => return user(&store, cmd).await,
        Command::Units(cmd) => return units(&store, cmd).await,
        Command::Healthcheck { listen } => return healthcheck(listen).await,
        Command::Assign(args) => {
            let (db, _) = open(&store).await?;
            return crate::assignment::cli::run(&db, args).await;
        }
        Command::Backup { out } => {
            let (db, cfg) = open(&store).await?;
            crate::db::backup::backup(&db, &cfg, &out).await?;
            println!("Đã sao lưu vào {}", out.display());
        }
        Command::Restore { file } => {
            let cfg = config(&store, "127.0.0.1:0".parse()?);
            crate::db::backup::restore(&cfg, &file).await?;
            println!("Đã khôi phục từ {}", file.display());
        }
        // Archive files are checked on their own: no database needed.
        Command::Audit(AuditCmd::VerifyArchive { files }) => return audit_verify_archive(&files),
        Command::Audit(cmd) => return audit(&store, cmd).await,
        Command::Import {
            kind,
            file,
            village,
            commune,
            dry_run,
            skip_rejected,
            json,
        } => {
            let cfg = config(&store, "127.0.0.1:0".parse()?);
            let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
            db.migrate().await?;
            let secret = crate::setup::ensure_ready(&db, &cfg).await?;
            let kind = match kind {
                ImportKind::Households => crate::imports::store::Kind::Households,
                ImportKind::Members => crate::imports::store::Kind::Members,
            };
            let unit_kind = if village.is_some() {
                "village"
            } else {
                "commune"
            };
            let unit = village.or(commune).unwrap_or_default();
            let ok = crate::imports::cli::run(
                &db,
                &secret,
                cfg.citizen_id_enabled,
                kind,
                &file,
                &unit,
                unit_kind,
                dry_run,
                skip_rejected,
                json,
            )
            .await?;
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Report(cmd) => {
            let (db, _) = open(&store).await?;
            return crate::reports::cli::run(&db, cmd).await;
        }
        Command::Counters(CountersCmd::Verify) => {
            let (db, _) = open(&store).await?;
            let contacts = crate::contacts::cli::verify(&db).await?;
            let petitions = crate::petitions::cli::verify(&db).await?;
            return Ok(if contacts && petitions {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Generate {
            households,
            communes,
            seed,
            contacts_per_household_year,
            petitions,
            contacts_until,
        } => {
            let until = match contacts_until.as_deref() {
                None => crate::contacts::pages::today(),
                Some(raw) => crate::contacts::model::parse_day(raw).ok_or_else(|| {
                    anyhow::anyhow!("--contacts-until \"{raw}\": ghi theo dạng ngày/tháng/năm")
                })?,
            };
            let contacts = match contacts_per_household_year {
                0 => None,
                per_year => Some(crate::demo::generate::ContactsSpec { per_year, until }),
            };
            let communes = communes.max(1);
            let petitions = match petitions {
                0 => None,
                n => Some(crate::demo::generate::PetitionsSpec {
                    per_commune: n.div_ceil(communes),
                    until,
                }),
            };
            let (db, _) = open(&store).await?;
            let g = crate::demo::generate::generate(
                &db, households, communes, seed, contacts, petitions,
            )
            .await?;
            println!(
                "Đã tạo {} xã, {} thôn, {} hộ, {} đảng viên, {} lần tiếp xúc, {} kiến nghị ({} bước) trong {:.1} s ({:.0} hộ/s)",
                g.communes,
                g.villages,
                g.households,
                g.members,
                g.contacts,
                g.petitions,
                g.petition_steps,
                g.seconds,
                g.households as f64 / g.seconds.max(1e-9)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_demo_users(created: &[(String, String, Role)]) {
    if created.is_empty() {
        eprintln!("Dữ liệu mẫu đã có từ trước; mật khẩu không hiện lại (đặt lại bằng `danvan user reset-password TÊN`).");
        return;
    }
    println!("Tài khoản mẫu (mật khẩu chỉ hiện một lần):");
    for (u, p, r) in created {
        println!("  {u:<18} {p:<16} {}", r.label_vi());
    }
}

async fn user(store: &StoreArgs, cmd: UserCmd) -> anyhow::Result<ExitCode> {
    let (db, _) = open(store).await?;
    let message = db
        .write(move |tx| {
            Box::pin(async move {
                Ok(match cmd {
                    UserCmd::Add {
                        username,
                        member: Some(member),
                        password,
                        ..
                    } => crate::accounts::cli::add(tx, &member, username.as_deref(), password).await?,
                    UserCmd::Add {
                        username,
                        name,
                        role,
                        unit,
                        password,
                        member: None,
                    } => {
                        let (username, name, role, unit) = (
                            username.unwrap_or_default(),
                            name.unwrap_or_default(),
                            role.unwrap_or_default(),
                            unit.unwrap_or_default(),
                        );
                        let role = parse_role(&role).map_err(|e| AppError::BadRequest(e.to_string()))?;
                        let unit = crate::units::store::resolve(tx, &unit).await?;
                        let (pass, show) = match password {
                            Some(p) => (p, false),
                            None => (crate::auth::password::random_token(12), true),
                        };
                        let id = users::create_user(tx, "cli", &username, &name, &pass).await?;
                        users::grant(tx, "cli", &id, role, &unit.id).await?;
                        let mut m = format!("Đã tạo {username} ({}, {}).", role.label_vi(), unit.name);
                        if show {
                            m.push_str(&format!("\nMật khẩu: {pass}"));
                        }
                        m
                    }
                    UserCmd::Grant {
                        username,
                        role,
                        unit,
                    } => {
                        let role = parse_role(&role).map_err(|e| AppError::BadRequest(e.to_string()))?;
                        let unit = crate::units::store::resolve(tx, &unit).await?;
                        let id = users::find_user_id(tx, &username).await?;
                        users::grant(tx, "cli", &id, role, &unit.id).await?;
                        format!(
                            "Đã cấp quyền {} tại {} cho {username}.",
                            role.label_vi(),
                            unit.name
                        )
                    }
                    UserCmd::Disable { username } => {
                        let id = users::find_user_id(tx, &username).await?;
                        users::disable(tx, "cli", &id).await?;
                        format!("Đã khóa {username}; mọi phiên đăng nhập đã kết thúc.")
                    }
                    UserCmd::ResetPassword { username, password } => {
                        let id = users::find_user_id(tx, &username).await?;
                        let (pass, show) = match password {
                            Some(p) => (p, false),
                            None => (crate::auth::password::random_token(12), true),
                        };
                        users::reset_password(tx, "cli", &id, &pass).await?;
                        let mut m = format!(
                            "Đã đặt lại mật khẩu cho {username}; mọi phiên đăng nhập và khóa API của người này đã bị thu hồi."
                        );
                        if show {
                            m.push_str(&format!("\nMật khẩu mới: {pass}"));
                        }
                        m
                    }
                })
            })
        })
        .await;
    db.close().await;
    println!("{}", message?);
    Ok(ExitCode::SUCCESS)
}

fn audit_key(cfg: &Config) -> anyhow::Result<crate::audit::checkpoint::AuditKey> {
    crate::audit::checkpoint::load_key(cfg)?.ok_or_else(|| {
        anyhow::anyhow!(
            "chưa có khóa nhật ký: đặt DANVAN_AUDIT_KEY (hex hoặc base64, ít nhất 32 byte) \
             hoặc DANVAN_AUDIT_KEY_FILE (một tệp ngoài thư mục dữ liệu)"
        )
    })
}

async fn audit(store: &StoreArgs, cmd: AuditCmd) -> anyhow::Result<ExitCode> {
    use crate::audit::checkpoint;
    let (db, cfg) = open(store).await?;
    match cmd {
        AuditCmd::Archive { before, out } => {
            audit_archive(&db, &cfg, before.as_deref(), &out).await
        }
        AuditCmd::VerifyArchive { files } => audit_verify_archive(&files),
        AuditCmd::Checkpoint { out } => {
            let key = audit_key(&cfg)?;
            let cps = db
                .read(|tx| Box::pin(async move { checkpoint::current(tx).await }))
                .await?;
            let text = checkpoint::render(&key, &cps);
            match out {
                Some(path) => {
                    std::fs::write(&path, text)
                        .map_err(|e| anyhow::anyhow!("không ghi được {}: {e}", path.display()))?;
                    eprintln!(
                        "Đã ghi mốc kiểm tra của {} chuỗi vào {}",
                        cps.len(),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::Verify { json, checkpoint } => {
            let cps = match &checkpoint {
                Some(path) => {
                    let key = audit_key(&cfg)?;
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        anyhow::anyhow!("không đọc được mốc kiểm tra {}: {e}", path.display())
                    })?;
                    checkpoint::parse(&key, &text).map_err(|e| {
                        anyhow::anyhow!(
                            "không dùng mốc kiểm tra {}: {e}. Chưa kiểm tra gì.",
                            path.display()
                        )
                    })?
                }
                None => Vec::new(),
            };
            let report = db
                .read(move |tx| {
                    Box::pin(async move { crate::audit::verify_against(tx, &cps).await })
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if report.problems.is_empty() {
                print!(
                    "Nhật ký toàn vẹn: {} chuỗi, {} dòng",
                    report.chains, report.rows
                );
                match &report.checkpoint_at {
                    Some(at) => println!(
                        "; khớp mốc kiểm tra lúc {}.",
                        crate::web::format::datetime(at)
                    ),
                    None => println!("."),
                }
            } else {
                for p in &report.problems {
                    println!("Chuỗi {} dòng {}: {}", p.chain, p.seq, p.what);
                }
            }
            Ok(if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

async fn units(store: &StoreArgs, cmd: UnitsCmd) -> anyhow::Result<ExitCode> {
    let (db, _) = open(store).await?;
    match cmd {
        UnitsCmd::Load => {
            let n = db
                .write(|tx| Box::pin(async move { crate::units::catalogue::load(tx).await }))
                .await?;
            println!("Đã nạp danh mục đơn vị hành chính: thêm {n} đơn vị.");
        }
        UnitsCmd::List {
            under,
            json,
            history,
        } => {
            let list = db
                .read(move |tx| {
                    Box::pin(async move {
                        let parent = match under {
                            Some(u) => crate::units::store::resolve(tx, &u).await?,
                            None => {
                                crate::units::store::get(tx, crate::units::catalogue::COUNTRY_ID)
                                    .await?
                            }
                        };
                        crate::units::store::children(tx, &parent.id, history).await
                    })
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for u in &list {
                    println!(
                        "{}\t{}\t{}",
                        u.code.as_deref().unwrap_or(&u.id),
                        u.name,
                        u.kind_label(false)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn healthcheck(listen: SocketAddr) -> anyhow::Result<ExitCode> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::TcpStream::connect(listen),
    )
    .await??;
    s.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf)).await??;
    let ok = buf.starts_with(b"HTTP/1.1 200");
    println!("{}", if ok { "ok" } else { "không khỏe" });
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn audit_archive(
    db: &Db,
    cfg: &Config,
    before: Option<&str>,
    out: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    use crate::audit::archive;
    let today = time::OffsetDateTime::now_utc()
        .to_offset(crate::clock::VIETNAM)
        .date();
    let day = match before {
        Some(s) => archive::parse_day(s).ok_or_else(|| {
            anyhow::anyhow!("ngày \"{s}\" không đọc được; viết dd/mm/yyyy, ví dụ 01/01/2025")
        })?,
        None => archive::retention_cut(today, cfg.audit_retention_months),
    };
    if day > today {
        anyhow::bail!(
            "ngày {} còn ở tương lai; chỉ lưu trữ được những gì đã qua",
            day_text(day)
        );
    }
    let report = archive::archive(db, &archive::start_of_day(day), out).await?;
    if report.events == 0 {
        println!(
            "Không có sự kiện nào trước ngày {} để lưu trữ.",
            day_text(day)
        );
    } else {
        println!(
            "Đã lưu trữ {} sự kiện của {} chuỗi (trước ngày {}) vào {} (sha256 {}).",
            report.events,
            report.chains.len(),
            day_text(day),
            out.display(),
            report.sha256
        );
        if !report.segments_dropped.is_empty() {
            println!("Đã bỏ các tháng: {}.", report.segments_dropped.join(", "));
        }
        println!("Giữ tệp này ở nơi an toàn: nó là bằng chứng cho phần nhật ký đã chuyển ra.");
    }
    Ok(ExitCode::SUCCESS)
}

fn day_text(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn audit_verify_archive(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    if files.is_empty() {
        anyhow::bail!("cần ít nhất một tệp lưu trữ");
    }
    let mut ends: std::collections::HashMap<String, (i64, String)> = Default::default();
    let mut ok = true;
    for f in files {
        let checked = crate::audit::archive::verify_file(f)?;
        for c in &checked.chains {
            if let Some((seq, hash)) = ends.get(&c.chain) {
                if *seq != c.from_seq || *hash != c.from_hash {
                    ok = false;
                    println!(
                        "{}: chuỗi {} không nối tiếp tệp trước (bắt đầu sau dòng {}, tệp trước kết thúc ở dòng {}).",
                        f.display(),
                        c.chain,
                        c.from_seq,
                        seq
                    );
                }
            }
            ends.insert(c.chain.clone(), (c.to_seq, c.to_hash.clone()));
        }
        println!(
            "{}: toàn vẹn, {} sự kiện, {} chuỗi, sha256 {}.",
            f.display(),
            checked.events,
            checked.chains.len(),
            checked.sha256
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
