//! `sluice up`: everything in one process — the admin API, the gateway, and housekeeping.

use std::net::TcpListener;
use std::time::Duration;

use sluice_admin::Application;
use sluice_store::{Db, idempotency, migrate};

use crate::bootstrap;
use crate::commands::{admin_config, alert_jobs, gateway, secrets, shared_quota, shutdown_signal};
use crate::database;
use crate::settings::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets(&settings)?;
    let config = admin_config(&settings, &secrets)?;
    let database = database::open(&settings).await?;
    if let Some(first) = bootstrap::first_start(&database.db).await? {
        // Printed once, to the terminal that started Sluice, not to the log.
        println!(
            "\nSluice is set up.\n  console:            http://{addr}/console/{built}\n  API docs:           http://{addr}/docs/\n  admin login:        {email}\n  admin password:     {password}\n  demo organization:  {org}\nChange the password after logging in (PATCH /api/v1/users/<id>).\n",
            addr = settings.admin_addr,
            built = if sluice_admin::console::is_built() { "" } else { "  (not built into this binary: see web/README.md)" },
            email = first.email,
            password = first.password,
            org = first.org_id
        );
    }
    let listener = TcpListener::bind(settings.admin_addr).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.admin_addr))?;
    let app = Application::build(config, database.db.clone(), listener)?;
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
    let alerting = sluice_alerts::run(database.db.clone(), secrets.cipher.clone(), alert_jobs(&settings)?, shared_quota(&settings)?);
    let housekeeping = tokio::spawn(housekeeping(database.db.clone(), alerting));
    let admin = tokio::spawn(app.run_until_stopped());
    let data_plane = tokio::spawn(gateway.run_until_stopped());

    shutdown_signal().await;
    tracing::info!("shutting down: draining streams and flushing usage");
    tokio::join!(gateway_handle.stop(true), admin_handle.stop(true));
    housekeeping.abort();
    let _ = tokio::join!(admin, data_plane);
    database.close().await;
    Ok(())
}

/// Periodic chores that need no coordination between replicas (each is idempotent), and the
/// alert jobs (evaluation and webhook delivery: safe in several processes at once).
async fn housekeeping(db: Db, alerting: impl std::future::Future<Output = ()> + Send) {
    tokio::join!(alerting, chores(db));
}

async fn chores(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let Ok(mut conn) = db.acquire().await else { continue };
        if let Err(err) = idempotency::purge_expired(&mut conn).await {
            tracing::warn!(error = %err, "purging idempotency records failed");
        }
        if let Err(err) = migrate::ensure_ledger_partitions(&mut conn).await {
            tracing::warn!(error = %err, "creating ledger partitions failed");
        }
    }
}
