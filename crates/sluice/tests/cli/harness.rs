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
