//! Typed configuration: built-in defaults, then a TOML file (`--config` / `SLUICE_CONFIG`), then
//! `DATABASE_URL` / `REDIS_URL`, then `SLUICE_<KEY>` environment variables, then command-line
//! flags. Unknown keys are rejected with the key and its source named; secrets are wrapped so
//! they print as `[REDACTED]`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines for a terminal (`text` is accepted as well).
    #[serde(alias = "text")]
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub admin_addr: SocketAddr,
    pub gateway_addr: SocketAddr,
    /// `sluice worker`'s probe listener (`/healthz`, `/readyz`, `/metrics`).
    pub worker_addr: SocketAddr,
    /// Each background job runs once per this many seconds across all workers together.
    pub worker_interval_secs: u64,
    /// Embedded database and generated secrets live here.
    pub data_dir: PathBuf,
    /// An existing PostgreSQL database. Without it, `sluice up` runs a private one.
    pub database_url: Option<SecretString>,
    pub database_max_connections: u32,
    /// Longest wait for a database connection; past it the admin API answers 503 instead of
    /// letting requests pile up while PostgreSQL is down or saturated.
    pub database_acquire_timeout_ms: u64,
    /// Longest a single SQL statement may run (PostgreSQL `statement_timeout`).
    pub database_statement_timeout_ms: u64,
    /// Redis for quotas shared by several gateway replicas. Without it the gateway keeps its
    /// counters in process (one machine).
    pub redis_url: Option<SecretString>,
    /// Longest wait for Redis on the request path; past it the request fails closed.
    pub redis_timeout_ms: u64,
    /// `redis_url` is a seed node of a Redis Cluster (several comma-separated URLs always are).
    pub redis_cluster: bool,
    /// How many gateway replicas share Redis: during a Redis outage, orgs in `local` failure
    /// mode get this share of their limits and remaining budgets on each replica.
    pub gateway_replicas: u32,
    /// The gateway serves known keys from its in-memory configuration while PostgreSQL is
    /// unreachable, for at most this long after the last successful reload; then it fails
    /// closed (503) until the database is back.
    pub snapshot_max_staleness_secs: u64,
    /// The gateway reloads its configuration in full this often (besides on every change
    /// notification); must be at most half of `snapshot_max_staleness_secs`, so a healthy
    /// database never lets the snapshot go stale.
    pub snapshot_reload_secs: u64,
    /// On SIGTERM, how long in-flight streams and the ledger shipper may take; then the gateway
    /// exits and unshipped rows wait in the outbox for the next start.
    pub drain_deadline_secs: u64,
    /// Reserve and charge this much (USD, e.g. "0.05") per request to a model without a price.
    /// Unset: requests to unpriced models are refused.
    pub unpriced_model_ceiling_usd: Option<String>,
    pub log_format: LogFormat,
    /// OTLP/HTTP endpoint (e.g. `http://collector:4318`) that receives request traces. Unset:
    /// no traces are recorded or exported.
    pub otlp_endpoint: Option<String>,
    /// HMAC key for console access tokens, at least 32 bytes. Generated into the data
    /// directory when absent; set it explicitly when running several admin replicas.
    pub jwt_secret: Option<SecretString>,
    /// Base64 of 32 bytes: encrypts provider credentials at rest. Generated into the data
    /// directory when absent; every replica must share it.
    pub credential_key: Option<SecretString>,
    /// Names the credential key, so it can be rotated.
    pub credential_key_id: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    /// Let webhook endpoints target loopback and private addresses over http (the rules of a
    /// `local` provider). Off: public https addresses only.
    pub webhook_allow_private_targets: bool,
    /// Attempts per webhook delivery before it is given up (backoff doubles from 30 s to 1 h).
    pub webhook_max_attempts: u32,
    /// Timeout of one webhook attempt, connection included.
    pub webhook_timeout_secs: u64,
    /// `spend_anomaly`: the last hour's spend must be at least this many times the trailing
    /// hourly average...
    pub alert_anomaly_factor: u32,
    /// ...and at least this much (USD), so idle orgs do not alert on cents.
    pub alert_anomaly_floor_usd: String,
    /// `counter_drift`: the largest |Redis counter − ledger| (USD) not reported.
    pub alert_drift_tolerance_usd: String,
}

