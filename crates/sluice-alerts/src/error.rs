//! One error for the jobs and the glue functions the admin API and CLI call.

use sluice_quota::QuotaError;
use sluice_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("quota store: {0}")]
    Quota(#[from] QuotaError),
    /// A stored value that should have been valid was not (a period or time zone name).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("webhook client: {0}")]
    Client(String),
}
