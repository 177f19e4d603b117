//! Running the built `sluice` binary with a controlled environment (no inherited `SLUICE_*`
//! variables), reading its output as it comes, and stopping it like an operator would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};


pub const BIN: &str = env!("CARGO_BIN_EXE_sluice");

/// A `sluice` command with only PATH and HOME from the parent environment.
pub fn sluice(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("RUST_LOG", "info");
    if let Ok(home) = std::env::var("HOME") {
        cmd.env("HOME", home);
    }
    cmd
}

pub use sluice_testkit::{fresh_database, free_port};

/// A running `sluice` process whose stdout and stderr lines arrive on channels.
pub struct Running {
    pub child: Child,
    stdout: mpsc::Receiver<String>,
    pub stdout_seen: Vec<String>,
    /// Every stderr line so far (the logs), also echoed to the test's stderr.
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let seen = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("[sluice] {line}");
                seen.lock().unwrap().push(line);
            }
        });
        Self { child, stdout, stdout_seen: Vec::new(), stderr }
    }

    /// Waits for a stdout line containing `needle` and returns it.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    self.stdout_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no line containing {needle:?} within {timeout:?}; saw {:?}", self.stdout_seen),
            }
        }
    }

    /// Every stdout line printed so far.
    pub fn drain(&mut self) -> &[String] {
        while let Ok(line) = self.stdout.try_recv() {
            self.stdout_seen.push(line);
        }
        &self.stdout_seen
    }

    /// Every stderr line printed so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGKILL: the process dies on the spot, as in a crash.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "sluice did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A test that fails half-way must not leave its `sluice` process running.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `url` until it answers 200.
pub async fn wait_until_ready(client: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(res) = client.get(url).send().await
            && res.status().is_success() {
                return;
            }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{url} never became ready");
}

/// A virtual key issued in the demo org's default team.
pub struct IssuedKey {
    pub key_id: String,
    pub secret: String,
}

/// Logs in on the admin API at `base` with the first-start credentials and issues a key named
/// `name` in the demo org's default team.
pub async fn login_and_issue_key(client: &reqwest::Client, base: &str, password: &str, name: &str) -> IssuedKey {
    use serde_json::{Value, json};
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "admin@sluice.local", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().expect("the printed credentials log in").to_owned();
    let orgs: Value = client.get(format!("{base}/api/v1/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let org = orgs["items"][0]["id"].as_str().expect("a demo org exists").to_owned();
    let teams: Value = client.get(format!("{base}/api/v1/orgs/{org}/teams")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let team = teams["items"][0]["id"].as_str().expect("a default team exists").to_owned();
    let res = client.post(format!("{base}/api/v1/orgs/{org}/keys")).bearer_auth(&token).json(&json!({"team_id": team, "name": name})).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let key: Value = res.json().await.unwrap();
    IssuedKey { key_id: key["id"].as_str().unwrap().to_owned(), secret: key["secret"].as_str().unwrap().to_owned() }
}

/// An org with one team and one key, written straight to the database (as an admin would
/// through the API); the org's quota failure mode is `deny`.
pub struct Tenant {
    pub org: uuid::Uuid,
    pub key: uuid::Uuid,
    pub secret: String,
}

pub async fn tenant(db: &sluice_store::Db) -> Tenant {
    use sluice_store::{orgs, teams};
    let mut conn = db.acquire().await.unwrap();
    let org = orgs::insert(&mut conn, &orgs::NewOrg { id: uuid::Uuid::now_v7(), name: "Acme", slug: "acme", time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false })
        .await
        .unwrap()
        .id;
    let team = teams::insert(&mut conn, uuid::Uuid::now_v7(), org, "core", "core").await.unwrap().id;
    drop(conn);
    let (key, secret) = new_key(db, org, team, "test").await;
    Tenant { org, key, secret }
}

/// A fresh virtual key in `team`; returns its id and secret.
pub async fn new_key(db: &sluice_store::Db, org: uuid::Uuid, team: uuid::Uuid, name: &str) -> (uuid::Uuid, String) {
    use sluice_domain::virtual_key::VirtualKeySecret;
    use sluice_store::keys;
    let mut conn = db.acquire().await.unwrap();
    let secret = VirtualKeySecret::generate().unwrap();
    let metadata = serde_json::json!({});
    let new = keys::NewKey { id: uuid::Uuid::now_v7(), org_id: org, team_id: team, user_id: None, name, allowed_models: &[], allowed_endpoints: &[], metadata: &metadata, expires_at: None, created_by: None };
    let stored = keys::NewSecret { id: uuid::Uuid::now_v7(), hash: &secret.hash().0, display_prefix: &secret.display_prefix(), last4: &secret.last4() };
    let key = keys::insert(&mut conn, &new, &stored).await.unwrap().id;
    (key, secret.expose().to_owned())
}

/// Waits until the gateway on `port` answers `expected` to `GET /v1/models` with `secret`.
pub async fn wait_for_key_status(port: u16, secret: &str, expected: u16) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = client.get(format!("http://127.0.0.1:{port}/v1/models")).bearer_auth(secret).send().await.unwrap().status().as_u16();
        if status == expected {
            return;
        }
        assert!(Instant::now() < deadline, "gateway {port} still answers {status} for the key");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
