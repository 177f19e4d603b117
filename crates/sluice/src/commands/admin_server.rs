//! `sluice admin`: the control plane alone — the admin API, its docs and the web console — for
//! running it apart from the gateways (and `bootstrap`'s first start, which `sluice up` shares).

use std::net::TcpListener;

use sluice_admin::Application;
use sluice_store::Db;

use crate::bootstrap;
use crate::commands::{admin_config, secrets, shutdown_signal};
use crate::database;
use crate::settings::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets(&settings)?;
    let config = admin_config(&settings, &secrets)?;
    let database = database::open(&settings).await?;
    announce_first_start(&settings, &database.db).await?;
    let app = bind(&settings, config, database.db.clone())?;
    let handle = app.handle();
    tracing::info!(admin = %settings.admin_addr, "admin API on http://{}/api/v1, console on http://{}/console/", settings.admin_addr, settings.admin_addr);
    let serving = tokio::spawn(app.run_until_stopped());
    shutdown_signal().await;
    tracing::info!("shutting down the admin API");
    handle.stop(true).await;
    let _ = serving.await;
    database.close().await;
    Ok(())
}

pub fn bind(settings: &Settings, config: sluice_admin::AdminConfig, db: Db) -> anyhow::Result<Application> {
    let listener = TcpListener::bind(settings.admin_addr).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.admin_addr))?;
    Application::build(config, db, listener)
}

/// On the very first start, creates the admin account and demo org and prints how to log in —
/// to the terminal (or the pod's log) that started Sluice, once.
pub async fn announce_first_start(settings: &Settings, db: &Db) -> anyhow::Result<()> {
    if let Some(first) = bootstrap::first_start(db).await? {
        println!(
            "\nSluice is set up.\n  console:            http://{addr}/console/{built}\n  API docs:           http://{addr}/docs/\n  admin login:        {email}\n  admin password:     {password}\n  demo organization:  {org}\nChange the password after logging in (PATCH /api/v1/users/<id>).\n",
            addr = settings.admin_addr,
            built = if sluice_admin::console::is_built() { "" } else { "  (not built into this binary: see web/README.md)" },
            email = first.email,
            password = first.password,
            org = first.org_id
        );
    }
    Ok(())
}
