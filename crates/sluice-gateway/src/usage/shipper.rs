//! Ships completed ledger rows from the outbox to PostgreSQL in batches, retrying until the
//! database takes them (rows wait in memory and in the outbox file meanwhile). At shutdown the
//! gateway waits for it only until the drain deadline (`Gateway::run_until_stopped`); what is
//! left then is recovered from the outbox at the next start.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sluice_store::{Db, ledger};
use tokio::sync::{Notify, mpsc};

use super::outbox::{Outbox, Shipment};

const MAX_BATCH: usize = 500;
/// How long the first row of a batch may wait for company.
const GATHER: Duration = Duration::from_millis(20);
/// Longest one batch insert may take. `statement_timeout` cannot end a write whose connection
/// went silent (a partition, a frozen server): the server never sees it. Past this the attempt
/// is abandoned and retried on a fresh connection; the ledger key makes a retry of a batch that
/// did commit harmless.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

/// Stops the shipper after it has shipped everything queued.
#[derive(Clone, Default)]
pub struct ShipperStop(Arc<Notify>);

impl ShipperStop {
    pub fn stop(&self) {
        self.0.notify_one();
    }
}

pub fn spawn(db: Db, outbox: Outbox, mut rx: mpsc::UnboundedReceiver<Shipment>, stop: ShipperStop) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut stopping = false;
        loop {
            let first = if stopping {
                match rx.try_recv() {
                    Ok(s) => s,
                    Err(_) => break,
                }
            } else {
                tokio::select! {
                    s = rx.recv() => match s { Some(s) => s, None => break },
                    _ = stop.0.notified() => { stopping = true; continue; }
                }
            };
            // Let a batch gather without being woken per row: one wake-up per batch keeps this
            // task from competing with request handling for the CPU.
            if !stopping {
                tokio::time::sleep(GATHER).await;
            }
            let mut batch = vec![first];
            while let Ok(s) = rx.try_recv() {
                batch.push(s);
                if batch.len() == MAX_BATCH {
                    ship(&db, &outbox, std::mem::take(&mut batch)).await;
                }
            }
            if !batch.is_empty() {
                ship(&db, &outbox, batch).await;
            }
        }
        if let Err(err) = outbox.sync() {
            tracing::warn!(error = %err, "cannot sync the outbox at shutdown");
        }
    })
}

async fn ship(db: &Db, outbox: &Outbox, batch: Vec<Shipment>) {
    let (segments, rows): (Vec<u64>, Vec<_>) = batch.into_iter().map(|s| (s.segment, s.row)).unzip();
    let mut backoff = Duration::from_millis(100);
    loop {
        let attempt = async {
            let mut conn = db.acquire().await?;
            ledger::insert_batch(&mut conn, &rows).await
        };
        let result = tokio::time::timeout(ATTEMPT_TIMEOUT, attempt).await;
        match result {
            Ok(Ok(_)) => break,
            Err(_) => {
                metrics::counter!("sluice_ledger_write_failures_total").increment(1);
                tracing::warn!(rows = rows.len(), "ledger write timed out; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
            Ok(Err(err)) => {
                metrics::counter!("sluice_ledger_write_failures_total").increment(1);
                tracing::warn!(error = %err, rows = rows.len(), "ledger write failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
    metrics::counter!("sluice_ledger_rows_written_total").increment(rows.len() as u64);
    let mut per_segment = BTreeMap::new();
    for segment in segments {
        *per_segment.entry(segment).or_insert(0u64) += 1;
    }
    outbox.shipped(&per_segment);
}
