//! Sluice's mock upstream: a scriptable OpenAI-compatible server (`POST …/chat/completions` in
//! JSON and SSE, `POST …/embeddings`) for tests that must exercise real HTTP without calling a
//! real provider.
//!
//! Its behaviour is scripted per call ([`Script`], [`Behaviour`]): fixed or omitted usage
//! (explicit zeros stay zeros), latency before the headers and between chunks, error statuses
//! with `Retry-After`, a hang before the first byte, a stall or a connection cut after N chunks,
//! and sequences for successive calls (`[429, 500, ok]`). It records every call
//! ([`RecordedCall`]: method, path, headers, body) so tests assert how they called it.
//!
//! In-process tests use [`MockUpstream::start`] and the returned handle; other processes run the
//! `sluice-mock-upstream --port P` binary and use `POST /_mock/script`, `GET /_mock/calls` and
//! `POST /_mock/reset`. It only ever listens on loopback.

mod openai;
mod record;
mod respond;
mod script;
mod server;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};

pub use record::RecordedCall;
pub use script::{Behaviour, MockUsage, Script};
use server::Shared;

/// A running mock and the handle to script it and read what it saw. Dropping it stops the
/// server (calls still waiting on a hang or stall are dropped, which closes their connections).
pub struct MockUpstream {
    addr: SocketAddr,
    shared: web::Data<Shared>,
    handle: ServerHandle,
}

impl MockUpstream {
    /// Starts a mock on a free loopback port, serving in the background of the current runtime.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        let (mock, server) = Self::bind(TcpListener::bind("127.0.0.1:0")?, script)?;
        tokio::spawn(server);
        Ok(mock)
    }

    /// A mock on this listener; the caller runs the returned server (the binary awaits it).
    pub fn bind(listener: TcpListener, script: Script) -> std::io::Result<(Self, Server)> {
        let addr = listener.local_addr()?;
        let shared = web::Data::from(Arc::new(Shared::new(script)));
        let data = shared.clone();
        let server = HttpServer::new(move || App::new().app_data(data.clone()).configure(server::routes))
            // One worker is plenty for tests, and keeps the mock from competing with the gateway
            // for the machine's cores.
            .workers(1)
            .disable_signals()
            .shutdown_timeout(0)
            .listen(listener)?
            .run();
        Ok((Self { addr, shared, handle: server.handle() }, server))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL a provider entry points at.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Replaces the script; the call count it indexes by is not reset (see [`Self::reset`]).
    pub fn set_script(&self, script: Script) {
        self.shared.set_script(script);
    }

    /// Every call so far, in arrival order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.calls()
    }

    pub fn call_count(&self) -> usize {
        self.shared.call_count()
    }

    /// Stops (or resumes) keeping each call's details; calls are still counted.
    pub fn set_recording(&self, on: bool) {
        self.shared.set_recording(on);
    }

    /// Forgets the calls and the script (later calls are answered `ok`).
    pub fn reset(&self) {
        self.shared.reset();
    }

    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

impl Drop for MockUpstream {
    fn drop(&mut self) {
        // `stop` sends the command at once; its future only waits for completion.
        drop(self.handle.stop(false));
    }
}
