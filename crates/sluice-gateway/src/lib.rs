//! Sluice's gateway (data plane): OpenAI-compatible chat completions (JSON and SSE),
//! embeddings and model listing, and Anthropic-compatible messages (JSON and SSE) — either
//! surface reaching either provider dialect through `translate` — behind virtual keys, with
//! rate limits, concurrency limits and hierarchical budgets decided atomically before any
//! provider is called, and exactly one ledger row per admitted request.
//!
//! Layers: `server` (routes) → `api` (request parsing, error shapes, headers) → `pipeline` (the
//! one path every surface takes) → `providers` (one folder per provider) — with `snapshot`
//! (in-memory configuration, refreshed on change notifications), `quota` (Redis or in-process)
//! and `usage` (outbox, shipper, crash recovery).
//!
//! Invariants: no PostgreSQL call on the request path (the snapshot serves it; the ledger is
//! written by the shipper); no provider is called before the admission reserved the request's
//! worst-case cost; every admitted request is settled or released exactly once.

pub mod api;
pub mod auth;
pub mod config;
pub mod dialect;
pub mod metrics_endpoint;
pub mod pipeline;
pub mod providers;
pub mod quota;
pub mod routing;
pub mod server;
pub mod snapshot;
pub mod state;
pub mod tokens;
pub mod translate;
pub mod usage;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use sluice_domain::credentials::CredentialCipher;
use sluice_store::Db;

pub use config::GatewayConfig;
pub use quota::{AnyQuota, QuotaSource, Quotas};

use crate::snapshot::{SnapshotHandle, build_snapshot, spawn_refresher};
use crate::state::GatewayState;
use crate::usage::shipper::{self, ShipperStop};
use crate::usage::{Outbox, rebuild, recovery};

/// At shutdown, the shipper always gets at least this long for its last batch.
const MIN_FINAL_FLUSH: std::time::Duration = std::time::Duration::from_secs(1);

pub struct Gateway {
    port: u16,
    server: Server,
    shipper: tokio::task::JoinHandle<()>,
    shipper_stop: ShipperStop,
    refresher: tokio::task::JoinHandle<()>,
    /// Reconciler and quota sync (shared store only).
    background: Vec<tokio::task::JoinHandle<()>>,
    state: GatewayState,
}

/// Marks new orgs' counters complete before their keys become visible (shared store only).
fn sync_before_swap(db: Db, quota: Arc<Quotas>, outbox: usage::Outbox) -> snapshot::BeforeSwap {
    Arc::new(move |snapshot| {
        let (db, quota, outbox) = (db.clone(), quota.clone(), outbox.clone());
        Box::pin(async move {
            if let Err(err) = rebuild::sync_shared(&snapshot, &db, &quota, &outbox).await {
                tracing::debug!(error = %err, "quota sync before a snapshot swap failed; the periodic sync retries");
            }
        })
    })
}

impl Gateway {
    /// Recovers what a previous run left in the outbox, loads the configuration, rebuilds
    /// in-process budget counters from the ledger, and binds the server (port 0 in tests).
    pub async fn build(config: GatewayConfig, db: Db, cipher: CredentialCipher, source: QuotaSource, listener: TcpListener) -> anyhow::Result<Self> {
        // The connection of background work (recovery, rebuilds, sync, reconciler); request
        // handlers get one per worker (see `server`).
        let quota = source.connect()?;
        let port = listener.local_addr()?.port();
        tokens::warm_up();
        sluice_router::warm_up();
        let _ = metrics_endpoint::handles();
        let recovered = recovery::recover(&config.outbox_dir, &db, &quota).await?;
        if recovered != recovery::Recovered::default() {
            tracing::info!(completions = recovered.completions, interrupted = recovered.interrupted, "usage recovered from a previous run");
        }
        let snapshot = build_snapshot(&db, &cipher).await?;
        if !quota.is_shared() {
            let restored = rebuild::budgets_from_ledger(&snapshot, &db, &quota, None).await?;
            tracing::debug!(budgets = restored, "in-process budget counters rebuilt from the ledger");
        }
        let handle = SnapshotHandle::new(snapshot);
        let (outbox, shipments) = Outbox::open(&config.outbox_dir.join(&config.instance_id))?;
        let shipper_stop = ShipperStop::default();
        let alerts = Arc::new(usage::alerts::AlertSink::spawn(db.clone()));
        let shipper = shipper::spawn(db.clone(), outbox.clone(), shipments, shipper_stop.clone());
        let fallback = source.is_shared().then(|| Arc::new(quota::Fallback::new(config.expected_replicas)));
        let quota = Arc::new(Quotas::new(quota, fallback.clone()));
        let mut background = Vec::new();
        let before_swap = if quota.is_shared() {
            // Before serving: counters of every known org are complete (or refused).
            if let Err(err) = rebuild::sync_shared(&handle.load_full(), &db, &quota, &outbox).await {
                tracing::warn!(error = %err, "cannot rebuild quota counters yet; those orgs are refused until it succeeds");
            }
            background.push(usage::reconciler::spawn(quota.clone(), outbox.clone(), config.reconcile_every));
            background.push(rebuild::spawn_sync(handle.clone(), db.clone(), quota.clone(), outbox.clone()));
            Some(sync_before_swap(db.clone(), quota.clone(), outbox.clone()))
        } else {
            None
        };
        metrics_endpoint::watch(&handle, &outbox);
        let refresher = spawn_refresher(db.clone(), cipher, handle.clone(), config.snapshot_full_reload, before_swap);
        let upstream = Arc::new(providers::upstream::Upstream::new(&config.upstream)?);
        let state = GatewayState { snapshot: handle, quota, outbox, config: Arc::new(config), alerts, upstream, budget_use: Arc::default() };
        let server = server::http_server(state.clone(), source, fallback, listener)?;
        Ok(Self { port, server, shipper, shipper_stop, refresher, background, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, then flushes the outbox: every finished request's row reaches
    /// PostgreSQL before this returns — or, if the database does not take it before the drain
    /// deadline, stays durable in the outbox's write-ahead segments, which the next start
    /// recovers (idempotently, by request id). Shutdown is never held hostage by the database.
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        let result = self.server.await;
        let deadline = tokio::time::Instant::now() + self.state.config.drain_deadline;
        // Streams still finishing settle through spawned tasks; give them until the deadline.
        while self.state.outbox.in_flight() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        self.refresher.abort();
        for task in &self.background {
            task.abort();
        }
        self.shipper_stop.stop();
        // Streams may have used the whole deadline; the last batch still gets a short window.
        let shipping_until = deadline.max(tokio::time::Instant::now() + MIN_FINAL_FLUSH);
        if tokio::time::timeout_at(shipping_until, &mut self.shipper).await.is_err() {
            self.shipper.abort();
            let left = self.state.outbox.unshipped();
            match self.state.outbox.sync() {
                Ok(()) => tracing::warn!(rows = left, "the database did not take the last ledger rows before the drain deadline; they stay in the outbox and are written at the next start"),
                Err(err) => tracing::error!(error = %err, rows = left, "cannot sync the outbox at shutdown"),
            }
        }
        result
    }
}
