//! First start: load the catalogue and make sure the deployment has a secret.

use crate::config::Config;
use crate::db::Db;

/// Loads the official catalogue into an empty database and returns the deployment secret.
pub async fn ensure_ready(db: &Db, config: &Config) -> anyhow::Result<String> {
    let mut tx = db.begin().await?;
    let units = tx.scalar_i64("SELECT COUNT(*) FROM units", &[]).await?;
    if units == 0 {
        crate::units::catalogue::load(&mut tx).await?;
    }
    let secret = if !config.secret.is_empty() {
        config.secret.clone()
    } else {
        match tx
            .fetch_optional("SELECT value FROM settings WHERE key = 'secret'", &[])
            .await?
        {
            Some(r) => r.str("value")?,
            None => {
                let s = crate::auth::password::random_token(32);
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ('secret', ?)",
                    &[s.clone().into()],
                )
                .await?;
                s
            }
        }
    };
    tx.commit().await?;
    Ok(secret)
}
