//! The Anthropic-compatible surface (`POST /v1/messages`): request parsing and validation, and
//! the actix handler. Requests take the same pipeline as OpenAI chat completions, translated when
//! the routed model's provider speaks the OpenAI dialect.

pub mod handlers;
pub mod messages;
