//! actix handler of `POST /v1/messages`: read the body within its size limit, run the one chat
//! pipeline, answer errors in Anthropic's shape.
//!
//! The `anthropic-version` and `anthropic-beta` headers the Anthropic SDKs send are accepted and
//! not acted on: the gateway speaks one version of the API to its callers, and what it sends a
//! provider is decided by the provider's configuration, never by a caller's header.

use actix_web::{HttpRequest, HttpResponse, web};
use tracing::Instrument;

use crate::api::errors::Dialect;
use crate::api::openai::handlers::read_body;
use crate::metrics_endpoint::Route;
use crate::pipeline::{self, RequestMeta};
use crate::state::GatewayState;

pub async fn messages(state: web::Data<GatewayState>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let meta = RequestMeta::start(Route::Messages);
    let result = async {
        let body = read_body(payload, state.config.max_body_bytes).await?;
        let request = super::messages::parse(&body, &state.config)?;
        pipeline::chat::chat(&state, req.headers(), request, &meta).await
    }
    .instrument(meta.span.clone())
    .await;
    meta.respond(result, Dialect::Anthropic)
}
