//! The connection pool and transaction types the rest of Sluice sees.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::StoreError;

/// A connection or an open transaction (a `Tx` dereferences to it).
pub type Conn = sqlx::PgConnection;
pub type Tx = sqlx::Transaction<'static, Postgres>;

/// How much of the pool is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: usize,
    pub idle: usize,
}

/// The shared connection pool.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
}

/// How long callers wait for the database before giving up: bounded waits are what let the
/// admin API answer 503 while PostgreSQL is down or saturated instead of piling up requests.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Waiting for a pooled connection (including opening one).
    pub acquire: Duration,
    /// PostgreSQL's `statement_timeout`, set on every connection of the pool.
    pub statement: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { acquire: Duration::from_secs(5), statement: Duration::from_secs(30) }
    }
}

impl Db {
    /// Connects lazily-checked: fails fast if the database cannot be reached at all.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        Self::connect_with(url, max_connections, Timeouts::default()).await
    }

    /// `connect` with explicit timeouts.
    pub async fn connect_with(url: &str, max_connections: u32, timeouts: Timeouts) -> Result<Self, StoreError> {
        let statement_ms = timeouts.statement.as_millis().to_string();
        let options: PgConnectOptions = url.parse::<PgConnectOptions>()?.options([("statement_timeout", statement_ms.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(timeouts.acquire)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.pool.begin().await?)
    }

    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Connections checked out and connections idle in the pool (for the pool gauges).
    pub fn usage(&self) -> PoolUsage {
        let (size, idle) = (self.pool.size(), self.pool.num_idle());
        PoolUsage { in_use: usize::try_from(size).unwrap_or(usize::MAX).saturating_sub(idle), idle }
    }

    /// Cheap liveness probe for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query!("select 1 as one").fetch_one(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates database `name` on the server at `server_url` (a URL naming any existing database)
/// unless it exists. Returns whether it was created. Used by `sluice up` after `initdb` and by
/// tests that want a fresh database each.
pub async fn ensure_database(server_url: &str, name: &str) -> Result<bool, StoreError> {
    if name.is_empty() || name.len() > 63 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(StoreError::Corrupt(format!("invalid database name {name:?}")));
    }
    let options: PgConnectOptions = server_url.parse()?;
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options).await?;
    let exists = sqlx::query_scalar!(r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#, name)
        .fetch_one(&mut conn)
        .await?;
    if exists {
        return Ok(false);
    }
    // Identifiers cannot be bound as parameters; `name` is checked to be [A-Za-z0-9_] above.
    sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\""))).execute(&mut conn).await?;
    Ok(true)
}

/// Replaces the database name in a Postgres URL.
pub fn with_database(server_url: &str, name: &str) -> Result<String, StoreError> {
    let mut url = url::Url::parse(server_url).map_err(|_| StoreError::Corrupt("database URL is not a URL".into()))?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}
