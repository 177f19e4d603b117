//! actix handlers of the OpenAI-compatible routes: read the body within its size limit, run the
//! pipeline, answer errors in OpenAI's shape.

use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use tracing::Instrument;

use crate::api::errors::{Dialect, GatewayError};
use crate::metrics_endpoint::Route;
use crate::pipeline::{self, RequestMeta};
use crate::state::GatewayState;

/// Reads the whole body, refusing it as soon as it passes the limit (before any parsing).
pub async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, GatewayError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| GatewayError::invalid("The request body could not be read.", None))?;
        if body.len() + chunk.len() > limit {
            return Err(GatewayError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub async fn chat_completions(state: web::Data<GatewayState>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let meta = RequestMeta::start(Route::ChatCompletions);
    let result = async {
        let body = read_body(payload, state.config.max_body_bytes).await?;
        let request = super::chat::parse(&body, &state.config)?;
        pipeline::chat::chat(&state, req.headers(), request, &meta).await
    }
    .instrument(meta.span.clone())
    .await;
    meta.respond(result, Dialect::OpenAi)
}

pub async fn embeddings(state: web::Data<GatewayState>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let meta = RequestMeta::start(Route::Embeddings);
    let result = async {
        let body = read_body(payload, state.config.max_body_bytes).await?;
        pipeline::embeddings::embeddings(&state, req.headers(), &body, &meta).await
    }
    .instrument(meta.span.clone())
    .await;
    meta.respond(result, Dialect::OpenAi)
}

pub async fn models(state: web::Data<GatewayState>, req: HttpRequest) -> HttpResponse {
    let meta = RequestMeta::start(Route::Models);
    let result = meta.span.in_scope(|| pipeline::models::list(&state, req.headers()));
    meta.respond(result, Dialect::OpenAi)
}

pub async fn route_explain(state: web::Data<GatewayState>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let meta = RequestMeta::start(Route::RouteExplain);
    let result = async {
        let body = read_body(payload, state.config.max_body_bytes).await?;
        crate::routing::explain::explain(&state, req.headers(), &body)
    }
    .instrument(meta.span.clone())
    .await;
    meta.respond(result, Dialect::OpenAi)
}
