//! Black-box resilience: requests cancelled half-way must not break the server for the next
//! ones, and a server killed with SIGKILL during writes must come back with every
//! acknowledged write present exactly once.
//!
//! `DANVAN_CRASH_ROUNDS` sets the kill -9 rounds (3 by default; the full run is 30).
//! No assertion here depends on timing; random choices come from seeded RNGs so a failure
//! can be replayed (`DANVAN_RESILIENCE_SEED`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use danvan::db::{Db, Value};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::common::{self, Backend, Client, PASSWORD};

fn seed() -> u64 {
    std::env::var("DANVAN_RESILIENCE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20240917)
}

/// Ids of the `/households/{id}` links of a page, in order.
fn household_links(html: &str) -> Vec<String> {
    html.split("href=\"/households/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| *id != "new" && !id.contains('/') && !id.contains('?'))
        .map(str::to_owned)
        .collect()
}

/// The edit form of a household as the browser would post it, built from its API record.
async fn edit_form(c: &Client, id: &str) -> Vec<(String, String)> {
    let res = c
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/households/{id}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "GET household {id}");
    let h: serde_json::Value = res.json().await.expect("household JSON");
    let text = |k: &str| match &h[k] {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut f: Vec<(String, String)> = [
        "village_id",
        "code",
        "head_name",
        "xom",
        "ngo",
        "house_no",
        "latitude",
        "longitude",
        "phone",
        "size",
    ]
    .iter()
    .map(|k| (k.to_string(), text(k)))
    .collect();
    for s in h["support_categories"].as_array().into_iter().flatten() {
        f.push(("support".into(), s.as_str().unwrap_or_default().to_owned()));
    }
    f
}

/// A number spelled digit by digit: names accept letters only, and every test record
/// needs a name of its own.
fn spelled(n: usize) -> String {
    const DIGITS: [&str; 10] = [
        "Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín",
    ];
    n.to_string()
        .bytes()
        .map(|d| DIGITS[usize::from(d - b'0')])
        .collect::<Vec<_>>()
        .join(" ")
}

fn with_house_no(form: &[(String, String)], house_no: &str, csrf: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            let v = if k == "house_no" { house_no } else { v };
            (k.clone(), v.to_owned())
        })
        .collect();
    f.push(("_csrf".into(), csrf.to_owned()));
    f
}

// ---------- cancelled requests ----------

async fn cancelled_requests_leave_no_connection_in_a_transaction(backend: Backend) {
    let app = common::spawn(backend).await;
    let member = app.login("dv.bangngang").await;
    let committee = app.login("xa.luongbang").await;
    let home = member.get_text("/").await;
    let card = household_links(&home)
        .into_iter()
        .next()
        .expect("the member's home lists a household");
    let list = committee.get_text("/households").await;
    let edited = household_links(&list)
        .into_iter()
        .find(|id| *id != card)
        .expect("the committee lists households");
    let form = edit_form(&committee, &edited).await;
    let village = app.village_id("Bằng Ngang").await;

    let mut rng = StdRng::seed_from_u64(seed());
    let mut created = 0u64;
    for round in 0..4 {
        let mut tasks = Vec::new();
        for i in 0..96 {
            let kind = rng.gen_range(0..5);
            // Most requests get a timeout of a few ms, so they are cut at a random point
            // inside the handler; the rest are aborted from outside below.
            let timeout = rng
                .gen_bool(0.7)
                .then(|| Duration::from_millis(rng.gen_range(1..12)));
            let (http, base, csrf) = match kind {
                0 | 1 => (
                    member.http.clone(),
                    member.base.clone(),
                    member.csrf.clone(),
                ),
                _ => (
                    committee.http.clone(),
                    committee.base.clone(),
                    committee.csrf.clone(),
                ),
            };
            let req = match kind {
                0 => http.get(format!("{base}/")),
                1 => http.get(format!("{base}/households/{card}")),
                2 => http.get(format!("{base}/households")),
                3 => {
                    let house_no = format!("{}", 100 + (round * 96 + i) % 50);
                    http.post(format!("{base}/households/{edited}"))
                        .form(&with_house_no(&form, &house_no, &csrf))
                }
                _ => {
                    created += 1;
                    http.post(format!("{base}/api/v1/households"))
                        .header("x-csrf-token", &csrf)
                        .json(&json!({
                            "village_id": village,
                            "head_name": format!("Hộ Hủy Ngang {} Lượt {}", spelled(round), spelled(i)),
                            "house_no": "7",
                        }))
                }
            };
            let req = match timeout {
                Some(t) => req.timeout(t),
                None => req,
            };
            tasks.push(tokio::spawn(async move {
                let _ = req.send().await.map(|r| r.status());
            }));
        }
        for t in &tasks {
            if rng.gen_bool(0.3) {
                tokio::time::sleep(Duration::from_millis(rng.gen_range(0..4))).await;
            }
            if rng.gen_bool(0.4) {
                t.abort();
            }
        }
        for t in tasks {
            let _ = t.await;
        }
    }
    eprintln!("cancelled-requests: {created} creates among the cancelled requests");

    // Let the server finish whatever the cut requests left running.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut failures = Vec::new();
    // Well over the pool size (8 on SQLite, 16 on PostgreSQL), so every pooled connection
    // serves some of these.
    for _ in 0..24 {
        for (c, path) in [
            (&member, "/".to_owned()),
            (&member, format!("/households/{card}")),
            (&committee, "/households".to_owned()),
        ] {
            let res = c.get(&path).await;
            let status = res.status();
            if status != StatusCode::OK {
                let body = res.text().await.unwrap_or_default();
                let body: String = body.chars().take(120).collect();
                failures.push(format!("GET {path}: {status} {body}"));
            }
        }
    }
    let res = committee
        .http
        .post(committee.url(&format!("/households/{edited}")))
        .form(&with_house_no(&form, "99", &committee.csrf))
        .send()
        .await
        .expect("household edit");
    let write = res.status();
    assert!(
        failures.is_empty() && write == StatusCode::SEE_OTHER,
        "after cancelled requests: {} of 72 page loads failed (first: {:?}); household edit answered {write}",
        failures.len(),
        failures.first()
    );
}

