//! Checkpoints of the hash chains, kept outside the database.
//!
//! The chains catch an edit made by someone who does not recompute the hashes; someone
//! with write access to the database can recompute every hash and the heads, and the
//! chains then verify again. A checkpoint records, for each chain, its last sequence
//! number and hash at a moment, MAC'd (HMAC-SHA256) with a key that never enters the
//! database. Verifying against it catches any change to the events before that moment,
//! however carefully the chain was rewritten. It cannot vouch for events after it, nor
//! resist someone who also holds the key.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::Config;
use crate::db::{Db, Tx, Value};
use crate::error::AppResult;

type HmacSha256 = Hmac<Sha256>;

/// Shorter keys are refused: the MAC is only as strong as the key.
const MIN_KEY_BYTES: usize = 32;

/// The file the server rewrites in its checkpoint folder.
pub const FILE_NAME: &str = "audit-checkpoint.jsonl";

/// The checkpoint key. Its bytes are never printed.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// Hex (`openssl rand -hex 32`) or base64 (`openssl rand -base64 32`).
    pub fn parse(text: &str) -> Result<AuditKey, String> {
        use base64::Engine;
        let t = text.trim();
        let bytes = if t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).ok()
        } else {
            let engines = [
                base64::engine::general_purpose::STANDARD,
                base64::engine::general_purpose::STANDARD_NO_PAD,
                base64::engine::general_purpose::URL_SAFE,
                base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            engines.iter().find_map(|e| e.decode(t).ok())
        };
        match bytes {
            Some(b) if b.len() >= MIN_KEY_BYTES => Ok(AuditKey(b)),
            Some(b) => Err(format!(
                "khóa nhật ký chỉ có {} byte; cần ít nhất {MIN_KEY_BYTES} byte ngẫu nhiên (tạo bằng `openssl rand -hex 32`)",
                b.len()
            )),
            None => Err(
                "khóa nhật ký phải viết bằng hex hoặc base64 (tạo bằng `openssl rand -hex 32`)"
                    .to_owned(),
            ),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length; this cannot fail.
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts any key length")
    }
}

/// The key from `DANVAN_AUDIT_KEY` or `DANVAN_AUDIT_KEY_FILE`; none when neither is set.
/// A key file inside the data folder is refused: a copy of the data would carry the key
/// that is meant to vouch for it.
pub fn load_key(cfg: &Config) -> anyhow::Result<Option<AuditKey>> {
    match (&cfg.audit_key, &cfg.audit_key_file) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) => {
            anyhow::bail!("đặt DANVAN_AUDIT_KEY hoặc DANVAN_AUDIT_KEY_FILE, không đặt cả hai")
        }
        (Some(k), None) => AuditKey::parse(k)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("DANVAN_AUDIT_KEY: {e}")),
        (None, Some(file)) => {
            refuse_inside_data_dir(file, &cfg.data_dir, "DANVAN_AUDIT_KEY_FILE")?;
            let text = std::fs::read_to_string(file).map_err(|e| {
                anyhow::anyhow!(
                    "DANVAN_AUDIT_KEY_FILE: không đọc được tệp khóa {}: {e}",
                    file.display()
                )
            })?;
            AuditKey::parse(&text)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("DANVAN_AUDIT_KEY_FILE ({}): {e}", file.display()))
        }
    }
}

/// The folder the server writes checkpoints to, created if missing; refused inside the
/// data folder (a restored or copied data folder would bring its own checkpoints).
pub fn checkpoint_dir(cfg: &Config) -> anyhow::Result<Option<PathBuf>> {
    let Some(dir) = &cfg.audit_checkpoint_dir else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!(
            "DANVAN_AUDIT_CHECKPOINT_DIR: không tạo được thư mục {}: {e}",
            dir.display()
        )
    })?;
    refuse_inside_data_dir(dir, &cfg.data_dir, "DANVAN_AUDIT_CHECKPOINT_DIR")?;
    Ok(Some(dir.clone()))
}

fn refuse_inside_data_dir(path: &Path, data_dir: &Path, setting: &str) -> anyhow::Result<()> {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (p, data) = (real(path), real(data_dir));
    if p.starts_with(&data) {
        anyhow::bail!(
            "{setting} ({}) nằm trong thư mục dữ liệu ({}): ai chép được dữ liệu cũng chép được nó. \
             Hãy đặt nó ở ngoài thư mục dữ liệu, ví dụ /etc/danvan/",
            path.display(),
            data_dir.display()
        );
    }
    Ok(())
}

