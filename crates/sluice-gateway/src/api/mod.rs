//! The API surfaces the gateway speaks: OpenAI-compatible (`/v1/chat/completions`,
//! `/v1/embeddings`, `/v1/models`) and Anthropic-compatible (`/v1/messages`), and the error shapes
//! of each. Every surface hands its request to the one pipeline in `crate::pipeline`.

pub mod anthropic;
pub mod errors;
pub mod headers;
pub mod openai;