both!(
    cancelled_requests_leave_no_connection_in_a_transaction,
    cancelled_requests_leave_no_connection_in_a_transaction
);

// ---------- kill -9 during writes ----------

struct Proc {
    child: Child,
    base: String,
}

fn danvan(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_danvan"));
    cmd.arg("--data-dir").arg(data_dir);
    match database_url {
        Some(u) => cmd.env("DANVAN_DATABASE_URL", u),
        None => cmd.env_remove("DANVAN_DATABASE_URL"),
    };
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Starts `danvan demo|serve` and waits for `/healthz`.
async fn start(mode: &str, data_dir: &Path, database_url: Option<&str>) -> Proc {
    let port = free_port();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("server.log"))
        .expect("server log");
    let mut child = danvan(data_dir, database_url)
        .arg(mode)
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .env("DANVAN_DEMO_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("start danvan");
    let base = format!("http://127.0.0.1:{port}");
    let http = common::new_http();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(data_dir.join("server.log")).unwrap_or_default();
            panic!("danvan {mode} exited with {status}:\n{log}");
        }
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            if r.status() == StatusCode::OK {
                break;
            }
        }
        assert!(Instant::now() < deadline, "danvan {mode} not healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Proc { child, base }
}

#[derive(Clone, Debug, PartialEq)]
enum Answer {
    /// Sent, and no answer arrived (the server was killed).
    None,
    Created,
    Other(u16),
}

#[derive(Clone, Debug)]
struct Attempt {
    key: String,
    head_name: String,
    phone: String,
    answer: Answer,
}

fn create_body(village: &str, a: &Attempt) -> serde_json::Value {
    json!({
        "village_id": village,
        "head_name": a.head_name,
        "xom": "Xóm Đông",
        "house_no": "12",
        "phone": a.phone,
        "size": 4,
        "support_categories": ["ho_ngheo"],
    })
}

/// A login over HTTP against a child process (the harness's `login` wants a `TestApp`).
async fn login_child(base: &str, username: &str) -> Client {
    let http = common::new_http();
    let token = common::form_token(&http, base).await;
    let res = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/"),
            ("_csrf", &token),
        ])
        .send()
        .await
        .expect("login request");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {username}");
    let mut c = Client {
        http,
        base: base.to_owned(),
        csrf: String::new(),
    };
    let page = c.get_text("/account/tokens").await;
    c.csrf = common::extract_csrf(&page).expect("csrf");
    c
}

async fn count(db: &Db, sql: &str, args: &[Value]) -> i64 {
    let (sql, args) = (sql.to_owned(), args.to_vec());
    db.read(move |tx| Box::pin(async move { tx.scalar_i64(&sql, &args).await }))
        .await
        .expect("count")
}

