//! The test harness: the real server on port 0, on a temp SQLite file or a throwaway
//! PostgreSQL database, driven over HTTP like a browser or an API client.

#![allow(dead_code)]

pub mod documents;

use std::collections::HashMap;
use std::path::PathBuf;

use danvan::app::Application;
use danvan::config::Config;
use danvan::db::{Db, Row, Value};
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "matkhau-demo-2024";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body on both engines: `both!(name, body_fn)`.
/// PostgreSQL runs when `DANVAN_TEST_DATABASE_URL` names a server (an admin connection
/// that may create databases); with `DANVAN_REQUIRE_POSTGRES=1` (CI) a missing server fails.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_admin_url().is_some() {
                    super::$body($crate::common::Backend::Postgres).await
                }
            }
        }
    };
}

pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("DANVAN_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("DANVAN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "DANVAN_REQUIRE_POSTGRES=1 but DANVAN_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    _dir: tempfile::TempDir,
}

/// A throwaway PostgreSQL database on the test server; returns its URL.
pub async fn create_pg_database() -> String {
    let admin = postgres_admin_url().expect("postgres url");
    let name = format!("danvan_t_{}", uuid_simple());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("connect to test postgres");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .expect("create database");
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').expect("url has a database part");
    format!("{base}/{name}")
}

/// Drops a database `create_pg_database` made, with whatever connections it still has
/// (the test's server is still up when its `TestApp` goes). Runs on a thread of its own
/// because `Drop` cannot wait on the test's runtime.
fn drop_pg_database(url: &str) {
    let (Some(admin), Some((_, name))) = (postgres_admin_url(), url.rsplit_once('/')) else {
        return;
    };
    let name = name.to_owned();
    let dropped = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&admin).await.ok()?;
            let r = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&pool)
                .await;
            pool.close().await;
            r.ok()
        })
    })
    .join();
    if !matches!(dropped, Ok(Some(_))) {
        eprintln!("could not drop the test database {url}");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A full run makes hundreds of databases; left behind they fill the disk.
        if let Some(url) = &self.database_url {
            drop_pg_database(url);
        }
    }
}

fn uuid_simple() -> String {
    danvan::clock::new_id().replace('-', "")
}

pub struct Options {
    pub demo: bool,
    pub idle_minutes: i64,
    pub citizen_id: bool,
    /// `DANVAN_AUDIT_KEY` and `DANVAN_AUDIT_CHECKPOINT_DIR` for the server.
    pub audit_checkpoints: Option<(String, PathBuf)>,
    /// `DANVAN_TRUSTED_PROXIES` (the test client connects from 127.0.0.1).
    pub trusted_proxies: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: true,
            idle_minutes: 120,
            citizen_id: false,
            audit_checkpoints: None,
            trusted_proxies: "",
        }
    }
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, Options::default()).await
}

pub async fn spawn_with(backend: Backend, opts: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(create_pg_database().await),
    };
    let mut config = Config::from_env(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().to_path_buf(),
        database_url.clone(),
    );
    config.session_idle_minutes = opts.idle_minutes;
    config.citizen_id_enabled = opts.citizen_id;
    config.secure_cookies = false;
    config.audit_key = opts.audit_checkpoints.as_ref().map(|(k, _)| k.clone());
    config.audit_key_file = None;
    config.audit_checkpoint_dir = opts.audit_checkpoints.map(|(_, d)| d);
    // petitions (issue 9): the server's date for deadlines, moved by `TestApp::set_today`;
    // until a test writes it, the real date.
    config.clock_file = Some(dir.path().join("clock"));
    config.trusted_proxies = danvan::web::forwarded::TrustedProxies::parse(opts.trusted_proxies).0;
    let app = Application::build(config).await.expect("build app");
    if opts.demo {
        danvan::demo::seed(&app.state.db, Some(PASSWORD))
            .await
            .expect("seed demo");
    }
    let base = format!("http://{}", app.addr);
    let db = app.state.db.clone();
    tokio::spawn(app.run());
    TestApp {
        base,
        db,
        backend,
        data_dir: dir.path().to_path_buf(),
        database_url,
        _dir: dir,
    }
}

/// A browser-like client: its own cookie jar, no automatic redirects.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

