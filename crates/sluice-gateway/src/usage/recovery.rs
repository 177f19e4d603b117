//! Crash recovery, run before a gateway serves: replay every outbox folder no live process
//! holds (this instance's earlier runs, and crashed neighbours on the same machine).
//! Completions are inserted again (the ledger key ignores duplicates); intents without a
//! completion become `interrupted` rows charged their reserved amount — the most the provider
//! could have billed — and their reservations are settled at that amount.

use std::collections::HashMap;
use std::path::Path;

use sluice_quota::{QuotaStore, Usage};
use sluice_store::{Db, StoreError, ledger};

use super::record::OutboxRecord;
use super::wal;
use crate::quota::AnyQuota;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recovered {
    pub completions: usize,
    pub interrupted: usize,
}

pub async fn recover(root: &Path, db: &Db, quota: &AnyQuota) -> anyhow::Result<Recovered> {
    let mut total = Recovered::default();
    let Ok(entries) = std::fs::read_dir(root) else { return Ok(total) };
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        // A live process holds its folder; leave it alone.
        let Some(_lock) = wal::try_lock(&dir)? else { continue };
        let segments = wal::segments(&dir)?;
        if segments.is_empty() {
            continue;
        }
        let mut completions = HashMap::new();
        let mut intents = HashMap::new();
        for (_, path) in &segments {
            for record in wal::read_all(path)? {
                match record {
                    OutboxRecord::Completion(row) => {
                        completions.insert(row.request_id, *row);
                    }
                    OutboxRecord::Intent(intent) => {
                        intents.insert(intent.reservation.request_id.as_uuid(), *intent);
                    }
                }
            }
        }
        let mut rows: Vec<_> = completions.values().cloned().collect();
        let mut interrupted = 0;
        for (request_id, intent) in intents {
            if completions.contains_key(&request_id) {
                continue;
            }
            let reserved = intent.reservation.reserved;
            let tokens = u32::try_from(intent.row.input_tokens).unwrap_or(0).saturating_add(intent.reservation.granted_output_tokens);
            if let Err(err) = quota.settle(&intent.reservation, Usage { cost: reserved, tokens }).await {
                tracing::warn!(error = %err, %request_id, "cannot settle an interrupted reservation now; its lease will");
            }
            let mut row = intent.row;
            row.status = "interrupted".to_owned();
            row.cost_nano = reserved.nanos();
            row.output_tokens = i64::from(intent.reservation.granted_output_tokens);
            row.usage_estimated = true;
            row.error_code = Some("settled_by_reconciler".to_owned());
            rows.push(row);
            interrupted += 1;
        }
        insert_all(db, &rows).await?;
        for (_, path) in segments {
            std::fs::remove_file(path)?;
        }
        tracing::info!(folder = %dir.display(), completions = completions.len(), interrupted, "recovered a usage outbox");
        total.completions += completions.len();
        total.interrupted += interrupted;
    }
    Ok(total)
}

async fn insert_all(db: &Db, rows: &[ledger::LedgerRow]) -> Result<(), StoreError> {
    let mut conn = db.acquire().await?;
    for chunk in rows.chunks(500) {
        ledger::insert_batch(&mut conn, chunk).await?;
    }
    Ok(())
}
