//! One module per subcommand.

pub mod admin;
pub mod billing;
pub mod gateway;
pub mod migrate;
pub mod openapi;
pub mod route;
pub mod up;

use std::path::Path;

use secrecy::ExposeSecret;
use sluice_admin::AdminConfig;
use sluice_domain::credentials::CredentialCipher;

use crate::cli::{AdminCommand, BillingCommand, BillingPricesCommand, Cli, Command, CommonArgs, RouteCommand};
use crate::generated_secrets;
use crate::settings::{Overrides, Settings, decode_credential_key};
use crate::telemetry;

pub async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Up(args) => {
            let overrides = Overrides { admin_addr: args.admin_addr, gateway_addr: args.gateway_addr, data_dir: args.common.data_dir };
            up::run(load(config, &overrides)?).await
        }
        Command::Gateway(args) => {
            let overrides = Overrides { gateway_addr: args.gateway_addr, data_dir: args.common.data_dir, ..Overrides::default() };
            gateway::run(load(config, &overrides)?).await
        }
        Command::Migrate(common) => migrate::run(load(config, &data_dir_only(common))?).await,
        Command::Admin { command: AdminCommand::Create(args) } => {
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
        Command::Billing { command: BillingCommand::Prices { command: BillingPricesCommand::Refresh { file, dry_run, common } } } => {
            billing::refresh_prices(load(config, &data_dir_only(common))?, &file, dry_run).await
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
    Ok(config)
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
