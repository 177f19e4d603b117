//! What the write-ahead file holds.

use serde::{Deserialize, Serialize};
use sluice_quota::Reservation;
use sluice_store::ledger::LedgerRow;

/// Written when a request is admitted: enough to settle it and write its row if the process
/// dies before the request ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Intent {
    pub reservation: Reservation,
    /// The row as far as it is known at admission (tenant, models, provider, reservation).
    pub row: LedgerRow,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutboxRecord {
    Intent(Box<Intent>),
    Completion(Box<LedgerRow>),
}
