//! The outbox handle the pipeline writes to: append to this instance's write-ahead segments and
//! hand completions to the shipper.
//!
//! Segments rotate after `SEGMENT_RECORDS` records. A segment is deleted once every intent it
//! holds has completed and every completion it holds has reached PostgreSQL — then nothing in it
//! is needed for recovery any more.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use sluice_domain::ids::RequestId;
use sluice_quota::Reservation;
use sluice_store::ledger::LedgerRow;
use tokio::sync::mpsc;

use super::record::RecordRef;
use super::wal::{self, FolderLock, WalWriter, try_lock};

const SEGMENT_RECORDS: u64 = 20_000;

/// A completion on its way to the shipper, with the segment that holds it.
pub struct Shipment {
    pub segment: u64,
    pub row: LedgerRow,
}

#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    state: Mutex<State>,
    shipments: mpsc::UnboundedSender<Shipment>,
    _lock: FolderLock,
}

#[derive(Default)]
struct SegmentCounts {
    open_intents: u64,
    unshipped: u64,
}

struct State {
    writer: WalWriter,
    current: u64,
    records_in_current: u64,
    segments: BTreeMap<u64, SegmentCounts>,
    /// Which segment holds each open intent.
    open: HashMap<RequestId, u64>,
    /// When each completion not yet shipped was written, oldest first. The shipper takes
    /// completions in order from one channel and acknowledges them in that order, so shipping
    /// `n` rows retires the first `n` entries (the ledger-lag gauge reads the front).
    unshipped_since: VecDeque<Instant>,
}

impl Outbox {
    /// Opens (and locks) this instance's folder, starting a fresh segment after any left by an
    /// earlier run (recovery reads those). Fails if another live process holds the folder.
    pub fn open(dir: &Path) -> std::io::Result<(Self, mpsc::UnboundedReceiver<Shipment>)> {
        let lock = try_lock(dir)?.ok_or_else(|| std::io::Error::other(format!("outbox {} is held by another gateway process", dir.display())))?;
        let next = wal::segments(dir)?.last().map_or(0, |(n, _)| n + 1);
        let writer = WalWriter::create(wal::segment_path(dir, next))?;
        let mut segments = BTreeMap::new();
        segments.insert(next, SegmentCounts::default());
        let state = State { writer, current: next, records_in_current: 0, segments, open: HashMap::new(), unshipped_since: VecDeque::new() };
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Inner { dir: dir.to_owned(), state: Mutex::new(state), shipments: tx, _lock: lock };
        Ok((Self { inner: Arc::new(inner) }, rx))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends one record to the current segment (rotating first if it is full).
    fn append(&self, state: &mut State, record: &RecordRef<'_>) -> u64 {
        if state.records_in_current >= SEGMENT_RECORDS {
            let next = state.current + 1;
            match WalWriter::create(wal::segment_path(&self.inner.dir, next)) {
                Ok(writer) => {
                    if let Err(err) = state.writer.sync() {
                        tracing::warn!(error = %err, "cannot sync an outbox segment");
                    }
                    state.writer = writer;
                    state.current = next;
                    state.records_in_current = 0;
                    state.segments.insert(next, SegmentCounts::default());
                }
                Err(err) => tracing::error!(error = %err, "cannot start a new outbox segment; appending to the current one"),
            }
        }
        if let Err(err) = state.writer.append(record) {
            // The row still reaches the shipper from memory; only crash recovery is weakened.
            metrics::counter!("sluice_outbox_write_failures_total").increment(1);
            tracing::error!(error = %err, "cannot append to the usage outbox");
        }
        state.records_in_current += 1;
        state.current
    }

    pub fn intent(&self, reservation: &Reservation, row: &LedgerRow) {
        let request_id = reservation.request_id;
        let mut state = self.lock();
        let segment = self.append(&mut state, &RecordRef::Intent { reservation, row });
        state.open.insert(request_id, segment);
        if let Some(counts) = state.segments.get_mut(&segment) {
            counts.open_intents += 1;
        }
    }

    pub fn complete(&self, row: LedgerRow) {
        let mut state = self.lock();
        let segment = self.append(&mut state, &RecordRef::Completion(&row));
        if let Some(counts) = state.segments.get_mut(&segment) {
            counts.unshipped += 1;
        }
        state.unshipped_since.push_back(Instant::now());
        let intent_segment = state.open.remove(&RequestId::from(row.request_id));
        if let Some(counts) = intent_segment.and_then(|s| state.segments.get_mut(&s)) {
            counts.open_intents = counts.open_intents.saturating_sub(1);
        }
        drop(state);
        if self.inner.shipments.send(Shipment { segment, row }).is_err() {
            tracing::error!("usage shipper has stopped; the row stays in the outbox for recovery");
        }
    }

    /// The shipper stored these completions in PostgreSQL: segments with nothing left to
    /// recover are deleted.
    pub fn shipped(&self, per_segment: &BTreeMap<u64, u64>) {
        let mut state = self.lock();
        let shipped = usize::try_from(per_segment.values().sum::<u64>()).unwrap_or(usize::MAX);
        let retired = shipped.min(state.unshipped_since.len());
        state.unshipped_since.drain(..retired);
        for (segment, count) in per_segment {
            if let Some(counts) = state.segments.get_mut(segment) {
                counts.unshipped = counts.unshipped.saturating_sub(*count);
            }
        }
        let current = state.current;
        let done: Vec<u64> = state.segments.iter().filter(|(n, c)| **n != current && c.open_intents == 0 && c.unshipped == 0).map(|(n, _)| *n).collect();
        for segment in done {
            state.segments.remove(&segment);
            let path = wal::segment_path(&self.inner.dir, segment);
            if let Err(err) = std::fs::remove_file(&path) {
                tracing::warn!(error = %err, path = %path.display(), "cannot delete a finished outbox segment");
            }
        }
    }

    /// Makes everything appended so far durable (the shipper calls it before acknowledging).
    pub fn sync(&self) -> std::io::Result<()> {
        self.lock().writer.sync()
    }

    /// Completions not yet in PostgreSQL.
    pub fn unshipped(&self) -> u64 {
        self.lock().segments.values().map(|c| c.unshipped).sum()
    }

    /// How long the oldest completion not yet in PostgreSQL has waited (the ledger lag).
    pub fn oldest_unshipped_age(&self) -> Option<Duration> {
        self.lock().unshipped_since.front().map(Instant::elapsed)
    }

    /// A handle that does not keep the outbox (and its folder lock) alive.
    pub fn downgrade(&self) -> WeakOutbox {
        WeakOutbox(Arc::downgrade(&self.inner))
    }

    /// Requests admitted and not yet completed (for graceful shutdown and metrics).
    pub fn in_flight(&self) -> usize {
        self.lock().open.len()
    }
}

pub struct WeakOutbox(Weak<Inner>);

impl WeakOutbox {
    pub fn upgrade(&self) -> Option<Outbox> {
        self.0.upgrade().map(|inner| Outbox { inner })
    }
}
