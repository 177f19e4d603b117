//! Integration tests of the admin API over HTTP: each test gets a fresh database and a server
//! on a free port (see `helpers`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod auth;
mod models;
mod orgs;
mod providers;
