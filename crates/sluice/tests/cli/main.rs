//! End-to-end tests of the `sluice` binary: the commands an operator types, run as processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod billing;
mod commands;
mod crash;
mod observability;
mod replicas;
mod route;
mod sdk;
mod up;
