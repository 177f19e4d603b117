//! Integration tests of the admin API over HTTP: each test gets a fresh database and a server
//! on a free port (see `helpers`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod alerting;
mod audit_log;
mod auth;
mod billing;
mod budgets;
mod canary;
mod console;
mod explain;
mod keys;
mod matrix;
mod members;
mod models;
mod negotiated_prices;
mod openapi;
mod orgs;
mod policies;
mod providers;
mod rate_limits;
mod reports;
mod teams;
mod users;
mod what_if;
