//! `sluice migrate`: applies pending migrations (and creates ledger partitions), then exits.

use crate::database;
use crate::settings::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let database = database::open(&settings).await?;
    tracing::info!("database is up to date");
    database.close().await;
    Ok(())
}
