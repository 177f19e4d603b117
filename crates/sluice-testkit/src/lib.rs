//! Test support shared by the integration suites: free loopback ports, private redis-server
//! instances and Redis Clusters and PostgreSQL instances stopped by PID, a TCP fault proxy, a
//! fresh database per test on the test PostgreSQL server, ledger rows for tests that seed the
//! ledger directly, and the acceptance suite's numbers as named constants (`acceptance`).
//!
//! Only a dev-dependency: nothing here ships in the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod acceptance;
mod fault_proxy;
mod ledger;
mod postgres;
mod private_postgres;
mod redis;
mod redis_cluster;

pub use fault_proxy::{Fault, FaultProxy};
pub use ledger::ledger_row;
pub use postgres::{fresh_database, server_url};
pub use private_postgres::PrivatePostgres;
pub use redis::PrivateRedis;
pub use redis_cluster::PrivateRedisCluster;

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
