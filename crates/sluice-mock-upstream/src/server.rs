//! Routes: every path except `/_mock/*` is a provider call (recorded, then answered per the
//! script — chat completions and embeddings by path suffix, so any base path works); `/_mock/*`
//! lets out-of-process users script the mock and read what it saw.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use actix_web::{HttpRequest, HttpResponse, web};

use crate::record::RecordedCall;
use crate::script::{Behaviour, Script};
use crate::{openai, respond};

/// Request bodies up to this size are accepted (and recorded).
const MAX_BODY_BYTES: usize = 64 << 20;

#[derive(Default)]
pub struct Shared {
    script: Mutex<Script>,
    calls: Mutex<Vec<RecordedCall>>,
    /// Calls answered (recorded or not): the script is indexed by it.
    count: AtomicUsize,
    /// Load runs switch recording off: a million recorded bodies would be the benchmark.
    skip_recording: AtomicBool,
}

/// A panicking test thread must not wedge the mock for the others.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(script: Script) -> Self {
        Self { script: Mutex::new(script), ..Self::default() }
    }

    pub fn set_recording(&self, on: bool) {
        self.skip_recording.store(!on, Ordering::Relaxed);
    }

    pub fn call_count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    pub fn set_script(&self, script: Script) {
        *lock(&self.script) = script;
    }

    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.calls).clone()
    }

    pub fn reset(&self) {
        let mut calls = lock(&self.calls);
        calls.clear();
        self.count.store(0, Ordering::Relaxed);
        *lock(&self.script) = Script::default();
    }

    /// Records a call and picks its behaviour by arrival order.
    fn record(&self, call: RecordedCall) -> Behaviour {
        let index = {
            let mut calls = lock(&self.calls);
            let index = self.count.fetch_add(1, Ordering::Relaxed);
            if !self.skip_recording.load(Ordering::Relaxed) {
                calls.push(call);
            }
            index
        };
        lock(&self.script).behaviour_for(index).clone()
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .service(web::resource("/_mock/script").route(web::post().to(set_script)))
        .service(web::resource("/_mock/calls").route(web::get().to(calls)))
        .service(web::resource("/_mock/reset").route(web::post().to(reset)))
        .default_service(web::to(provider_call));
}

async fn provider_call(request: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let call = RecordedCall::from_request(&request, &body);
    let json = call.body.clone();
    let behaviour = shared.record(call);
    respond::wait_for_headers(&behaviour).await;
    if !behaviour.is_success() {
        return respond::error(&behaviour);
    }
    let path = request.path();
    if request.method() != actix_web::http::Method::POST {
        HttpResponse::MethodNotAllowed().finish()
    } else if path.ends_with("/chat/completions") {
        openai::chat(&behaviour, &json)
    } else if path.ends_with("/embeddings") {
        openai::embeddings(&behaviour, &json)
    } else {
        let message = format!("mock upstream: no route {path}");
        HttpResponse::NotFound().json(serde_json::json!({"error": {"message": message, "type": "invalid_request_error"}}))
    }
}

async fn set_script(script: web::Json<Script>, shared: web::Data<Shared>) -> HttpResponse {
    shared.set_script(script.into_inner());
    HttpResponse::NoContent().finish()
}

async fn calls(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(shared.calls())
}

async fn reset(shared: web::Data<Shared>) -> HttpResponse {
    shared.reset();
    HttpResponse::NoContent().finish()
}
