//! A real webhook receiver: an actix-web server on a loopback port that answers each request
//! with the next scripted status (200 once the script is used up) and records what it got.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub signature: String,
    pub event_id: String,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<u16>>,
    received: Mutex<Vec<Received>>,
    delay: Duration,
}

pub struct Receiver {
    state: Arc<State>,
    pub url: String,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub async fn start(script: &[u16], delay: Duration) -> Self {
        let state = Arc::new(State { script: Mutex::new(script.iter().copied().collect()), received: Mutex::new(Vec::new()), delay });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}/hooks/sluice", listener.local_addr().unwrap().port());
        let shared = state.clone();
        let server = HttpServer::new(move || App::new().app_data(web::Data::from(shared.clone())).default_service(web::to(receive)))
            .workers(1)
            .listen(listener)
            .unwrap()
            .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self { state, url, handle }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receive(state: web::Data<State>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    state.received.lock().unwrap().push(Received {
        path: req.path().to_owned(),
        signature: header("sluice-signature"),
        event_id: header("sluice-event-id"),
        body: body.to_vec(),
    });
    if !state.delay.is_zero() {
        tokio::time::sleep(state.delay).await;
    }
    let status = state.script.lock().unwrap().pop_front().unwrap_or(200);
    match status {
        302 => HttpResponse::Found().insert_header(("location", "/elsewhere")).finish(),
        s => HttpResponse::build(actix_web::http::StatusCode::from_u16(s).unwrap()).body(format!("status {s}: {}", "x".repeat(600))),
    }
}
