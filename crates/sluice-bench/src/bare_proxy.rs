//! `sluice-bench bare-proxy`: the floor the gateway is measured against. The same HTTP server
//! (actix-web, one worker) and upstream client (reqwest, pooled, no Nagle) as the gateway, and
//! the same allocator, forwarding `POST /v1/chat/completions` to the mock with nothing else — no
//! authentication, routing, quotas, ledger or JSON work. What this costs per request on the
//! machine is what any proxy built on this stack costs; the gateway's figures above it are the
//! price of its features.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use bytes::Bytes;

#[derive(clap::Args)]
pub struct BareArgs {
    /// Address to listen on.
    #[arg(long)]
    listen: String,
    /// The mock upstream's /v1 URL.
    #[arg(long)]
    upstream: String,
}

struct Upstream {
    client: reqwest::Client,
    url: String,
}

async fn forward(upstream: web::Data<Upstream>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("application/json").to_owned();
    let sent = upstream.client.post(&upstream.url).header("content-type", content_type).body(body).send().await;
    match sent {
        Ok(response) => {
            let status = actix_web::http::StatusCode::from_u16(response.status().as_u16()).unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY);
            let mut out = HttpResponse::build(status);
            if let Some(ct) = response.headers().get("content-type").and_then(|v| v.to_str().ok()) {
                out.content_type(ct.to_owned());
            }
            out.streaming(response.bytes_stream())
        }
        Err(_) => HttpResponse::BadGateway().finish(),
    }
}

pub fn run(args: BareArgs) -> anyhow::Result<()> {
    let url = format!("{}/chat/completions", args.upstream.trim_end_matches('/'));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let client = reqwest::Client::builder().pool_max_idle_per_host(512).tcp_nodelay(true).build().unwrap_or_default();
            App::new().app_data(web::Data::new(Upstream { client, url: url.clone() })).route("/v1/chat/completions", web::post().to(forward))
        })
        .workers(1)
        .bind(&args.listen)?
        .run()
        .await
    })?;
    Ok(())
}
