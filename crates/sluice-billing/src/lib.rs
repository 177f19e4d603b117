//! Billing logic that needs no database: reading providers' usage and cost exports into invoice
//! lines, reconciling those lines with the usage ledger, reading LiteLLM price files, building
//! the usage, savings and egress reports (with their CSV) from roll-up groups, burn-rate
//! forecasts per budget and the rules of the alerts billing raises (spend anomaly, counter drift).
//!
//! The crate is pure: callers (the admin API, the CLI) fetch ledger aggregates and stored lines
//! through `sluice-store` and hand them in; nothing here opens a file, a socket or a connection.
//! Money stays exact throughout: amounts arrive as decimal text (JSON numbers are read from their
//! source text, never through an f64) and become integer nano-USD (`sluice_domain::Money`).

pub mod alerting;
pub mod decimal;
pub mod forecast;
pub mod import;
pub mod line;
pub mod litellm;
pub mod model_name;
pub mod reconcile;
pub mod report;

pub use import::{Format, ImportError, parse};
pub use line::{InvoiceLine, TokenType};
