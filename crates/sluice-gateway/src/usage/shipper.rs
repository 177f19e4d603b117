//! Ships completed ledger rows from the outbox to PostgreSQL in batches, retrying until the
//! database takes them (rows wait in memory and in the outbox file meanwhile).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sluice_store::{Db, ledger};
use tokio::sync::{Notify, mpsc};

use super::outbox::{Outbox, Shipment};

const MAX_BATCH: usize = 500;
/// How long the first row of a batch may wait for company.
const GATHER: Duration = Duration::from_millis(20);

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
        let result = async {
            let mut conn = db.acquire().await?;
            ledger::insert_batch(&mut conn, &rows).await
        }
        .await;
        match result {
            Ok(_) => break,
            Err(err) => {
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
