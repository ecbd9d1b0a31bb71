//! Every start: load the catalogue into an empty database, make sure the deployment has
//! a secret, and prepare the audit log's coming months.

use crate::config::Config;
use crate::db::Db;

/// Loads the official catalogue into an empty database and returns the deployment secret.
pub async fn ensure_ready(db: &Db, config: &Config) -> anyhow::Result<String> {
    let configured = config.secret.clone();
    let secret = db
        .write(move |tx| {
            Box::pin(async move {
                let units = tx.scalar_i64("SELECT COUNT(*) FROM units", &[]).await?;
                if units == 0 {
                    crate::units::catalogue::load(tx).await?;
                }
                let system = crate::auth::Scope::unsafe_system("setup");
                crate::people::households::fill_search(tx, &system).await?;
                crate::people::sort_keys::fill(tx, &system).await?;
                if !configured.is_empty() {
                    return Ok(configured);
                }
                match tx
                    .fetch_optional("SELECT value FROM settings WHERE key = 'secret'", &[])
                    .await?
                {
                    Some(r) => r.str("value"),
                    None => {
                        let s = crate::auth::password::random_token(32);
                        tx.execute(
                            "INSERT INTO settings (key, value) VALUES ('secret', ?)",
                            &[s.clone().into()],
                        )
                        .await?;
                        Ok(s)
                    }
                }
            })
        })
        .await?;
    crate::audit::segments::keep_ahead(db).await?;
    Ok(secret)
}
