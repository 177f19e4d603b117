//! Where the database comes from: `DATABASE_URL`, or the embedded PostgreSQL.

use secrecy::ExposeSecret;
use sluice_store::{Db, db, migrate};

use crate::embedded_postgres::{self, EmbeddedPostgres};
use crate::settings::Settings;

/// A connected, migrated database, and the embedded server if we started one (stopping it
/// when this value is dropped).
pub struct Database {
    pub db: Db,
    pub embedded: Option<EmbeddedPostgres>,
}

pub async fn open(settings: &Settings) -> anyhow::Result<Database> {
    let (url, embedded) = match &settings.database_url {
        Some(url) => (url.expose_secret().to_owned(), None),
        None => {
            let data_dir = settings.data_dir.join("postgres");
            let pg = tokio::task::block_in_place(|| EmbeddedPostgres::start(&data_dir))?;
            tracing::info!(port = pg.port(), data_dir = %data_dir.display(), "embedded PostgreSQL running");
            db::ensure_database(&pg.server_url(), embedded_postgres::DATABASE).await?;
            (pg.database_url(), Some(pg))
        }
    };
    let timeouts = db::Timeouts {
        acquire: std::time::Duration::from_millis(settings.database_acquire_timeout_ms),
        statement: std::time::Duration::from_millis(settings.database_statement_timeout_ms),
    };
    let db = Db::connect_with(&url, settings.database_max_connections, timeouts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    migrate::run(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Database { db, embedded })
}

impl Database {
    pub async fn close(mut self) {
        self.db.close().await;
        if let Some(pg) = self.embedded.as_mut() {
            tokio::task::block_in_place(|| pg.stop());
        }
    }
}