pub fn new_http() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn anonymous(&self) -> Client {
        Client {
            http: new_http(),
            base: self.base.clone(),
            csrf: String::new(),
        }
    }

    /// Signs in through the login form; panics when that fails.
    pub async fn login(&self, username: &str) -> Client {
        self.try_login(username, PASSWORD)
            .await
            .unwrap_or_else(|s| panic!("login {username}: {s}"))
    }

    pub async fn try_login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Client, reqwest::StatusCode> {
        let http = new_http();
        let res = self
            .post_login(
                &http,
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
                &[],
            )
            .await;
        if res.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(res.status());
        }
        let mut c = Client {
            http,
            base: self.base.clone(),
            csrf: String::new(),
        };
        // Every signed-in user may open this page, even before a one-time password is replaced.
        let page = c.get_text("/account/password").await;
        c.csrf = extract_csrf(&page).expect("csrf token on page");
        Ok(c)
    }

    /// Posts the login form as a browser does, with `http`'s cookie jar, and extra
    /// headers (e.g. a forged `X-Forwarded-For`).
    pub async fn post_login(
        &self,
        http: &reqwest::Client,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = form_token(http, &self.base).await;
        let mut all = fields.to_vec();
        if !all.iter().any(|(k, _)| *k == "_csrf") {
            all.push(("_csrf", &token));
        }
        let mut req = http.post(self.url("/login")).form(&all);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("login request")
    }

    pub async fn count(&self, sql: &str, args: &[Value]) -> i64 {
        let (sql, args) = (sql.to_owned(), args.to_vec());
        self.db
            .read(move |tx| Box::pin(async move { tx.scalar_i64(&sql, &args).await }))
            .await
            .expect("count")
    }

    pub async fn rows(&self, sql: &str, args: &[Value]) -> Vec<Row> {
        let (sql, args) = (sql.to_owned(), args.to_vec());
        self.db
            .read(move |tx| Box::pin(async move { tx.fetch_all(&sql, &args).await }))
            .await
            .expect("rows")
    }

    pub async fn exec(&self, sql: &str, args: &[Value]) {
        let (sql, args) = (sql.to_owned(), args.to_vec());
        self.db
            .write(move |tx| Box::pin(async move { tx.execute(&sql, &args).await }))
            .await
            .expect("exec");
    }

    pub async fn one_str(&self, sql: &str, args: &[Value]) -> String {
        let rows = self.rows(sql, args).await;
        rows[0].values()[0].clone().into_text()
    }

    /// petitions (issue 9): the date the server takes for today from now on.
    pub fn set_today(&self, d: time::Date) {
        let text = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        std::fs::write(self.data_dir.join("clock"), text).expect("write the test clock");
    }

    pub async fn village_id(&self, name: &str) -> String {
        self.one_str(
            "SELECT id FROM units WHERE kind = 'village' AND name = ? AND valid_to IS NULL",
            &[name.into()],
        )
        .await
    }

    /// Runs the `danvan` binary against this app's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_env(&[], args)
    }

    /// [`TestApp::cli`] with these environment variables set.
    pub fn cli_env(&self, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"));
        cmd.arg("--data-dir").arg(&self.data_dir);
        match &self.database_url {
            Some(u) => cmd.env("DANVAN_DATABASE_URL", u),
            None => cmd.env_remove("DANVAN_DATABASE_URL"),
        };
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(args).output().expect("run danvan")
    }
}

pub trait IntoText {
    fn into_text(self) -> String;
}

impl IntoText for Value {
    fn into_text(self) -> String {
        match self {
            Value::Text(s) => s,
            Value::Int(i) => i.to_string(),
            Value::Real(f) => f.to_string(),
            Value::Null => String::new(),
        }
    }
}

