//! One module per resource: its wire types (DTOs) and its handlers. Handlers extract, check
//! access, validate into domain types, call the store inside a transaction with its audit row,
//! and map the result.

pub mod alerts;
pub mod audit_log;
pub mod auth;
pub mod billing;
pub mod budgets;
pub mod counter_drift;
pub mod explain;
pub mod forecast;
pub mod health;
pub mod keys;
pub mod members;
pub mod model_prices;
pub mod models;
pub mod org_model_prices;
pub mod orgs;
pub mod policies;
pub mod provider_input;
pub mod provider_url;
pub mod providers;
pub mod rate_limits;
pub mod reports;
mod target;
pub mod teams;
pub mod users;
pub mod webhooks;
pub mod what_if;
