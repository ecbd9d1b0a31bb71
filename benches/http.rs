//! Load benchmark over real HTTP: the release `danvan` binary as a child process, signed-in
//! pages and a durable write at 8 and 64 concurrent connections, each compared with the
//! cheapest page (`GET /login`, no session) measured in the same run.
//!
//!   cargo bench --bench http
//!   DANVAN_BENCH_SECONDS=5 DANVAN_BENCH_SCENARIOS=trivial,member_home cargo bench --bench http
//!   DANVAN_BENCH_DATABASE_URL=postgres://admin@host/postgres cargo bench --bench http
//!   DANVAN_BENCH_SIZE=province cargo bench --bench http   # + 1,000,000 generated households
//!   DANVAN_BENCH_SIZE=province DANVAN_BENCH_CONTACTS=10 cargo bench --bench http   # 10 M contacts
//!   DANVAN_BENCH_SIZE=province DANVAN_BENCH_PETITIONS=50000 cargo bench --bench http
//!   DANVAN_BENCH_ENGINES=postgres DANVAN_BENCH_DATABASE_URL=… cargo bench --bench http
//!   DANVAN_BENCH_SIZE=province DANVAN_BENCH_KEEP=/var/tmp/danvan-bench cargo bench --bench http
//!
//! `DANVAN_BENCH_ENGINES` picks the engines (default both; PostgreSQL needs the URL).
//! `DANVAN_BENCH_KEEP` keeps the generated province for the next run (see `kept_dir`).
//!
//! `trivial` always runs, since every ratio is relative to it. Targets are printed, never
//! asserted: timing depends on the machine. The run fails only when the server dies or
//! signed-in pages stop answering 200 afterwards.

#[path = "http/load.rs"]
mod load;

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::{Method, StatusCode};
use load::{Load, MakeRequest, Outcome};

const PASSWORD: &str = "bench-matkhau-2024";
const MEMBER: &str = "dv.bangngang";
const COMMITTEE: &str = "xa.luongbang";
/// The province's Mass Mobilisation Board: the petitions dashboard of the whole province.
const SUPERVISOR: &str = "bdv.hungyen";
/// The demo's own commune; generated communes are the others with villages.
const DEMO_COMMUNE: &str = "c-12280";
const CONNECTIONS: [usize; 2] = [8, 64];
const PROVINCE_HOUSEHOLDS: &str = "1000000";
const PROVINCE_COMMUNES: &str = "104";
/// Contacts per generated household and year at province size (`DANVAN_BENCH_CONTACTS`):
/// a few, so that generating fits a shared 2-core machine; the plan's ten is an option.
const PROVINCE_CONTACTS: &str = "3";
/// Petitions raised in the province over the year (`DANVAN_BENCH_PETITIONS`).
const PROVINCE_PETITIONS: &str = "200000";

// Targets (printed only): read pages and the write against the trivial page at 64 connections.
const READ_RATIO: f64 = 0.30;
const WRITE_RATIO: f64 = 0.20;
const READ_P99_MS: f64 = 20.0;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

// ---------- the server process ----------

struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr")
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

