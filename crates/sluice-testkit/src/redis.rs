//! A private redis-server on a free loopback port, killed by PID when dropped (or on demand,
//! for fault tests).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateRedis {
    child: Child,
    pub port: u16,
}

impl PrivateRedis {
    pub fn start() -> Self {
        for _ in 0..5 {
            // The port is free now; another process could take it before redis binds it, so a
            // server that never answers is killed and the next port tried.
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server must be on PATH (scripts/test.sh installs it)");
            let server = Self { child, port };
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if server.command("PING\r\n").starts_with("+PONG") {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        panic!("could not start a private redis-server");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Sends one inline command and returns the first reply chunk ("" if the server is gone).
    pub fn command(&self, line: &str) -> String {
        send_inline(self.port, line)
    }

    /// Starts a new, empty server on the same port (after `kill`).
    pub fn restart(&mut self) {
        self.kill();
        self.child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be on PATH");
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.command("PING\r\n").starts_with("+PONG") {
            assert!(Instant::now() < deadline, "redis-server did not restart");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the server (SIGKILL to its PID) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends one inline command to a loopback Redis and returns the first reply chunk ("" if the
/// server is gone).
pub(crate) fn send_inline(port: u16, line: &str) -> String {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else { return String::new() };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(line.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = [0u8; 65536];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}