/// One chain's head at a moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    /// How many chains the checkpoint holds, so that a line cannot be dropped unseen.
    pub chains: usize,
}

#[derive(Serialize, Deserialize)]
struct Line {
    #[serde(flatten)]
    cp: Checkpoint,
    mac: String,
}

fn mac_of(key: &AuditKey, cp: &Checkpoint) -> HmacSha256 {
    let mut m = key.mac();
    let text = format!(
        "danvan audit checkpoint v1\n{}\n{}\n{}\n{}\n{}\n",
        cp.chain, cp.seq, cp.hash, cp.at, cp.chains
    );
    m.update(text.as_bytes());
    m
}

/// The last row of every chain in the log, now.
pub async fn current(tx: &mut Tx) -> AppResult<Vec<Checkpoint>> {
    let rows = tx
        .fetch_all(
            "SELECT a.chain, a.seq, a.hash FROM audit_log a \
             JOIN (SELECT chain, MAX(seq) AS seq FROM audit_log GROUP BY chain) m \
             ON m.chain = a.chain AND m.seq = a.seq ORDER BY a.chain",
            &[],
        )
        .await?;
    let at = crate::clock::now();
    let n = rows.len();
    rows.iter()
        .map(|r| {
            Ok(Checkpoint {
                chain: r.str("chain")?,
                seq: r.i64("seq")?,
                hash: r.str("hash")?,
                at: at.clone(),
                chains: n,
            })
        })
        .collect()
}