impl Server {
    /// `mode` is `demo` (seeds when empty) or `serve`.
    fn start(mode: &str, data_dir: &Path, database_url: Option<&str>) -> Server {
        let addr = free_port();
        let log = data_dir.join(format!("server-{mode}.log"));
        let out = File::create(&log).expect("server log");
        let err = out.try_clone().expect("server log");
        let child = danvan(data_dir, database_url)
            .arg(mode)
            .arg("--listen")
            .arg(addr.to_string())
            .env("DANVAN_DEMO_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start danvan");
        Server { child, addr, log }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    async fn wait_healthy(&mut self, http: &reqwest::Client) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(300);
        while Instant::now() < deadline {
            if !self.alive() {
                return Err(format!("server exited; see {}", self.log.display()));
            }
            let url = format!("http://{}/healthz", self.addr);
            if let Ok(r) = http.get(url).send().await {
                if r.status() == StatusCode::OK {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("server not healthy after 300 s".into())
    }

    /// A graceful stop (SIGTERM), then SIGKILL if it takes too long.
    fn stop(&mut self) {
        if !self.alive() {
            return;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline && self.alive() {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------- signing in and reading pages ----------

struct Session {
    cookie: String,
    csrf: String,
}

fn setup_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(load::REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

async fn login(http: &reqwest::Client, base: &str, username: &str) -> Result<Session, String> {
    let cookie = sign_in(http, base, username, PASSWORD).await?;
    with_csrf(http, base, username, cookie).await
}

/// A new member's first login: the one-time password, then the new one the server asks
/// for before anything else.
async fn first_login(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    one_time: &str,
) -> Result<Session, String> {
    let cookie = sign_in(http, base, username, one_time).await?;
    let mut s = Session {
        cookie,
        csrf: String::new(),
    };
    let page = get_page(http, base, "/account/password", &s).await?;
    s.csrf = attr_after(&page, "name=\"_csrf\" value=\"")
        .ok_or_else(|| format!("{username}: no CSRF token on /account/password"))?;
    let res = http
        .post(format!("{base}/account/password"))
        .header("cookie", &s.cookie)
        .form(&[
            ("current", one_time),
            ("new", PASSWORD),
            ("again", PASSWORD),
            ("_csrf", &s.csrf),
        ])
        .send()
        .await
        .map_err(|e| format!("{username}: new password: {e}"))?;
    if res.status() != StatusCode::SEE_OTHER {
        return Err(format!("{username}: new password: {}", res.status()));
    }
    with_csrf(http, base, username, s.cookie).await
}

/// Signs in through the login form; the session cookie.
async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> Result<String, String> {
    // The login form carries a token bound to the cookie its page sets.
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|e| format!("login page: {e}"))?;
    let form_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("danvan_form="))
        .and_then(|v| v.split(';').next())
        .ok_or("login page: no form cookie")?
        .to_owned();
    let html = page.text().await.map_err(|e| format!("login page: {e}"))?;
    let token = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("login page: no form token")?
        .to_owned();
    let res = http
        .post(format!("{base}/login"))
        .header("cookie", form_cookie)
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
            ("_csrf", &token),
        ])
        .send()
        .await
        .map_err(|e| format!("login {username}: {e}"))?;
    if res.status() != StatusCode::SEE_OTHER {
        return Err(format!("login {username}: {}", res.status()));
    }
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| format!("login {username}: no session cookie"))
}

/// The session with its form token, read off a page every signed-in user may open.
async fn with_csrf(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    cookie: String,
) -> Result<Session, String> {
    let mut s = Session {
        cookie,
        csrf: String::new(),
    };
    let page = get_page(http, base, "/account/tokens", &s).await?;
    s.csrf = attr_after(&page, "name=\"_csrf\" value=\"")
        .ok_or_else(|| format!("{username}: no CSRF token on /account/tokens"))?;
    Ok(s)
}

async fn get_status(http: &reqwest::Client, base: &str, path: &str, s: &Session) -> String {
    match http
        .get(format!("{base}{path}"))
        .header("cookie", &s.cookie)
        .send()
        .await
    {
        Ok(r) => r.status().as_u16().to_string(),
        Err(e) => format!("error: {e}"),
    }
}

async fn get_page(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    s: &Session,
) -> Result<String, String> {
    let res = http
        .get(format!("{base}{path}"))
        .header("cookie", &s.cookie)
        .send()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    if res.status() != StatusCode::OK {
        return Err(format!("GET {path}: {}", res.status()));
    }
    res.text().await.map_err(|e| format!("GET {path}: {e}"))
}

/// The text after `prefix` up to the next `"`.
fn attr_after(html: &str, prefix: &str) -> Option<String> {
    let rest = &html[html.find(prefix)? + prefix.len()..];
    Some(unescape(&rest[..rest.find('"')?]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Ids of the `/households/{id}` links of a page, in order (not `new`).
fn household_links(html: &str) -> Vec<String> {
    html.split("href=\"/households/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| *id != "new" && !id.contains('/') && !id.contains('?'))
        .map(str::to_owned)
        .collect()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    attr_after(tag, &format!(" {name}=\""))
}

/// Every field the browser would send for the first form posting to `action`: inputs
/// (checkboxes only when checked) and the selected option of each select.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_default();
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let name = attr(tag, "name");
            let kind = attr(tag, "type").unwrap_or_default();
            let include = kind != "checkbox" || tag.contains(" checked");
            if let (Some(n), true) = (name, include) {
                fields.push((n, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let close = rest.find("</select>").unwrap_or(rest.len());
            let body = &rest[..close];
            if let Some(n) = attr(tag, "name") {
                let chosen = body
                    .split("<option")
                    .skip(1)
                    .find(|o| o[..o.find('>').unwrap_or(o.len())].contains(" selected"))
                    .or_else(|| body.split("<option").nth(1))
                    .and_then(|o| attr(&o[..o.find('>').unwrap_or(o.len())], "value"));
                fields.push((n, chosen.unwrap_or_default()));
            }
            rest = &rest[close..];
            continue;
        }
        rest = &rest[end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    fields
}

// ---------- scenarios ----------

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Baseline,
    Read,
    Write,
}

struct Scenario {
    name: &'static str,
    kind: Kind,
    expect: StatusCode,
    make: MakeRequest,
}

struct Fixture {
    member: Session,
    committee: Session,
    member_household: String,
    /// The member's households as `/my-households` lists them; contacts rotate over them.
    my_households: Vec<String>,
    edit_household: String,
    edit_form: Vec<(String, String)>,
    /// More members, each signed in with an account of their own, and the paths their
    /// contacts post to: a province's writes come from many members at once.
    crowd: Vec<(Session, Vec<String>)>,
    supervisor: Session,
    /// The committee whose petition inbox is loaded: of a generated commune at province
    /// size (a year of its petitions), else the demo's.
    inbox: Session,
}

/// The first generated commune of the demo's province, if `danvan generate` made any.
fn generated_commune(cli: &Cli) -> Result<Option<String>, String> {
    let list = |under: &str| -> Result<Vec<serde_json::Value>, String> {
        let out = cli.run(&["units", "list", "--under", under, "--json"], &[])?;
        serde_json::from_str(&out).map_err(|e| format!("units list --under {under}: {e}"))
    };
    let mut communes: Vec<(String, String)> = list("p-33")?
        .iter()
        .filter_map(|u| Some((u["code"].as_str()?.to_owned(), u["id"].as_str()?.to_owned())))
        .filter(|(_, id)| id != DEMO_COMMUNE)
        .collect();
    communes.sort();
    for (_, id) in communes {
        if !list(&id)?.is_empty() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The committee whose inbox the benchmark loads (see `Fixture::inbox`).
async fn inbox_committee(
    http: &reqwest::Client,
    base: &str,
    cli: &Cli,
    demo: &Session,
) -> Result<Session, String> {
    let Some(commune) = generated_commune(cli)? else {
        return Ok(Session {
            cookie: demo.cookie.clone(),
            csrf: demo.csrf.clone(),
        });
    };
    let username = "bench.thuongtruc";
    let added = cli.run(
        &[
            "user",
            "add",
            username,
            "--name",
            "Thường trực xã (đo tải)",
            "--role",
            "commune_committee",
            "--unit",
            &commune,
        ],
        &[("DANVAN_NEW_PASSWORD", PASSWORD)],
    );
    // In kept data the account is there from an earlier run.
    match (login(http, base, username).await, added) {
        (Ok(session), _) => Ok(session),
        (Err(_), Err(e)) | (Err(e), Ok(_)) => Err(e),
    }
}

/// How many members beside the demo's own share the `log_contact_crowd` scenario.
const CROWD: usize = 24;

/// Runs the `danvan` command against the benchmark's database.
struct Cli {
    data_dir: PathBuf,
    database_url: Option<String>,
}

impl Cli {
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Result<String, String> {
        let mut cmd = danvan(&self.data_dir, self.database_url.as_deref());
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("danvan {}: {e}", args.join(" ")))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(text)
        } else {
            Err(format!(
                "danvan {}: {}{}",
                args.join(" "),
                text,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

/// Gives up to `CROWD` of the commune's members (those with households assigned) an
/// account, as a secretary would, and signs each in for the first time.
async fn crowd(
    http: &reqwest::Client,
    base: &str,
    committee: &Session,
    cli: &Cli,
) -> Result<Vec<(Session, Vec<String>)>, String> {
    let one_time = "bench-motlan-2024";
    let mut ids = Vec::new();
    for page in 1..=6 {
        let html = get_page(http, base, &format!("/members?page={page}"), committee).await?;
        let found: Vec<String> = html
            .split("href=\"/members/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|id| *id != "new" && !id.contains('/') && !id.contains('?'))
            .map(str::to_owned)
            .collect();
        if found.is_empty() {
            break;
        }
        ids.extend(found);
    }
    let mut crowd = Vec::new();
    for id in ids {
        if crowd.len() == CROWD {
            break;
        }
        let Ok(said) = cli.run(
            &["user", "add", "--member", &id],
            &[("DANVAN_NEW_PASSWORD", one_time)],
        ) else {
            continue; // has an account already, or is not eligible
        };
        let username = said
            .split("tài khoản ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| format!("user add --member {id}: no username in {said}"))?;
        let session = first_login(http, base, username, one_time).await?;
        let mine = get_page(http, base, "/my-households", &session).await?;
        let paths: Vec<String> = household_links(&mine)
            .iter()
            .map(|h| format!("/households/{h}/contacts"))
            .collect();
        if !paths.is_empty() {
            crowd.push((session, paths));
        }
    }
    if crowd.is_empty() {
        return Err("no member of the demo could be given an account".into());
    }
    Ok(crowd)
}

async fn fixture(http: &reqwest::Client, base: &str, cli: &Cli) -> Result<Fixture, String> {
    let member = login(http, base, MEMBER).await?;
    let committee = login(http, base, COMMITTEE).await?;
    let home = get_page(http, base, "/", &member).await?;
    let member_household = household_links(&home)
        .into_iter()
        .next()
        .ok_or("the member's home page lists no household")?;
    let mine = get_page(http, base, "/my-households", &member).await?;
    let my_households = household_links(&mine);
    if my_households.is_empty() {
        return Err("/my-households lists no household".into());
    }
    let list = get_page(http, base, "/households", &committee).await?;
    let edit_household = household_links(&list)
        .into_iter()
        .find(|id| *id != member_household)
        .ok_or("the committee's household list is empty")?;
    let action = format!("/households/{edit_household}");
    let page = get_page(http, base, &format!("{action}/edit"), &committee).await?;
    let mut edit_form = form_fields(&page, &action);
    edit_form.retain(|(k, _)| k != "_csrf");
    if !edit_form.iter().any(|(k, _)| k == "house_no") {
        return Err("the household edit form has no house_no field".into());
    }
    let crowd = crowd(http, base, &committee, cli).await?;
    let supervisor = login(http, base, SUPERVISOR).await?;
    let inbox = inbox_committee(http, base, cli, &committee).await?;
    Ok(Fixture {
        crowd,
        supervisor,
        inbox,
        member,
        committee,
        member_household,
        my_households,
        edit_household,
        edit_form,
    })
}

/// The bytes of a page as the member gets it, gzip-compressed and raw, for the report:
/// what a member's phone downloads on a slow connection.
async fn page_weights(http: &reqwest::Client, base: &str, fx: &Fixture) -> Result<(), String> {
    let h = &fx.member_household;
    println!("\npage weights as the member (bytes, gzip / raw):");
    for path in [
        "/my-households".to_owned(),
        format!("/households/{h}"),
        format!("/households/{h}/contacts/new"),
    ] {
        let mut sizes = Vec::new();
        for encoding in ["gzip", "identity"] {
            let res = http
                .get(format!("{base}{path}"))
                .header("cookie", &fx.member.cookie)
                .header("accept-encoding", encoding)
                .send()
                .await
                .map_err(|e| format!("GET {path}: {e}"))?;
            if res.status() != StatusCode::OK {
                return Err(format!("GET {path}: {}", res.status()));
            }
            let body = res.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
            sizes.push(body.len());
        }
        let shown = path.replace(h.as_str(), "{id}");
        println!("  {shown:<32} {:>7} / {:>7}", sizes[0], sizes[1]);
    }
    Ok(())
}

/// A visit with one topic, under a fresh id (as each opened form carries its own).
fn contact_form(csrf: &str) -> Bytes {
    let id = danvan::clock::new_id();
    let form = serde_urlencoded::to_string([
        ("_csrf", csrf),
        ("id", id.as_str()),
        ("channel", "visit"),
        ("topics", "law"),
    ])
    .expect("form");
    Bytes::from(form)
}

fn scenarios(addr: SocketAddr, fx: &Fixture) -> Vec<Scenario> {
    let host = addr.to_string();
    let get = |path: String, cookie: Option<String>| -> MakeRequest {
        let host = host.clone();
        Arc::new(move |_| load::request(&host, Method::GET, &path, cookie.as_deref(), None))
    };
    // Two bodies that differ in house_no, sent alternately so every write changes the row.
    let bodies: Vec<Bytes> = ["101", "102"]
        .iter()
        .map(|house_no| {
            let mut f = fx.edit_form.clone();
            for (k, v) in f.iter_mut() {
                if k == "house_no" {
                    *v = (*house_no).to_owned();
                }
            }
            f.push(("_csrf".into(), fx.committee.csrf.clone()));
            Bytes::from(serde_urlencoded::to_string(&f).expect("form"))
        })
        .collect();
    let write: MakeRequest = {
        let host = host.clone();
        let path = format!("/households/{}", fx.edit_household);
        let cookie = fx.committee.cookie.clone();
        Arc::new(move |n| {
            let body = bodies[(n % 2) as usize].clone();
            load::request(&host, Method::POST, &path, Some(&cookie), Some(body))
        })
    };
    // A contact per request, each under a fresh id (as each opened form carries its own),
    // rotating over the member's households.
    let log_contact: MakeRequest = {
        let host = host.clone();
        let cookie = fx.member.cookie.clone();
        let csrf = fx.member.csrf.clone();
        let paths: Vec<String> = fx
            .my_households
            .iter()
            .map(|h| format!("/households/{h}/contacts"))
            .collect();
        Arc::new(move |n| {
            let form = contact_form(&csrf);
            let path = &paths[(n as usize) % paths.len()];
            load::request(&host, Method::POST, path, Some(&cookie), Some(form))
        })
    };
    // The same contact form, each request from the next member of the crowd in turn:
    // their villages' counters and their own rows are theirs, as in a province.
    let log_contact_crowd: MakeRequest = {
        let host = host.clone();
        let crowd: Vec<(String, String, Vec<String>)> = fx
            .crowd
            .iter()
            .map(|(s, paths)| (s.cookie.clone(), s.csrf.clone(), paths.clone()))
            .collect();
        Arc::new(move |n| {
            let (cookie, csrf, paths) = &crowd[(n as usize) % crowd.len()];
            let round = (n as usize) / crowd.len();
            let form = contact_form(csrf);
            load::request(
                &host,
                Method::POST,
                &paths[round % paths.len()],
                Some(cookie),
                Some(form),
            )
        })
    };
    vec![
        Scenario {
            name: "trivial",
            kind: Kind::Baseline,
            expect: StatusCode::OK,
            make: get("/login".into(), None),
        },
        Scenario {
            name: "member_home",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/".into(), Some(fx.member.cookie.clone())),
        },
        Scenario {
            name: "household_card",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get(
                format!("/households/{}", fx.member_household),
                Some(fx.member.cookie.clone()),
            ),
        },
        Scenario {
            name: "committee_list",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/households".into(), Some(fx.committee.cookie.clone())),
        },
        Scenario {
            name: "my_households",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/my-households".into(), Some(fx.member.cookie.clone())),
        },
        Scenario {
            name: "petition_inbox",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/petitions".into(), Some(fx.inbox.cookie.clone())),
        },
        Scenario {
            name: "petition_dashboard",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get(
                "/petitions/dashboard".into(),
                Some(fx.supervisor.cookie.clone()),
            ),
        },
        Scenario {
            name: "province_coverage",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/coverage".into(), Some(fx.supervisor.cookie.clone())),
        },
        Scenario {
            name: "committee_home",
            kind: Kind::Read,
            expect: StatusCode::OK,
            make: get("/".into(), Some(fx.committee.cookie.clone())),
        },
        Scenario {
            name: "household_edit",
            kind: Kind::Write,
            expect: StatusCode::SEE_OTHER,
            make: write,
        },
        Scenario {
            name: "log_contact",
            kind: Kind::Write,
            expect: StatusCode::SEE_OTHER,
            make: log_contact,
        },
        Scenario {
            name: "log_contact_crowd",
            kind: Kind::Write,
            expect: StatusCode::SEE_OTHER,
            make: log_contact_crowd,
        },
    ]
}

// ---------- the report ----------

struct Row {
    name: &'static str,
    kind: Kind,
    connections: usize,
    out: Outcome,
    ratio: Option<f64>,
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
}

/// The verdict against the targets; the ratio and p99 targets apply at 64 connections.
fn verdict(r: &Row) -> String {
    let mut misses = Vec::new();
    if r.out.errors > 0 {
        misses.push(format!("{} errors", r.out.errors));
    }
    if r.connections == 64 && r.kind != Kind::Baseline {
        let want = if r.kind == Kind::Write {
            WRITE_RATIO
        } else {
            READ_RATIO
        };
        match r.ratio {
            Some(x) if x >= want => {}
            Some(x) => misses.push(format!("ratio {x:.3} < {want:.2}")),
            None => misses.push("no ratio".into()),
        }
        if r.kind == Kind::Read {
            match r.out.ms(0.99) {
                Some(p) if p < READ_P99_MS => {}
                Some(p) => misses.push(format!("p99 {p:.1} ≥ {READ_P99_MS} ms")),
                None => misses.push("no answers".into()),
            }
        }
    }
    if misses.is_empty() {
        "ok".into()
    } else {
        format!("MISS: {}", misses.join(", "))
    }
}

fn print_table(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<16} {:>5} {:>9} {:>8} {:>8} {:>7} {:>7}  target",
        "scenario", "conns", "req/s", "p50 ms", "p99 ms", "errors", "ratio"
    );
    for r in rows {
        println!(
            "{:<16} {:>5} {:>9.1} {:>8} {:>8} {:>7} {:>7}  {}",
            r.name,
            r.connections,
            r.out.rps(),
            fmt_ms(r.out.ms(0.5)),
            fmt_ms(r.out.ms(0.99)),
            r.out.errors,
            r.ratio
                .map(|x| format!("{x:.3}"))
                .unwrap_or_else(|| "–".into()),
            verdict(r),
        );
    }
    for r in rows.iter().filter(|r| r.out.errors > 0) {
        let kinds: Vec<String> = r
            .out
            .error_kinds
            .iter()
            .map(|(k, n)| format!("{k} ×{n}"))
            .collect();
        println!(
            "  errors in {} @ {}: {}",
            r.name,
            r.connections,
            kinds.join(", ")
        );
    }
    println!(
        "targets at 64 connections: read pages ≥ {READ_RATIO:.2} × trivial and p99 < {READ_P99_MS} ms, \
         write ≥ {WRITE_RATIO:.2} ×; 0 errors everywhere (printed, not enforced)"
    );
}

// ---------- one backend at one size ----------

/// Runs the scenarios against a started server; `Err` when the server died or signed-in
/// pages stopped answering 200.
async fn suite(server: &mut Server, cli: &Cli, title: &str) -> Result<(), String> {
    let http = setup_client();
    let base = format!("http://{}", server.addr);
    let fx = fixture(&http, &base, cli).await?;
    page_weights(&http, &base, &fx).await?;
    let seconds: f64 = env_or("DANVAN_BENCH_SECONDS", "8")
        .parse()
        .map_err(|_| "DANVAN_BENCH_SECONDS is not a number")?;
    let wanted = env_or(
        "DANVAN_BENCH_SCENARIOS",
        "trivial,member_home,household_card,committee_list,my_households,petition_inbox,petition_dashboard,province_coverage,committee_home,household_edit,log_contact,log_contact_crowd",
    );
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    let all = scenarios(server.addr, &fx);
    let mut rows = Vec::new();
    let mut died = false;
    'levels: for connections in CONNECTIONS {
        let mut baseline = None;
        for s in &all {
            if s.kind != Kind::Baseline && !wanted.contains(&s.name) {
                continue;
            }
            let spec = Load {
                connections,
                warmup: Duration::from_secs(1),
                measure: Duration::from_secs_f64(seconds),
                expect: s.expect,
            };
            eprintln!("  {} @ {connections} …", s.name);
            let out = load::run(server.addr, &spec, s.make.clone()).await;
            if s.kind == Kind::Baseline {
                baseline = Some(out.rps());
            }
            let ratio = baseline.filter(|b| *b > 0.0).map(|b| out.rps() / b);
            rows.push(Row {
                name: s.name,
                kind: s.kind,
                connections,
                out,
                ratio,
            });
            if !server.alive() {
                died = true;
                break 'levels;
            }
        }
    }
    print_table(title, &rows);

    // Afterwards: do signed-in pages still work? Several times each, so that requests land
    // on every pooled database connection.
    let mut broken = Vec::new();
    if died {
        broken.push("the server process died".to_owned());
    } else {
        tokio::time::sleep(Duration::from_millis(500)).await;
        for _ in 0..10 {
            for (who, path, s) in [
                ("member", "/", &fx.member),
                ("committee", "/households", &fx.committee),
            ] {
                let status = get_status(&http, &base, path, s).await;
                if status != "200" {
                    broken.push(format!("{who} GET {path}: {status}"));
                }
            }
        }
        match http.get(format!("{base}/healthz")).send().await {
            Ok(r) if r.status() == StatusCode::OK => {}
            Ok(r) => println!("after the run: /healthz answers {}", r.status()),
            Err(e) => println!("after the run: /healthz: {e}"),
        }
    }
    if broken.is_empty() {
        println!(
            "after the run: signed-in pages answer 200 (10 × member /, 10 × committee /households)"
        );
    } else {
        broken.dedup();
        println!("after the run: {} failures, e.g.:", broken.len());
        for b in broken.iter().take(5) {
            println!("  {b}");
        }
    }
    print_log_errors(&server.log);
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{title}: the server no longer serves signed-in pages"
        ))
    }
}

fn print_log_errors(log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("panicked"))
        .collect();
    println!("server log: {} lines with ERROR or panicked", bad.len());
    for l in bad.iter().take(5) {
        let short: String = l.chars().take(300).collect();
        println!("  {short}");
    }
}

async fn create_pg_database(admin: &str) -> Result<String, String> {
    let name = format!(
        "danvan_bench_{}",
        danvan::clock::new_id().replace('-', "")[20..].to_owned()
    );
    let pool = sqlx::PgPool::connect(admin)
        .await
        .map_err(|e| format!("connect to {admin}: {e}"))?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .map_err(|e| format!("CREATE DATABASE: {e}"))?;
    pool.close().await;
    let (base, _) = admin
        .rsplit_once('/')
        .ok_or("the admin URL needs a /database part")?;
    Ok(format!("{base}/{name}"))
}

async fn drop_pg_database(admin: &str, url: &str) {
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    if let Ok(pool) = sqlx::PgPool::connect(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}

/// `DANVAN_BENCH_KEEP`: a folder that keeps the province-size data between runs, one
/// subfolder per engine (and, on PostgreSQL, the database `danvan_bench_province`). The
/// first run generates it; later runs start the server on it, so a change can be measured
/// again in minutes rather than the hour that generating a province takes.
const KEPT_DATABASE: &str = "danvan_bench_province";
const GENERATED_MARK: &str = "generated-province.txt";

fn kept_dir(engine: &str) -> Option<PathBuf> {
    std::env::var("DANVAN_BENCH_KEEP")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|d| Path::new(&d).join(engine))
}

async fn backend(
    name: &str,
    dir: &Path,
    database_url: Option<&str>,
    province: bool,
) -> Result<(), String> {
    let http = setup_client();
    let marker = dir.join(GENERATED_MARK);
    let mut server;
    let size = if province && marker.exists() {
        let generated = std::fs::read_to_string(&marker).map_err(|e| e.to_string())?;
        println!(
            "\n{name}: kept data in {}: {}",
            dir.display(),
            generated.trim()
        );
        server = Server::start("serve", dir, database_url);
        server.wait_healthy(&http).await?;
        format!("province size, kept ({})", generated.trim())
    } else {
        server = Server::start("demo", dir, database_url);
        let started = Instant::now();
        server.wait_healthy(&http).await?;
        eprintln!(
            "{name}: demo ready in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if province {
            server.stop();
            let t = Instant::now();
            let contacts = env_or("DANVAN_BENCH_CONTACTS", PROVINCE_CONTACTS);
            let petitions = env_or("DANVAN_BENCH_PETITIONS", PROVINCE_PETITIONS);
            let out = danvan(dir, database_url)
                .args(["generate", "--households", PROVINCE_HOUSEHOLDS])
                .args(["--communes", PROVINCE_COMMUNES])
                .args(["--contacts-per-household-year", &contacts])
                .args(["--petitions", &petitions])
                .output()
                .map_err(|e| format!("danvan generate: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "danvan generate failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let generated = format!(
                "demo + {PROVINCE_HOUSEHOLDS} generated households in {PROVINCE_COMMUNES} communes, {contacts} contacts each a year, {petitions} petitions"
            );
            println!(
                "\n{name}: generated {generated} in {:.1} s ({})",
                t.elapsed().as_secs_f64(),
                String::from_utf8_lossy(&out.stdout).trim()
            );
            if kept_dir(name).is_some() {
                std::fs::write(&marker, &generated).map_err(|e| e.to_string())?;
            }
            server = Server::start("serve", dir, database_url);
            server.wait_healthy(&http).await?;
            format!("province size ({generated})")
        } else {
            "demo size".to_owned()
        }
    };
    let title = format!(
        "{name}, {size}: {} s per scenario after 1 s warm-up",
        env_or("DANVAN_BENCH_SECONDS", "8")
    );
    let cli = Cli {
        data_dir: dir.to_path_buf(),
        database_url: database_url.map(str::to_owned),
    };
    let result = suite(&mut server, &cli, &title).await;
    server.stop();
    result
}

async fn sqlite(province: bool) -> Result<(), String> {
    match kept_dir("SQLite").filter(|_| province) {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            backend("SQLite", &dir, None, true).await
        }
        None => {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            backend("SQLite", dir.path(), None, province).await
        }
    }
}

async fn postgres(admin: &str, province: bool) -> Result<(), String> {
    match kept_dir("PostgreSQL").filter(|_| province) {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let url = kept_pg_database(admin, dir.join(GENERATED_MARK).exists()).await?;
            backend("PostgreSQL", &dir, Some(&url), true).await
        }
        None => {
            let url = create_pg_database(admin).await?;
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let result = backend("PostgreSQL", dir.path(), Some(&url), province).await;
            drop_pg_database(admin, &url).await;
            result
        }
    }
}

/// The kept province database's URL; created afresh unless it holds generated data.
async fn kept_pg_database(admin: &str, generated: bool) -> Result<String, String> {
    let (base, _) = admin
        .rsplit_once('/')
        .ok_or("the admin URL needs a /database part")?;
    let url = format!("{base}/{KEPT_DATABASE}");
    if !generated {
        drop_pg_database(admin, &url).await;
        let pool = sqlx::PgPool::connect(admin)
            .await
            .map_err(|e| format!("connect to {admin}: {e}"))?;
        sqlx::query(&format!("CREATE DATABASE {KEPT_DATABASE}"))
            .execute(&pool)
            .await
            .map_err(|e| format!("CREATE DATABASE: {e}"))?;
        pool.close().await;
    }
    Ok(url)
}

#[tokio::main]
async fn main() -> ExitCode {
    let province = match env_or("DANVAN_BENCH_SIZE", "demo").as_str() {
        "demo" => false,
        "province" => true,
        other => {
            eprintln!("DANVAN_BENCH_SIZE must be demo or province, not {other}");
            return ExitCode::FAILURE;
        }
    };
    let engines = env_or("DANVAN_BENCH_ENGINES", "sqlite,postgres");
    let engines: Vec<&str> = engines.split(',').map(str::trim).collect();
    let mut failed = false;
    if engines.contains(&"sqlite") {
        if let Err(e) = sqlite(province).await {
            eprintln!("SQLite: {e}");
            failed = true;
        }
    }
    let admin = std::env::var("DANVAN_BENCH_DATABASE_URL").unwrap_or_default();
    if engines.contains(&"postgres") && !admin.is_empty() {
        if let Err(e) = postgres(&admin, province).await {
            eprintln!("PostgreSQL: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
