//! One module per subcommand.

pub mod admin;
pub mod admin_server;
pub mod billing;
pub mod billing_alerts;
pub mod gateway;
pub mod migrate;
pub mod openapi;
pub mod route;
pub mod up;
pub mod worker;

use std::path::Path;

use secrecy::ExposeSecret;
use sluice_admin::AdminConfig;
use sluice_alerts::{DeliveryConfig, JobsConfig, Rules};
use sluice_billing::alerting::AnomalyRule;
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::provider::TrustTier;
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};

use crate::cli::{AdminCommand, BillingCommand, BillingPricesCommand, BillingReportCommand, Cli, Command, CommonArgs, RouteCommand};
use crate::generated_secrets;
use crate::settings::{Overrides, Settings, decode_credential_key};
use crate::telemetry;

pub async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Up(args) => {
            let overrides = Overrides { admin_addr: args.admin_addr, gateway_addr: args.gateway_addr, data_dir: args.common.data_dir, ..Overrides::default() };
            up::run(load(config, &overrides)?).await
        }
        Command::Gateway(args) => {
            let overrides = Overrides { gateway_addr: args.gateway_addr, data_dir: args.common.data_dir, ..Overrides::default() };
            gateway::run(load(config, &overrides)?).await
        }
        Command::Worker(args) => {
            let overrides = Overrides { worker_addr: args.worker_addr, data_dir: args.common.data_dir, ..Overrides::default() };
            worker::run(load(config, &overrides)?).await
        }
        Command::Admin { command: None, serve } => {
            let overrides = Overrides { admin_addr: serve.admin_addr, data_dir: serve.common.data_dir, ..Overrides::default() };
            admin_server::run(load(config, &overrides)?).await
        }
        Command::Migrate(common) => migrate::run(load(config, &data_dir_only(common))?).await,
        Command::Admin { command: Some(AdminCommand::Create(args)), .. } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.common.data_dir.clone() }))?;
            admin::create(settings, args).await
        }
        Command::Billing { command: BillingCommand::Import(args) } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.common.data_dir.clone() }))?;
            billing::import(settings, args).await
        }
        Command::Billing { command: BillingCommand::Reconcile(args) } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.common.data_dir.clone() }))?;
            billing::reconcile(settings, args).await
        }
        Command::Billing { command: BillingCommand::Forecast(args) } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.common.data_dir.clone() }))?;
            billing_alerts::forecast(settings, args).await
        }
        Command::Billing { command: BillingCommand::Drift(args) } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.common.data_dir.clone() }))?;
            billing_alerts::drift(settings, args).await
        }
        Command::Billing { command: BillingCommand::Prices { command: BillingPricesCommand::Refresh { file, dry_run, common } } } => {
            billing::refresh_prices(load(config, &data_dir_only(common))?, &file, dry_run).await
        }
        Command::Billing { command: BillingCommand::Report { command: BillingReportCommand::Usage(args) } } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.report.common.data_dir.clone() }))?;
            billing::report::usage(settings, args).await
        }
        Command::Billing { command: BillingCommand::Report { command: BillingReportCommand::Egress(args) } } => {
            let settings = load(config, &data_dir_only(CommonArgs { data_dir: args.report.common.data_dir.clone() }))?;
            billing::report::egress(settings, args).await
        }
        Command::Openapi => openapi::run(),
        Command::Route { command: RouteCommand::Classify { policy } } => route::classify(policy.as_deref()),
        Command::Route { command: RouteCommand::Eval { files, policy, json, output_tokens } } => {
            route::eval(route::EvalArgs { files: &files, policy: policy.as_deref(), json, output_tokens })
        }
    }
}

fn data_dir_only(common: CommonArgs) -> Overrides {
    Overrides { data_dir: common.data_dir, ..Overrides::default() }
}

fn load(config: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
    let settings = Settings::load(config, overrides)?;
    telemetry::init(settings.log_format, settings.otlp_endpoint.as_deref());
    Ok(settings)
}

