//! HTTP plumbing shared by every resource: strict JSON bodies with field-named errors, PATCH
//! tri-state fields, keyset pagination, and extractor error handlers.

pub mod idempotency;
pub mod json;
pub mod page;
pub mod patch;

pub use json::ValidJson;
pub use page::{PageQuery, Paginated};
pub use patch::Patch;
