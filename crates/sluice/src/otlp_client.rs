//! The HTTP client the OTLP exporter posts spans with: the workspace's reqwest (one HTTP and TLS
//! stack in the binary — rustls on aws-lc-rs — rather than the exporter's own reqwest), with a
//! short timeout so a slow collector delays only the export task.

use std::time::Duration;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

#[derive(Debug, Clone)]
pub struct OtlpHttpClient(reqwest::Client);

impl OtlpHttpClient {
    pub fn new() -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().connect_timeout(Duration::from_secs(2)).timeout(Duration::from_secs(10)).build()?;
        Ok(Self(client))
    }
}

#[async_trait::async_trait]
impl HttpClient for OtlpHttpClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let request = reqwest::Request::try_from(request)?;
        let response = self.0.execute(request).await?.error_for_status()?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut out = Response::builder().status(status).body(response.bytes().await?)?;
        *out.headers_mut() = headers;
        Ok(out)
    }
}