/// The configured secrets, or ones generated into (and kept in) the data directory.
pub struct Secrets {
    pub jwt_secret: secrecy::SecretString,
    pub cipher: CredentialCipher,
}

pub fn secrets(settings: &Settings) -> anyhow::Result<Secrets> {
    let generated = if settings.jwt_secret.is_none() || settings.credential_key.is_none() {
        if settings.database_url.is_some() {
            tracing::warn!(
                "jwt_secret or credential_key is not configured; using values generated in the data directory. \
                 Set SLUICE_JWT_SECRET and SLUICE_CREDENTIAL_KEY identically on every replica."
            );
        }
        Some(generated_secrets::load_or_create(&settings.data_dir)?)
    } else {
        None
    };
    let jwt = settings.jwt_secret.as_ref().or(generated.as_ref().map(|g| &g.jwt_secret)).ok_or_else(|| anyhow::anyhow!("no jwt_secret"))?;
    let key = settings.credential_key.as_ref().or(generated.as_ref().map(|g| &g.credential_key)).ok_or_else(|| anyhow::anyhow!("no credential_key"))?;
    let cipher = CredentialCipher::new(settings.credential_key_id.clone(), &decode_credential_key(key)?).map_err(|e| anyhow::anyhow!("credential_key: {e}"))?;
    Ok(Secrets { jwt_secret: jwt.clone(), cipher })
}

/// The admin API's configuration.
pub fn admin_config(settings: &Settings, secrets: &Secrets) -> anyhow::Result<AdminConfig> {
    let mut config = AdminConfig::new(secrets.jwt_secret.expose_secret().as_bytes().to_vec(), secrets.cipher.clone());
    config.access_token_ttl = std::time::Duration::from_secs(settings.access_token_ttl_secs);
    config.refresh_token_ttl = std::time::Duration::from_secs(settings.refresh_token_ttl_secs);
    config.webhook_targets = webhook_targets(settings);
    config.alert_rules = alert_rules(settings)?;
    config.quota = shared_quota(settings)?.map(std::sync::Arc::new);
    Ok(config)
}

/// This machine's (or container's, or pod's) name, to tell instances apart in shared places:
/// gateway outbox folders on a shared volume, worker job claims.
pub fn host_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
    if host.is_empty() { "localhost".to_owned() } else { host }
}

/// Which addresses webhook endpoints may reach, as a provider trust tier's URL rules.
fn webhook_targets(settings: &Settings) -> TrustTier {
    if settings.webhook_allow_private_targets { TrustTier::Local } else { TrustTier::External }
}

fn alert_rules(settings: &Settings) -> anyhow::Result<Rules> {
    Ok(Rules {
        anomaly: AnomalyRule { factor: settings.alert_anomaly_factor, floor: settings.alert_anomaly_floor()? },
        drift_tolerance: settings.alert_drift_tolerance()?,
    })
}

/// The alert jobs' configuration (evaluation rules and webhook delivery).
pub fn alert_jobs(settings: &Settings) -> anyhow::Result<JobsConfig> {
    let delivery = DeliveryConfig {
        max_attempts: i32::try_from(settings.webhook_max_attempts)?,
        timeout: std::time::Duration::from_secs(settings.webhook_timeout_secs),
        targets: webhook_targets(settings),
        ..DeliveryConfig::default()
    };
    Ok(JobsConfig { rules: alert_rules(settings)?, delivery, ..JobsConfig::default() })
}

/// The shared quota store for background reads (counter drift), when `redis_url` is set. Its
/// timeout is a background job's, not the request path's.
pub fn shared_quota(settings: &Settings) -> anyhow::Result<Option<RedisQuota>> {
    let Some(url) = &settings.redis_url else { return Ok(None) };
    let config = RedisQuotaConfig { timeout: std::time::Duration::from_secs(2), ..RedisQuotaConfig::default() };
    Ok(Some(RedisQuota::open(url.expose_secret(), config).map_err(|e| anyhow::anyhow!("redis_url: {e}"))?))
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
