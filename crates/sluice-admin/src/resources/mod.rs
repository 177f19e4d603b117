//! One module per resource: its wire types (DTOs) and its handlers. Handlers extract, check
//! access, validate into domain types, call the store inside a transaction with its audit row,
//! and map the result.

pub mod auth;
pub mod health;
pub mod model_prices;
pub mod models;
pub mod orgs;
pub mod provider_input;
pub mod provider_url;
pub mod providers;
pub mod users;
