//! Test support shared by the integration suites: free loopback ports, private redis-server
//! instances and Redis Clusters killed by PID, a fresh database per test on the test PostgreSQL server, and ledger
//! rows for tests that seed the ledger directly.
//!
//! Only a dev-dependency: nothing here ships in the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ledger;
mod postgres;
mod redis;
mod redis_cluster;

pub use ledger::ledger_row;
pub use postgres::{fresh_database, server_url};
pub use redis::PrivateRedis;
pub use redis_cluster::PrivateRedisCluster;

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
