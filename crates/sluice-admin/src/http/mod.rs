//! HTTP plumbing shared by every resource: strict JSON bodies with field-named errors, PATCH
//! tri-state fields, keyset pagination, extractor error handlers, and request ids and metrics.

pub mod idempotency;
pub mod json;
pub mod observe;
pub mod page;
pub mod patch;

pub use json::ValidJson;
pub use page::{PageQuery, Paginated};
pub use patch::Patch;