/// JSON lines, each with its own MAC.
pub fn render(key: &AuditKey, cps: &[Checkpoint]) -> String {
    let mut out = String::new();
    for cp in cps {
        let line = Line {
            cp: cp.clone(),
            mac: hex::encode(mac_of(key, cp).finalize().into_bytes()),
        };
        // A struct of strings and numbers always serialises.
        out.push_str(&serde_json::to_string(&line).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Reads a checkpoint file, refusing it whole when any line's MAC does not match or a
/// line is missing: a checkpoint that may have been edited vouches for nothing.
pub fn parse(key: &AuditKey, text: &str) -> Result<Vec<Checkpoint>, String> {
    let mut cps: Vec<Checkpoint> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let line: Line = serde_json::from_str(raw)
            .map_err(|e| format!("dòng {n} không phải một mốc kiểm tra: {e}"))?;
        let mac = hex::decode(&line.mac).unwrap_or_default();
        if mac_of(key, &line.cp).verify_slice(&mac).is_err() {
            return Err(format!(
                "dòng {n} (chuỗi {}): mã xác thực không khớp — tệp đã bị sửa, hoặc được tạo bằng khóa khác",
                line.cp.chain
            ));
        }
        if let Some(first) = cps.first() {
            if first.at != line.cp.at || first.chains != line.cp.chains {
                return Err(format!(
                    "dòng {n}: thuộc một mốc kiểm tra khác (tệp bị ghép)"
                ));
            }
        }
        cps.push(line.cp);
    }
    match cps.first() {
        None => Err("tệp không có mốc kiểm tra nào".to_owned()),
        Some(f) if f.chains != cps.len() => Err(format!(
            "mốc kiểm tra ghi {} chuỗi mà tệp chỉ còn {} dòng — có dòng đã bị xóa",
            f.chains,
            cps.len()
        )),
        Some(_) => Ok(cps),
    }
}

/// Chains whose row at the checkpointed seq no longer carries the checkpointed hash. A
/// cheap test (one indexed lookup per chain) that the log still extends the checkpoint:
/// any rewrite of an earlier row changes that hash, and an edit that leaves the hashes
/// alone is what `verify` catches.
async fn diverged(tx: &mut Tx, cps: &[Checkpoint]) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for cp in cps {
        let row = tx
            .fetch_optional(
                "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?",
                &[Value::from(&cp.chain), cp.seq.into()],
            )
            .await?;
        match row {
            Some(r) if r.str("hash")? == cp.hash => {}
            _ => out.push(cp.chain.clone()),
        }
    }
    Ok(out)
}

/// Writes the current checkpoint to `dir`, unless the log no longer extends the one
/// already there: then the old checkpoint is the evidence, and it is kept.
pub async fn write_now(db: &Db, key: &AuditKey, dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(FILE_NAME);
    let previous = match std::fs::read_to_string(&path) {
        Ok(text) => match parse(key, &text) {
            Ok(cps) => Some(cps),
            Err(e) => {
                // Not ours any more (edited, or an older key): set aside, not destroyed.
                let aside = dir.join(format!("{FILE_NAME}.invalid-{}", crate::clock::now()));
                tracing::error!(
                    "mốc kiểm tra nhật ký {} không dùng được ({e}); đã đổi tên thành {}",
                    path.display(),
                    aside.display()
                );
                std::fs::rename(&path, &aside)?;
                None
            }
        },
        Err(_) => None,
    };
    let (now, broken) = db
        .read(move |tx| {
            Box::pin(async move {
                let broken = match &previous {
                    Some(cps) => diverged(tx, cps).await?,
                    None => Vec::new(),
                };
                Ok((current(tx).await?, broken))
            })
        })
        .await?;
    if !broken.is_empty() {
        anyhow::bail!(
            "nhật ký không còn khớp mốc kiểm tra {} ở chuỗi {}: giữ nguyên mốc cũ; chạy `danvan audit verify --checkpoint {}`",
            path.display(),
            broken.join(", "),
            path.display()
        );
    }
    if now.is_empty() {
        return Ok(());
    }
    let tmp = dir.join(format!("{FILE_NAME}.tmp"));
    std::fs::write(&tmp, render(key, &now))?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

/// Startup: a checkpoint now, then one every `minutes`. Without a key nothing is
/// written, and the log says so once.
pub async fn start(db: &Db, cfg: &Config) -> anyhow::Result<()> {
    let key = load_key(cfg)?;
    let dir = checkpoint_dir(cfg)?;
    let (key, dir) = match (key, dir) {
        (Some(k), Some(d)) => (k, d),
        (None, _) => {
            tracing::warn!(
                "không có khóa nhật ký (DANVAN_AUDIT_KEY hoặc DANVAN_AUDIT_KEY_FILE): không ghi mốc kiểm tra; \
                 ai sửa được cơ sở dữ liệu có thể viết lại cả chuỗi băm mà không bị phát hiện"
            );
            return Ok(());
        }
        (Some(_), None) => {
            tracing::warn!(
                "chưa đặt DANVAN_AUDIT_CHECKPOINT_DIR: máy chủ không tự ghi mốc kiểm tra; dùng `danvan audit checkpoint --out …`"
            );
            return Ok(());
        }
    };
    if let Err(e) = write_now(db, &key, &dir).await {
        tracing::error!("mốc kiểm tra nhật ký: {e:#}");
    }
    let every = std::time::Duration::from_secs(cfg.audit_checkpoint_minutes.max(1) as u64 * 60);
    let db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            if let Err(e) = write_now(&db, &key, &dir).await {
                tracing::error!("mốc kiểm tra nhật ký: {e:#}");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AuditKey {
        AuditKey::parse(&"ab".repeat(32)).unwrap()
    }

    fn sample() -> Vec<Checkpoint> {
        ["c-1", "global"]
            .iter()
            .map(|c| Checkpoint {
                chain: (*c).into(),
                seq: 7,
                hash: "f".repeat(64),
                at: "2026-12-01T00:00:00.000Z".into(),
                chains: 2,
            })
            .collect()
    }

    #[test]
    fn a_checkpoint_reads_back_with_its_key_only() {
        let text = render(&key(), &sample());
        assert_eq!(parse(&key(), &text).unwrap(), sample());
        let other = AuditKey::parse(&"cd".repeat(32)).unwrap();
        assert!(parse(&other, &text).unwrap_err().contains("không khớp"));
    }

    #[test]
    fn an_edited_or_shortened_checkpoint_is_refused() {
        let text = render(&key(), &sample());
        let edited = text.replacen("\"seq\":7", "\"seq\":6", 1);
        assert!(parse(&key(), &edited).unwrap_err().contains("không khớp"));
        let first_line = text.lines().next().unwrap();
        assert!(parse(&key(), first_line).unwrap_err().contains("bị xóa"));
        assert!(parse(&key(), "").is_err());
    }

    #[test]
    fn keys_are_hex_or_base64_and_long_enough() {
        assert!(AuditKey::parse(&"0f".repeat(32)).is_ok());
        assert!(AuditKey::parse("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=").is_ok());
        assert!(AuditKey::parse("abcd").unwrap_err().contains("32 byte"));
        assert!(AuditKey::parse("không phải khóa").is_err());
    }
}
