//! Change notifications for the gateway's snapshot (channel `sluice_config`, sent by triggers on
//! the configuration tables; see migration `..._config_change_notifications.sql`).

use sqlx::postgres::PgListener;

use crate::{Db, StoreError};

pub const CHANNEL: &str = "sluice_config";

/// A dedicated connection listening on `sluice_config`.
pub struct ConfigChanges {
    listener: PgListener,
}

impl ConfigChanges {
    pub async fn listen(db: &Db) -> Result<Self, StoreError> {
        let mut listener = PgListener::connect_with(db.pool()).await?;
        listener.listen(CHANNEL).await?;
        Ok(Self { listener })
    }

    /// Waits for the next change and returns the changed table's name. After a lost connection
    /// the listener reconnects by itself; the caller should then reload everything, since
    /// notifications sent meanwhile are gone (this returns `Ok(None)` in that case).
    pub async fn next(&mut self) -> Result<Option<String>, StoreError> {
        match self.listener.try_recv().await? {
            Some(notification) => Ok(Some(notification.payload().to_owned())),
            None => Ok(None),
        }
    }
}
