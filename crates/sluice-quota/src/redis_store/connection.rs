//! Where the counters live: one Redis server or a Redis Cluster, behind one connection type.
//!
//! The setting is one string: a single `redis://` URL is a standalone server (or a primary behind
//! a failover proxy); several comma-separated URLs are seed nodes of a cluster. A cluster reached
//! through one address (a Kubernetes Service, a cloud "configuration endpoint") is selected with
//! the `cluster` flag instead. Both connections reconnect by themselves and can be created while
//! Redis is down — their calls then fail, and the store reports `Unavailable`.
//!
//! Why an enum rather than a generic parameter all the way up: the gateway holds one store type
//! whichever deployment it runs in, and the choice is made once, from configuration.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClient, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::QuotaError;

/// How to reach Redis, parsed from the configured URL(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisTarget {
    Standalone(String),
    /// Seed nodes; the client learns the rest of the cluster (and slot moves) from them.
    Cluster(Vec<String>),
}

impl RedisTarget {
    /// `urls`: one URL, or comma-separated seed nodes of a cluster. `cluster`: treat a single URL
    /// as a cluster seed as well.
    pub fn parse(urls: &str, cluster: bool) -> Result<Self, QuotaError> {
        let nodes: Vec<String> = urls.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect();
        for node in &nodes {
            // The error names the problem, never the URL (it may carry a password).
            redis::parse_redis_url(node).ok_or_else(|| QuotaError::Internal("invalid Redis URL: each node must be a redis:// or rediss:// URL".to_owned()))?;
        }
        match nodes.len() {
            0 => Err(QuotaError::Internal("invalid Redis URL: empty".to_owned())),
            1 if !cluster => Ok(Self::Standalone(nodes.into_iter().next().unwrap_or_default())),
            _ => Ok(Self::Cluster(nodes)),
        }
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self, Self::Cluster(_))
    }
}

/// A connection to either kind of deployment. Cloning is cheap (both are multiplexed handles).
#[derive(Clone)]
pub enum RedisLink {
    Standalone(ConnectionManager),
    Cluster(ClusterConnection),
}

impl RedisLink {
    /// Opens a lazily connected link. Call it inside a Tokio runtime: both kinds spawn their
    /// driver task there.
    pub fn open(target: &RedisTarget, timeout: Duration) -> Result<Self, QuotaError> {
        let invalid = |e: redis::RedisError| QuotaError::Internal(format!("invalid Redis URL: {}", e.category()));
        match target {
            RedisTarget::Standalone(url) => {
                let client = redis::Client::open(url.as_str()).map_err(invalid)?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_millis(500));
                let manager = ConnectionManager::new_lazy_with_config(client, config).map_err(super::map_redis_error)?;
                Ok(Self::Standalone(manager))
            }
            RedisTarget::Cluster(nodes) => {
                let client = ClusterClient::builder(nodes.iter().map(String::as_str)).retries(2).build().map_err(invalid)?;
                let config = ClusterConfig::new().set_connection_timeout(timeout).set_response_timeout(timeout);
                Ok(Self::Cluster(client.get_pending_async_connection_with_config(config)))
            }
        }
    }
}

impl ConnectionLike for RedisLink {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Standalone(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(&'a mut self, pipeline: &'a Pipeline, offset: usize, count: usize) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Standalone(c) => c.req_packed_commands(pipeline, offset, count),
            Self::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Standalone(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_url_is_standalone_unless_flagged_and_several_are_a_cluster() {
        let one = "redis://127.0.0.1:6379/";
        assert_eq!(RedisTarget::parse(one, false).unwrap(), RedisTarget::Standalone(one.to_owned()));
        assert_eq!(RedisTarget::parse(one, true).unwrap(), RedisTarget::Cluster(vec![one.to_owned()]));
        let several = RedisTarget::parse(" redis://a:7000 , redis://b:7001,", false).unwrap();
        assert_eq!(several, RedisTarget::Cluster(vec!["redis://a:7000".to_owned(), "redis://b:7001".to_owned()]));
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_them() {
        for bad in ["", " , ", "http://user:hunter2@host/", "redis://a:1,not a url"] {
            let err = RedisTarget::parse(bad, false).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("invalid Redis URL"), "{err}");
        }
    }
}