async fn kill_9_during_writes_keeps_acknowledged_writes_exactly_once(backend: Backend) {
    let rounds: usize = std::env::var("DANVAN_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(common::create_pg_database().await),
    };
    let url = database_url.as_deref();
    let mut server = start("demo", dir.path(), url).await;
    let db = Db::connect(url, dir.path()).await.expect("open database");
    let village: String = db
        .read(|tx| {
            Box::pin(async move {
                tx.fetch_one(
                    "SELECT id FROM units WHERE kind = 'village' AND name = ? AND valid_to IS NULL",
                    &["Bằng Ngang".into()],
                )
                .await?
                .str("id")
            })
        })
        .await
        .expect("village");
    let mut rng = StdRng::seed_from_u64(seed());
    let mut problems: Vec<String> = Vec::new();
    for round in 0..rounds {
        let committee = login_child(&server.base, "xa.luongbang").await;
        let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..8 {
            let (http, base, csrf) = (
                committee.http.clone(),
                committee.base.clone(),
                committee.csrf.clone(),
            );
            let (attempts, stop, village) = (attempts.clone(), stop.clone(), village.clone());
            writers.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let a = Attempt {
                        key: format!("crash-{round}-{w}-{n}"),
                        head_name: format!(
                            "Hộ Sập Nguồn {} Thợ {} Lần {}",
                            spelled(round),
                            spelled(w),
                            spelled(n)
                        ),
                        phone: format!("09{round:02}{w:02}{n:04}"),
                        answer: Answer::None,
                    };
                    n += 1;
                    let i = {
                        let mut all = attempts.lock().unwrap();
                        all.push(a.clone());
                        all.len() - 1
                    };
                    let res = http
                        .post(format!("{base}/api/v1/households"))
                        .header("x-csrf-token", &csrf)
                        .header("idempotency-key", &a.key)
                        .json(&create_body(&village, &a))
                        .send()
                        .await;
                    match res {
                        Ok(r) => {
                            let status = r.status();
                            // The answer counts as acknowledged only once its body arrived.
                            let whole = r.bytes().await.is_ok();
                            let mut all = attempts.lock().unwrap();
                            all[i].answer = match (status, whole) {
                                (StatusCode::CREATED, true) => Answer::Created,
                                (StatusCode::CREATED, false) => Answer::None,
                                (s, _) => Answer::Other(s.as_u16()),
                            };
                        }
                        // Killed server: this request stays unanswered; stop writing.
                        Err(_) => break,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..1500))).await;
        server.child.kill().expect("kill -9");
        let _ = server.child.wait();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            let _ = w.await;
        }
        let attempts = attempts.lock().unwrap().clone();
        let acked = attempts
            .iter()
            .filter(|a| a.answer == Answer::Created)
            .count();
        let unanswered: Vec<&Attempt> = attempts
            .iter()
            .filter(|a| a.answer == Answer::None)
            .collect();
        let refused: Vec<&Attempt> = attempts
            .iter()
            .filter(|a| matches!(a.answer, Answer::Other(_)))
            .collect();
        eprintln!(
            "round {round}: {} creates sent, {acked} acknowledged, {} unanswered, {} other answers {:?}",
            attempts.len(),
            unanswered.len(),
            refused.len(),
            refused.iter().map(|a| &a.answer).take(3).collect::<Vec<_>>()
        );

        // Every create sent is valid: a refusal under concurrency is a defect too.
        for a in &refused {
            problems.push(format!("round {round}: {} answered {:?}", a.key, a.answer));
        }
        server = start("serve", dir.path(), url).await;
        let by_name = "SELECT COUNT(*) FROM households WHERE head_name = ?";
        for a in attempts.iter().filter(|a| a.answer == Answer::Created) {
            let n = count(&db, by_name, &[a.head_name.clone().into()]).await;
            if n != 1 {
                problems.push(format!(
                    "round {round}: acknowledged {} is present {n} times",
                    a.key
                ));
            }
        }
        for a in &unanswered {
            // An unanswered create may or may not have happened, but never half of it.
            let complete = count(
                &db,
                "SELECT COUNT(*) FROM households h WHERE h.head_name = ? AND h.village_id = ? \
                 AND h.phone = ? AND h.size = 4 AND h.house_no = '12' AND h.xom = 'Xóm Đông' \
                 AND h.name_folded <> '' AND EXISTS (SELECT 1 FROM audit_log l \
                 WHERE l.entity = 'household' AND l.entity_id = h.id AND l.action = 'create')",
                &[
                    a.head_name.clone().into(),
                    village.clone().into(),
                    a.phone.clone().into(),
                ],
            )
            .await;
            let any = count(&db, by_name, &[a.head_name.clone().into()]).await;
            if any != complete || any > 1 {
                problems.push(format!(
                    "round {round}: unanswered {} left {any} rows, {complete} complete",
                    a.key
                ));
            }
        }
        // Retrying an unanswered create with its key: one record, replayed or created.
        let retry = login_child(&server.base, "xa.luongbang").await;
        for a in &unanswered {
            let res = retry
                .http
                .post(format!("{}/api/v1/households", retry.base))
                .header("x-csrf-token", &retry.csrf)
                .header("idempotency-key", &a.key)
                .json(&create_body(&village, a))
                .send()
                .await
                .expect("retry");
            let status = res.status();
            let n = count(&db, by_name, &[a.head_name.clone().into()]).await;
            if status != StatusCode::CREATED || n != 1 {
                problems.push(format!(
                    "round {round}: retry of {} answered {status}, now {n} rows",
                    a.key
                ));
            }
        }
        let verify = danvan(dir.path(), url)
            .args(["audit", "verify"])
            .output()
            .expect("danvan audit verify");
        if !verify.status.success() {
            problems.push(format!(
                "round {round}: audit verify failed: {}{}",
                String::from_utf8_lossy(&verify.stdout),
                String::from_utf8_lossy(&verify.stderr)
            ));
        }
    }
    let _ = server.child.kill();
    let _ = server.child.wait();
    db.close().await;
    assert!(
        problems.is_empty(),
        "{} problems after {rounds} kill -9 rounds:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

both!(
    kill_9_during_writes_keeps_acknowledged_writes_exactly_once,
    kill_9_during_writes_keeps_acknowledged_writes_exactly_once
);