/// Built-in defaults (serialised into the first figment layer).
#[derive(Serialize)]
struct Defaults {
    admin_addr: &'static str,
    gateway_addr: &'static str,
    worker_addr: &'static str,
    worker_interval_secs: u64,
    data_dir: &'static str,
    database_max_connections: u32,
    database_acquire_timeout_ms: u64,
    database_statement_timeout_ms: u64,
    redis_timeout_ms: u64,
    redis_cluster: bool,
    gateway_replicas: u32,
    snapshot_max_staleness_secs: u64,
    snapshot_reload_secs: u64,
    drain_deadline_secs: u64,
    log_format: LogFormat,
    credential_key_id: &'static str,
    access_token_ttl_secs: u64,
    refresh_token_ttl_secs: u64,
    webhook_allow_private_targets: bool,
    webhook_max_attempts: u32,
    webhook_timeout_secs: u64,
    alert_anomaly_factor: u32,
    alert_anomaly_floor_usd: &'static str,
    alert_drift_tolerance_usd: &'static str,
}

const DEFAULTS: Defaults = Defaults {
    admin_addr: "127.0.0.1:8081",
    gateway_addr: "127.0.0.1:8080",
    worker_addr: "127.0.0.1:8082",
    worker_interval_secs: 3600,
    data_dir: ".sluice",
    database_max_connections: 10,
    database_acquire_timeout_ms: 3000,
    database_statement_timeout_ms: 30_000,
    redis_timeout_ms: 50,
    redis_cluster: false,
    gateway_replicas: 1,
    snapshot_max_staleness_secs: 300,
    snapshot_reload_secs: 30,
    drain_deadline_secs: 30,
    log_format: LogFormat::Pretty,
    credential_key_id: "k1",
    access_token_ttl_secs: 15 * 60,
    refresh_token_ttl_secs: 30 * 24 * 3600,
    webhook_allow_private_targets: false,
    webhook_max_attempts: 8,
    webhook_timeout_secs: 10,
    alert_anomaly_factor: 10,
    alert_anomaly_floor_usd: "1",
    alert_drift_tolerance_usd: "0.01",
};

/// Values given on the command line; `None` leaves lower layers in charge.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_addr: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_addr: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_addr: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
}

/// The process environment as a configuration source: `SLUICE_<KEY>` sets `<key>` (except
/// `SLUICE_CONFIG`, which names the file), and the conventional `DATABASE_URL` and `REDIS_URL`
/// set theirs. Built from a list of pairs so tests pass values instead of mutating the process
/// environment.
#[derive(Debug, Clone, Default)]
pub struct EnvVars(pub Vec<(String, String)>);

/// Keys whose values are numbers; every other value stays a string (so a numeric-looking
/// secret is not turned into a number).
const NUMERIC_KEYS: &[&str] = &[
    "database_max_connections",
    "database_acquire_timeout_ms",
    "database_statement_timeout_ms",
    "redis_timeout_ms",
    "gateway_replicas",
    "snapshot_max_staleness_secs",
    "snapshot_reload_secs",
    "drain_deadline_secs",
    "access_token_ttl_secs",
    "refresh_token_ttl_secs",
    "worker_interval_secs",
    "webhook_max_attempts",
    "webhook_timeout_secs",
    "alert_anomaly_factor",
];
/// Keys whose values are `true` or `false`.
const BOOL_KEYS: &[&str] = &["webhook_allow_private_targets", "redis_cluster"];

impl EnvVars {
    pub fn from_process() -> Self {
        Self(std::env::vars().collect())
    }
}

impl Provider for EnvVars {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable").interpolater(|_, path| match path {
            [key] if *key == "database_url" || *key == "redis_url" => key.to_uppercase(),
            keys => format!("SLUICE_{}", keys.join("_").to_uppercase()),
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (name, raw) in &self.0 {
            let key = match name.strip_prefix("SLUICE_") {
                Some("CONFIG") => continue,
                Some(rest) if !rest.is_empty() => rest.to_lowercase(),
                _ if name == "DATABASE_URL" || name == "REDIS_URL" => name.to_lowercase(),
                _ => continue,
            };
            let value = match (raw.parse::<u64>(), raw.parse::<bool>()) {
                (Ok(n), _) if NUMERIC_KEYS.contains(&key.as_str()) => Value::from(n),
                (_, Ok(b)) if BOOL_KEYS.contains(&key.as_str()) => Value::from(b),
                (_, Err(_)) if BOOL_KEYS.contains(&key.as_str()) && matches!(raw.as_str(), "1" | "0") => Value::from(raw == "1"),
                _ => Value::from(raw.clone()),
            };
            dict.insert(key, value);
        }
        Ok(Profile::Default.collect(dict))
    }
}

