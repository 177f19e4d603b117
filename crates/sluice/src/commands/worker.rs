//! `sluice worker`: the background jobs alone (see `crate::worker`), with a probe listener for
//! orchestrators. Run one or several; they share the work through slot claims in PostgreSQL.

use std::net::TcpListener;
use std::time::Duration;

use crate::commands::{secrets, shutdown_signal};
use crate::database;
use crate::settings::Settings;
use crate::worker::{self, Worker, probes};

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets(&settings)?;
    let database = database::open(&settings).await?;
    let listener = TcpListener::bind(settings.worker_addr).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.worker_addr))?;
    let server = probes::server(database.db.clone(), listener)?;
    let handle = server.handle();
    let id = worker::worker_id("worker");
    let jobs = Worker::spawn(database.db.clone(), Duration::from_secs(settings.worker_interval_secs), id.clone())
        .with_alerting(database.db.clone(), secrets.cipher.clone(), &settings)?;
    tracing::info!(worker = %id, probes = %settings.worker_addr, interval_secs = settings.worker_interval_secs, "worker running; probes on http://{}/healthz", settings.worker_addr);
    let serving = tokio::spawn(server);
    shutdown_signal().await;
    tracing::info!("shutting down the worker");
    jobs.stop();
    handle.stop(true).await;
    let _ = serving.await;
    database.close().await;
    Ok(())
}
