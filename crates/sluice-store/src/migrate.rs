//! Schema migrations (embedded from the workspace's `migrations/` folder) and ledger partitions.

use sqlx::migrate::Migrator;

use crate::{Db, StoreError};

/// Every migration, compiled into the binary so `sluice migrate` needs no files at run time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// Applies pending migrations (idempotent; concurrent runners serialise on an advisory lock),
/// then makes sure the ledger has partitions for this month and the next two.
pub async fn run(db: &Db) -> Result<(), StoreError> {
    let mut conn = db.acquire().await?;
    MIGRATOR.run(&mut *conn).await?;
    ensure_ledger_partitions(&mut conn).await
}

pub async fn ensure_ledger_partitions(conn: &mut crate::Conn) -> Result<(), StoreError> {
    sqlx::query!("select sluice_ensure_ledger_partitions((now() at time zone 'UTC')::date, 3)")
        .execute(conn)
        .await?;
    Ok(())
}