/// The form token a browser with `http`'s cookies would find on its pages: the login
/// page's (a visitor's, bound to the cookie that page sets) or, when signed in, the
/// session's.
pub async fn form_token(http: &reqwest::Client, base: &str) -> String {
    for path in ["/login", "/"] {
        let page = http
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("GET for a form token")
            .text()
            .await
            .expect("body");
        if let Some(t) = extract_csrf(&page) {
            return t;
        }
    }
    panic!("no form token on /login nor on /")
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[i + 20..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The token to send with a form: the session's, or a visitor's from the login page.
    pub async fn form_token(&self) -> String {
        if self.csrf.is_empty() {
            form_token(&self.http, &self.base).await
        } else {
            self.csrf.clone()
        }
    }

    /// Posts a form with this session's CSRF token added (a visitor's when signed out).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.form_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &token));
        self.http
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// A JSON call authenticated by the session cookie (with the CSRF header).
    pub async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("JSON request")
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Row counts and a digest of every table a user action can change, to prove that a
/// refused action wrote nothing.
pub async fn fingerprint(app: &TestApp) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (name, sql) in [
        ("households", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(LENGTH(status)), 0) AS BIGINT) AS s FROM households"),
        ("members", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(LENGTH(status)), 0) AS BIGINT) AS s FROM members"),
        ("cells", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, 0 AS s FROM cells"),
        // assignment (issue 4)
        ("assignment_plans", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(LENGTH(status)), 0) AS BIGINT) AS s FROM assignment_plans"),
        ("assignment_pairs", "SELECT COUNT(*) AS n, COALESCE(MAX(member_id), '') AS m, CAST(COALESCE(SUM(locked), 0) AS BIGINT) AS s FROM assignment_pairs"),
        ("units", "SELECT COUNT(*) AS n, COALESCE(MAX(created_at), '') AS m, 0 AS s FROM units"),
        ("users", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(disabled), 0) AS BIGINT) AS s FROM users"),
        ("grants", "SELECT COUNT(*) AS n, '' AS m, 0 AS s FROM grants"),
        ("api_tokens", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(revoked), 0) AS BIGINT) AS s FROM api_tokens"),
        // campaigns (issue 8)
        ("campaigns", "SELECT COUNT(*) AS n, COALESCE(MAX(targets_at), '') AS m, 0 AS s FROM campaigns"),
        ("campaign_deliveries", "SELECT COUNT(*) AS n, COALESCE(MAX(recorded_at), '') AS m, CAST(COALESCE(SUM(LENGTH(outcome)), 0) AS BIGINT) AS s FROM campaign_deliveries"),
        // contacts (issue 8)
        ("contacts", "SELECT COUNT(*) AS n, COALESCE(MAX(recorded_at), '') AS m, 0 AS s FROM contacts"),
        ("contact_counts", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(contacts), 0) AS BIGINT) AS s FROM contact_counts"),
        ("household_contact_state", "SELECT COUNT(*) AS n, COALESCE(MAX(last_contact_on), '') AS m, CAST(COALESCE(SUM(contacts), 0) AS BIGINT) AS s FROM household_contact_state"),
        // coverage's registry counters, kept by triggers
        ("registry_counts", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(households + assigned + members), 0) AS BIGINT) AS s FROM registry_counts"),
        ("member_recency", "SELECT COUNT(*) AS n, COALESCE(MAX(day), '') AS m, CAST(COALESCE(SUM(members), 0) AS BIGINT) AS s FROM member_recency"),
        ("contact_topics", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(retired), 0) AS BIGINT) AS s FROM contact_topics"),
        // events and funding (issue 10)
        ("events", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(households + members), 0) AS BIGINT) AS s FROM events"),
        ("event_attendees", "SELECT COUNT(*) AS n, COALESCE(MAX(member_id), '') AS m, 0 AS s FROM event_attendees"),
        ("funding_entries", "SELECT COUNT(*) AS n, COALESCE(MAX(recorded_at), '') AS m, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS s FROM funding_entries"),
        // petitions (issue 9)
        ("petitions", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, CAST(COALESCE(SUM(steps), 0) AS BIGINT) AS s FROM petitions"),
        ("petition_steps", "SELECT COUNT(*) AS n, COALESCE(MAX(at), '') AS m, 0 AS s FROM petition_steps"),
        ("petition_counts", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS s FROM petition_counts"),
        ("petition_totals", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS s FROM petition_totals"),
        ("petition_open", "SELECT COUNT(*) AS n, COALESCE(MAX(due_on), '') AS m, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS s FROM petition_open"),
        ("petition_files", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS s FROM petition_files"),
        ("agencies", "SELECT COUNT(*) AS n, COALESCE(MAX(created_at), '') AS m, 0 AS s FROM agencies"),
        ("agency_handlers", "SELECT COUNT(*) AS n, '' AS m, 0 AS s FROM agency_handlers"),
        ("answer_templates", "SELECT COUNT(*) AS n, '' AS m, 0 AS s FROM answer_templates"),
        ("petition_holidays", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, 0 AS s FROM petition_holidays"),
        ("petition_categories", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(retired), 0) AS BIGINT) AS s FROM petition_categories"),
        ("petition_deadlines", "SELECT COUNT(*) AS n, '' AS m, CAST(COALESCE(SUM(days), 0) AS BIGINT) AS s FROM petition_deadlines"),
        // evaluation (issue 10)
        ("evaluations", "SELECT COUNT(*) AS n, COALESCE(MAX(approved_at), '') AS m, CAST(COALESCE(SUM(LENGTH(status)), 0) AS BIGINT) AS s FROM evaluations"),
        ("evaluation_lines", "SELECT COUNT(*) AS n, COALESCE(MAX(decided_at), '') AS m, CAST(COALESCE(SUM(LENGTH(level) + commended), 0) AS BIGINT) AS s FROM evaluation_lines"),
        ("evaluation_rubrics", "SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS m, 0 AS s FROM evaluation_rubrics"),
    ] {
        let r = &app.rows(sql, &[]).await[0];
        let v: Vec<String> = r.values().iter().map(|v| format!("{v:?}")).collect();
        out.insert(name.to_owned(), v.join("|"));
    }
    out
}
