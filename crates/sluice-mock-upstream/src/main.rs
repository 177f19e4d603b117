//! `sluice-mock-upstream --port P [--script FILE]`: the mock upstream as a process, for load and
//! fault tests that drive the gateway from outside. Script it with `POST /_mock/script`.

use std::net::TcpListener;

use clap::Parser;
use sluice_mock_upstream::{MockUpstream, Script};

#[derive(Parser)]
#[command(about = "A scriptable OpenAI-compatible upstream for testing Sluice")]
struct Args {
    /// Loopback port to listen on (0 picks a free one; the chosen address is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A JSON script to start with (the same shape `POST /_mock/script` accepts).
    #[arg(long)]
    script: Option<std::path::PathBuf>,
    /// Count calls without keeping their details (for load runs).
    #[arg(long)]
    no_record: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let script = match &args.script {
        Some(path) => serde_json::from_slice(&std::fs::read(path)?).map_err(std::io::Error::other)?,
        None => Script::default(),
    };
    let (mock, server) = MockUpstream::bind(TcpListener::bind(("127.0.0.1", args.port))?, script)?;
    mock.set_recording(!args.no_record);
    println!("sluice-mock-upstream listening on {}", mock.base_url());
    let serving = tokio::spawn(server);
    tokio::signal::ctrl_c().await?;
    mock.stop().await;
    serving.await.map_err(std::io::Error::other)?
}
