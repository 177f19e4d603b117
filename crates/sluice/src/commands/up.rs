//! `sluice up`: everything in one process — the admin API, the gateway and the background
//! worker's jobs — sharing one database pool. The same building blocks as `sluice admin`,
//! `sluice gateway` and `sluice worker`.

use std::time::Duration;

use crate::commands::{admin_config, admin_server, gateway, secrets, shutdown_signal};
use crate::database;
use crate::settings::Settings;
use crate::worker::{self, Worker};

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets(&settings)?;
    let config = admin_config(&settings, &secrets)?;
    let database = database::open(&settings).await?;
    admin_server::announce_first_start(&settings, &database.db).await?;
    let app = admin_server::bind(&settings, config, database.db.clone())?;
    let gateway = gateway::build(&settings, database.db.clone(), secrets.cipher.clone()).await?;
    let (admin_handle, gateway_handle) = (app.handle(), gateway.handle());
    tracing::info!(
        admin = %settings.admin_addr,
        gateway = %settings.gateway_addr,
        "Sluice is up: gateway on http://{}/v1, admin API on http://{}/api/v1, console on http://{}/console/, docs on http://{}/docs/",
        settings.gateway_addr,
        settings.admin_addr,
        settings.admin_addr,
        settings.admin_addr
    );
    let jobs = Worker::spawn(database.db.clone(), Duration::from_secs(settings.worker_interval_secs), worker::worker_id("up"))
        .with_alerting(database.db.clone(), secrets.cipher.clone(), &settings)?;
    let admin = tokio::spawn(app.run_until_stopped());
    let data_plane = tokio::spawn(gateway.run_until_stopped());

    shutdown_signal().await;
    tracing::info!("shutting down: draining streams and flushing usage");
    tokio::join!(gateway_handle.stop(true), admin_handle.stop(true));
    jobs.stop();
    let _ = tokio::join!(admin, data_plane);
    database.close().await;
    Ok(())
}
