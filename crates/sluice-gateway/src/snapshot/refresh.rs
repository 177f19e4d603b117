//! Keeping the snapshot fresh: reload on every `sluice_config` notification (debounced), and
//! in full at a fixed interval in case a notification was lost. A failed reload keeps serving
//! the previous snapshot and retries; its age is exported so operators see staleness.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use sluice_domain::credentials::CredentialCipher;
use sluice_store::Db;
use sluice_store::notify::ConfigChanges;

use super::{Snapshot, build_snapshot};

/// Shared, lock-free access to the current snapshot.
#[derive(Clone)]
pub struct SnapshotHandle(Arc<ArcSwap<Snapshot>>);

impl SnapshotHandle {
    pub fn new(snapshot: Snapshot) -> Self {
        Self(Arc::new(ArcSwap::from_pointee(snapshot)))
    }

    pub fn load(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.0.load()
    }

    /// The current snapshot as an owned `Arc` (for long-running tasks).
    pub fn load_full(&self) -> Arc<Snapshot> {
        self.0.load_full()
    }

    pub fn store(&self, snapshot: Snapshot) {
        self.0.store(Arc::new(snapshot));
    }

    pub fn store_arc(&self, snapshot: Arc<Snapshot>) {
        self.0.store(snapshot);
    }

    /// A handle that does not keep the snapshot alive (for the metrics scrape hook).
    pub fn downgrade(&self) -> WeakSnapshotHandle {
        WeakSnapshotHandle(Arc::downgrade(&self.0))
    }
}

pub struct WeakSnapshotHandle(std::sync::Weak<ArcSwap<Snapshot>>);

impl WeakSnapshotHandle {
    pub fn upgrade(&self) -> Option<SnapshotHandle> {
        self.0.upgrade().map(SnapshotHandle)
    }
}

/// How long to gather notifications before reloading: a burst of admin writes costs one reload.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Work done on a freshly built snapshot before it is swapped in: with a shared quota store,
/// new orgs get their counters marked complete first, so their keys are never refused.
pub type BeforeSwap = Arc<dyn Fn(Arc<Snapshot>) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

/// Runs until the process ends: listens for changes and reloads.
pub fn spawn_refresher(db: Db, cipher: CredentialCipher, handle: SnapshotHandle, full_reload_every: Duration, before_swap: Option<BeforeSwap>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut listener: Option<ConfigChanges> = None;
        let mut interval = tokio::time::interval(full_reload_every);
        interval.tick().await;
        loop {
            if listener.is_none() {
                match ConfigChanges::listen(&db).await {
                    Ok(l) => {
                        listener = Some(l);
                        // Changes made while we were not listening are unknown: reload.
                        reload(&db, &cipher, &handle, before_swap.as_ref()).await;
                    }
                    Err(err) => tracing::warn!(error = %err, "cannot listen for configuration changes; relying on periodic reloads"),
                }
            }
            let changed = async {
                match listener.as_mut() {
                    Some(l) => l.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = interval.tick() => reload(&db, &cipher, &handle, before_swap.as_ref()).await,
                result = changed => {
                    if let Err(err) = result {
                        tracing::warn!(error = %err, "configuration listener failed");
                        listener = None;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    tokio::time::sleep(DEBOUNCE).await;
                    // Drain what else arrived meanwhile; one reload covers it all.
                    if let Some(l) = listener.as_mut() {
                        while let Ok(Ok(Some(_))) = tokio::time::timeout(Duration::from_millis(1), l.next()).await {}
                    }
                    reload(&db, &cipher, &handle, before_swap.as_ref()).await;
                }
            }
        }
    })
}

async fn reload(db: &Db, cipher: &CredentialCipher, handle: &SnapshotHandle, before_swap: Option<&BeforeSwap>) {
    let started = std::time::Instant::now();
    match build_snapshot(db, cipher).await {
        Ok(snapshot) => {
            let keys = snapshot.keys.len();
            let snapshot = Arc::new(snapshot);
            if let Some(hook) = before_swap {
                hook(snapshot.clone()).await;
            }
            handle.store_arc(snapshot);
            metrics::gauge!("sluice_snapshot_loaded_timestamp_seconds").set(chrono::Utc::now().timestamp() as f64);
            tracing::debug!(keys, elapsed_ms = started.elapsed().as_millis() as u64, "configuration snapshot reloaded");
        }
        Err(err) => {
            metrics::counter!("sluice_snapshot_reload_failures_total").increment(1);
            tracing::warn!(error = %err, "configuration reload failed; serving the previous snapshot");
        }
    }
}
