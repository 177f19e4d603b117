//! Logging and tracing. `RUST_LOG` filters (default `info`); `log_format` picks human or JSON
//! lines; `otlp_endpoint`, when set, adds an OpenTelemetry layer that exports spans over
//! OTLP/HTTP (protobuf) to `<endpoint>/v1/traces`.
//!
//! JSON lines include the current span and its parents, so every line written while a request is
//! handled carries that request's `request_id` (see `docs/observability.md`).
//!
//! Export is opt-in and off by default: without the setting no OpenTelemetry layer exists, so
//! requests pay nothing for it, and the standard `OTEL_EXPORTER_OTLP_*` variables alone turn
//! nothing on. With it, only the request spans (the gateway's `gateway_request`, the admin API's
//! tracing-actix-web spans) and warnings are exported — not every debug event — and the gateway
//! records its GenAI attributes. Spans are batched on a Tokio task; a collector that is down
//! loses spans, it never slows a request.

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::settings::LogFormat;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber (once per process; a second call is ignored, which tests and
/// repeated commands rely on). Call it inside the Tokio runtime: the exporter's batch task runs
/// there.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,actix_server=warn"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match format {
        LogFormat::Json => fmt.json().flatten_event(true).with_current_span(true).with_span_list(true).boxed(),
        LogFormat::Pretty => fmt.compact().boxed(),
    };
    let otel = otlp_endpoint.and_then(|endpoint| match otel_layer(endpoint) {
        Ok(layer) => Some(layer),
        Err(err) => {
            eprintln!("warning: traces are not exported: {err:#}");
            None
        }
    });
    let exporting = otel.is_some();
    // The filter applies to the log lines only; the trace layer has its own.
    if tracing_subscriber::registry().with(fmt.with_filter(filter)).with(otel).try_init().is_ok() && exporting {
        sluice_gateway::pipeline::trace::enable_genai_attributes();
    }
}

/// Request spans and warnings, to the OTLP/HTTP endpoint.
fn otel_layer<S>(endpoint: &str) -> anyhow::Result<Box<dyn Layer<S> + Send + Sync>>
where
    S: tracing::Subscriber + Send + Sync + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_http_client(crate::otlp_client::OtlpHttpClient::new()?)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    let processor = opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio).build();
    let resource = Resource::builder().with_service_name("sluice").with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION"))).build();
    let provider = SdkTracerProvider::builder().with_span_processor(processor).with_resource(resource).build();
    let tracer = provider.tracer("sluice");
    let _ = PROVIDER.set(provider);
    let wanted = filter_fn(|meta| {
        if meta.is_span() {
            meta.name() == "gateway_request" || meta.target().starts_with("tracing_actix_web")
        } else {
            *meta.level() <= tracing::Level::WARN
        }
    });
    Ok(tracing_opentelemetry::layer().with_tracer(tracer).with_filter(wanted).boxed())
}

/// Sends the spans still queued (at exit). Runs the SDK's blocking shutdown off the runtime's
/// worker threads.
pub async fn shutdown() {
    if let Some(provider) = PROVIDER.get() {
        let provider = provider.clone();
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}
