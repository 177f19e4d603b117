//! The OpenAI-compatible surface: request parsing and validation, and the actix handlers.

pub mod chat;
pub mod embeddings;
pub mod handlers;