impl Settings {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        Self::from_figment(Self::figment(file, overrides, EnvVars::from_process()))
    }

    /// The layered sources: defaults < file < environment < command line.
    pub fn figment(file: Option<&Path>, overrides: &Overrides, env: EnvVars) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(DEFAULTS));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment.merge(env).merge(Serialized::defaults(overrides))
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let settings: Settings = figment.extract().map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that depend on more than one field's type.
    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(secret) = &self.jwt_secret
            && secret.expose_secret().len() < 32 {
                bail!("invalid configuration: jwt_secret must be at least 32 bytes");
            }
        if let Some(key) = &self.credential_key {
            decode_credential_key(key).context("invalid configuration: credential_key")?;
        }
        if self.credential_key_id.is_empty() || self.credential_key_id.len() > 64 {
            bail!("invalid configuration: credential_key_id must be 1-64 characters");
        }
        if let Some(ceiling) = &self.unpriced_model_ceiling_usd {
            let money: sluice_domain::Money = ceiling.parse().map_err(|e| anyhow::anyhow!("invalid configuration: unpriced_model_ceiling_usd {e}"))?;
            if !money.is_positive() {
                bail!("invalid configuration: unpriced_model_ceiling_usd must be greater than zero");
            }
        }
        if self.gateway_replicas == 0 {
            bail!("invalid configuration: gateway_replicas must be at least 1");
        }
        if self.worker_interval_secs == 0 || self.worker_interval_secs > 7 * 24 * 3600 {
            bail!("invalid configuration: worker_interval_secs must be between 1 and 604800");
        }
        if let Some(endpoint) = &self.otlp_endpoint {
            let has_host = ["http://", "https://"].iter().any(|scheme| endpoint.strip_prefix(scheme).is_some_and(|rest| !rest.is_empty()));
            if !has_host {
                bail!("invalid configuration: otlp_endpoint must be an http:// or https:// URL");
            }
        }
        if self.database_max_connections == 0 {
            bail!("invalid configuration: database_max_connections must be at least 1");
        }
        if self.database_acquire_timeout_ms == 0 || self.database_statement_timeout_ms == 0 {
            bail!("invalid configuration: database_acquire_timeout_ms and database_statement_timeout_ms must be at least 1");
        }
        if self.snapshot_reload_secs == 0 || self.snapshot_max_staleness_secs < 2 * self.snapshot_reload_secs {
            bail!("invalid configuration: snapshot_max_staleness_secs must be at least twice snapshot_reload_secs (and that at least 1)");
        }
        if self.access_token_ttl_secs < 60 || self.access_token_ttl_secs > 24 * 3600 {
            bail!("invalid configuration: access_token_ttl_secs must be between 60 and 86400");
        }
        if self.refresh_token_ttl_secs < self.access_token_ttl_secs {
            bail!("invalid configuration: refresh_token_ttl_secs must not be shorter than access_token_ttl_secs");
        }
        if !(1..=50).contains(&self.webhook_max_attempts) {
            bail!("invalid configuration: webhook_max_attempts must be between 1 and 50");
        }
        if !(1..=120).contains(&self.webhook_timeout_secs) {
            bail!("invalid configuration: webhook_timeout_secs must be between 1 and 120");
        }
        if self.alert_anomaly_factor < 2 {
            bail!("invalid configuration: alert_anomaly_factor must be at least 2");
        }
        self.alert_anomaly_floor()?;
        self.alert_drift_tolerance()?;
        Ok(())
    }

    pub fn alert_anomaly_floor(&self) -> anyhow::Result<sluice_domain::Money> {
        non_negative_usd("alert_anomaly_floor_usd", &self.alert_anomaly_floor_usd)
    }

    pub fn alert_drift_tolerance(&self) -> anyhow::Result<sluice_domain::Money> {
        non_negative_usd("alert_drift_tolerance_usd", &self.alert_drift_tolerance_usd)
    }
}

fn non_negative_usd(key: &str, raw: &str) -> anyhow::Result<sluice_domain::Money> {
    let money: sluice_domain::Money = raw.parse().map_err(|e| anyhow::anyhow!("invalid configuration: {key} {e}"))?;
    if money.nanos() < 0 {
        bail!("invalid configuration: {key} must not be negative");
    }
    Ok(money)
}

