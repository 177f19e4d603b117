//! End-to-end tests of the `sluice` binary: the commands an operator types, run as processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod billing;
mod commands;
mod crash;
mod outage;
mod observability;
mod replicas;
mod roles;
mod route;
mod schemathesis;
mod sdk;
mod up;
