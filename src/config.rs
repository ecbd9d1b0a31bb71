//! Settings, from command-line flags and `DANVAN_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::web::forwarded::TrustedProxies;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; none for the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Set when served over HTTPS (behind a proxy): cookies become `__Host-` and Secure.
    pub secure_cookies: bool,
    /// A session ends after this long without a request…
    pub session_idle_minutes: i64,
    /// …and after this long whatever happens.
    pub session_absolute_hours: i64,
    /// Collect citizen ID numbers (CCCD) at all. Off by default (DESIGN.md §3).
    pub citizen_id_enabled: bool,
    /// Key for hashing citizen IDs so that duplicates can be found without storing them.
    pub secret: String,
    /// Months of audit log kept in the database; `danvan audit archive` without `--before`
    /// moves older whole months out to a file.
    pub audit_retention_months: u32,
    /// Key for the audit checkpoints (`DANVAN_AUDIT_KEY`, hex or base64)…
    pub audit_key: Option<String>,
    /// …or a file holding it, outside the data folder (`DANVAN_AUDIT_KEY_FILE`).
    pub audit_key_file: Option<PathBuf>,
    /// Where the server writes its audit checkpoint, outside the data folder
    /// (`DANVAN_AUDIT_CHECKPOINT_DIR`); none: the server writes no checkpoints.
    pub audit_checkpoint_dir: Option<PathBuf>,
    /// How often the server writes one (`DANVAN_AUDIT_CHECKPOINT_MINUTES`, default 10).
    pub audit_checkpoint_minutes: i64,
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed
    /// (`DANVAN_TRUSTED_PROXIES`, addresses or networks, comma-separated). None by default:
    /// then the TCP peer is the client, whatever the headers say.
    pub trusted_proxies: TrustedProxies,
    /// The address members open, printed on their login slips (`DANVAN_PUBLIC_URL`, e.g.
    /// `https://danvan.hungyen.gov.vn`). None: the address the slip's page was opened at.
    pub public_url: Option<String>,
    /// Tests only (`DANVAN_CLOCK_FILE`): a file holding `yyyy-mm-dd`, read as today's date
    /// by the features that run on working days (petitions). Never set in production.
    pub clock_file: Option<PathBuf>,
}

impl Config {
    pub fn from_env(listen: SocketAddr, data_dir: PathBuf, database_url: Option<String>) -> Config {
        let env_i64 = |k: &str, d: i64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        let env_bool = |k: &str| {
            std::env::var(k)
                .map(|v| matches!(v.as_str(), "1" | "true" | "on" | "yes"))
                .unwrap_or(false)
        };
        let env_str = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let (trusted_proxies, ignored) =
            TrustedProxies::parse(&std::env::var("DANVAN_TRUSTED_PROXIES").unwrap_or_default());
        for entry in ignored {
            // Safe either way: an entry left out only means its headers are not believed.
            tracing::warn!(
                "DANVAN_TRUSTED_PROXIES: \"{entry}\" không phải địa chỉ IP hay dải mạng (vd. 10.0.0.1 hoặc 10.0.0.0/8); đã bỏ qua"
            );
        }
        Config {
            listen,
            data_dir,
            database_url: database_url.filter(|u| !u.is_empty()),
            secure_cookies: env_bool("DANVAN_SECURE_COOKIES"),
            session_idle_minutes: env_i64("DANVAN_SESSION_IDLE_MINUTES", 120),
            session_absolute_hours: env_i64("DANVAN_SESSION_ABSOLUTE_HOURS", 12),
            citizen_id_enabled: env_bool("DANVAN_CITIZEN_ID"),
            secret: std::env::var("DANVAN_SECRET").unwrap_or_default(),
            audit_retention_months: env_i64("DANVAN_AUDIT_RETENTION_MONTHS", 24).clamp(0, 1200)
                as u32,
            audit_key: env_str("DANVAN_AUDIT_KEY"),
            audit_key_file: env_str("DANVAN_AUDIT_KEY_FILE").map(PathBuf::from),
            audit_checkpoint_dir: env_str("DANVAN_AUDIT_CHECKPOINT_DIR").map(PathBuf::from),
            audit_checkpoint_minutes: env_i64("DANVAN_AUDIT_CHECKPOINT_MINUTES", 10).max(1),
            trusted_proxies,
            public_url: env_str("DANVAN_PUBLIC_URL")
                .map(|u| u.trim().trim_end_matches('/').to_owned()),
            clock_file: env_str("DANVAN_CLOCK_FILE").map(PathBuf::from),
        }
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-danvan_session"
        } else {
            "danvan_session"
        }
    }
}