/// The credential key is base64 (standard alphabet) of exactly 32 bytes.
pub fn decode_credential_key(key: &SecretString) -> anyhow::Result<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.expose_secret().trim())
        .map_err(|_| anyhow::anyhow!("must be base64"))?;
    if bytes.len() != 32 {
        bail!("must decode to exactly 32 bytes (got {})", bytes.len());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(env: &[(&str, &str)], file: Option<&str>) -> anyhow::Result<Settings> {
        let env = EnvVars(env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        let dir = tempfile::tempdir()?;
        let path = match file {
            Some(contents) => {
                let path = dir.path().join("sluice.toml");
                std::fs::write(&path, contents)?;
                Some(path)
            }
            None => None,
        };
        Settings::from_figment(Settings::figment(path.as_deref(), &Overrides::default(), env))
    }

    #[test]
    fn defaults_and_environment() {
        let s = load(&[("SLUICE_ADMIN_ADDR", "0.0.0.0:9000"), ("DATABASE_URL", "postgres://x@db/sluice")], None).unwrap();
        assert_eq!(s.admin_addr.to_string(), "0.0.0.0:9000");
        assert_eq!(s.gateway_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url.map(|u| u.expose_secret().to_owned()).as_deref(), Some("postgres://x@db/sluice"));
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_key_named() {
        let err = load(&[("SLUICE_ADMN_ADDR", "0.0.0.0:9000")], None).unwrap_err().to_string();
        assert!(err.contains("admn_addr"), "{err}");
        let err = load(&[], Some("log_formt = \"json\"\n")).unwrap_err().to_string();
        assert!(err.contains("log_formt"), "{err}");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = load(&[("SLUICE_CREDENTIAL_KEY", "c2hvcnQ=")], None).unwrap_err().to_string();
        assert!(err.contains("credential_key"), "{err}");
        let err = load(&[("SLUICE_JWT_SECRET", "short")], None).unwrap_err().to_string();
        assert!(err.contains("jwt_secret"), "{err}");
        let err = load(&[("SLUICE_ADMIN_ADDR", "not an address")], None).unwrap_err().to_string();
        assert!(err.to_lowercase().contains("admin_addr"), "{err}");
    }

    #[test]
    fn command_line_beats_environment_beats_file() {
        let env = EnvVars(vec![("SLUICE_ADMIN_ADDR".into(), "127.0.0.1:7000".into()), ("SLUICE_CONFIG".into(), "ignored.toml".into())]);
        let overrides = Overrides { gateway_addr: "127.0.0.1:7001".parse().ok(), ..Overrides::default() };
        let s = Settings::from_figment(Settings::figment(None, &overrides, env)).unwrap();
        assert_eq!((s.admin_addr.port(), s.gateway_addr.port()), (7000, 7001));
        let numeric = load(&[("SLUICE_DATABASE_MAX_CONNECTIONS", "3")], None).unwrap();
        assert_eq!(numeric.database_max_connections, 3);
    }

    #[test]
    fn observability_and_cluster_settings() {
        let s = load(&[], None).unwrap();
        assert_eq!((s.redis_cluster, s.otlp_endpoint.as_deref(), s.log_format), (false, None, LogFormat::Pretty));
        let s = load(&[("SLUICE_REDIS_CLUSTER", "true"), ("SLUICE_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("SLUICE_LOG_FORMAT", "json")], None).unwrap();
        assert_eq!((s.redis_cluster, s.otlp_endpoint.as_deref(), s.log_format), (true, Some("http://127.0.0.1:4318"), LogFormat::Json));
        assert_eq!(load(&[("SLUICE_LOG_FORMAT", "text")], None).unwrap().log_format, LogFormat::Pretty);
        let err = load(&[("SLUICE_OTLP_ENDPOINT", "collector:4318")], None).unwrap_err().to_string();
        assert!(err.contains("otlp_endpoint"), "{err}");
        let err = load(&[("SLUICE_REDIS_CLUSTER", "maybe")], None).unwrap_err().to_string();
        assert!(err.contains("REDIS_CLUSTER"), "{err}");
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let s = load(&[("SLUICE_JWT_SECRET", "a-very-long-secret-that-nobody-should-see-123")], None).unwrap();
        assert!(!format!("{s:?}").contains("nobody-should-see"));
    }
}
