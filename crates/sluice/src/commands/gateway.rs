//! `sluice gateway`: the data plane alone (and the building block `sluice up` uses).

use std::net::TcpListener;
use std::time::Duration;

use secrecy::ExposeSecret;
use sluice_domain::credentials::CredentialCipher;
use sluice_gateway::{Gateway, GatewayConfig, QuotaSource};
use sluice_quota::redis_store::RedisQuotaConfig;
use sluice_store::Db;

use crate::commands::{secrets, shutdown_signal};
use crate::database;
use crate::settings::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets(&settings)?;
    let database = database::open(&settings).await?;
    let gateway = build(&settings, database.db.clone(), secrets.cipher.clone()).await?;
    let handle = gateway.handle();
    tracing::info!(gateway = %settings.gateway_addr, "gateway listening on http://{}/v1", settings.gateway_addr);
    let serving = tokio::spawn(gateway.run_until_stopped());
    shutdown_signal().await;
    tracing::info!("shutting down: draining streams and flushing usage");
    handle.stop(true).await;
    let _ = serving.await;
    database.close().await;
    Ok(())
}

/// The quota store: Redis (a server, or a cluster: several comma-separated URLs or
/// `redis_cluster`) when `REDIS_URL` is set, in-process otherwise.
pub fn quota(settings: &Settings) -> anyhow::Result<QuotaSource> {
    match &settings.redis_url {
        Some(url) => {
            let config = RedisQuotaConfig {
                timeout: Duration::from_millis(settings.redis_timeout_ms),
                cluster: settings.redis_cluster,
                ..RedisQuotaConfig::default()
            };
            QuotaSource::redis(url.expose_secret(), config).map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))
        }
        None => Ok(QuotaSource::local()),
    }
}

pub async fn build(settings: &Settings, db: Db, cipher: CredentialCipher) -> anyhow::Result<Gateway> {
    // Unique per process that may share the outbox folder: several gateways on one machine
    // (ports) or containers sharing a volume (host names). A restarted instance with another
    // name is fine: recovery replays every folder no live process holds.
    let instance = format!("gateway-{}-{}", super::host_name(), settings.gateway_addr.port());
    let mut config = GatewayConfig::new(settings.data_dir.join("outbox"), instance);
    config.unpriced_ceiling = settings.unpriced_model_ceiling_usd.as_deref().and_then(|c| c.parse().ok());
    config.expected_replicas = settings.gateway_replicas;
    config.snapshot_max_staleness = Duration::from_secs(settings.snapshot_max_staleness_secs);
    config.snapshot_full_reload = Duration::from_secs(settings.snapshot_reload_secs);
    config.drain_deadline = Duration::from_secs(settings.drain_deadline_secs);
    let listener = TcpListener::bind(settings.gateway_addr).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.gateway_addr))?;
    Gateway::build(config, db, cipher, quota(settings)?, listener).await
}
