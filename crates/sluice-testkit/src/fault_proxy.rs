//! A small TCP fault proxy: sits between a component and a server it talks to (PostgreSQL,
//! Redis, a mock upstream) and misbehaves on demand, because toxiproxy, `tc netem` and Docker
//! are not available where these tests run.
//!
//! Modes ([`Fault`]), switchable at run time with [`FaultProxy::set`]; each chunk a pump moves
//! looks at the mode in force at that moment, so a switch also affects open connections:
//! - `Pass`: bytes flow unchanged.
//! - `Latency(d)`: every chunk, in either direction, is held for `d` before it is forwarded.
//! - `Blackhole`: bytes vanish in both directions and new connections are accepted but never
//!   reach the server; nothing is closed — the peer sees a server that has gone silent, which
//!   is what a partition or a frozen host looks like (only timeouts notice it).
//! - `ResetAfter(n)`: once `n` bytes of a connection have gone from the server to the client,
//!   both sides are reset (TCP RST via `SO_LINGER` 0) — a mid-stream cut.
//!
//! Plain threads, not tasks: the proxy then works the same under any runtime (or none) and
//! cannot be starved by the code under test. A pump blocks at most 50 ms on a read before it
//! checks whether the proxy was dropped. Listens on loopback only.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the proxy treats traffic; see the module header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    Latency(Duration),
    Blackhole,
    ResetAfter(u64),
}

struct Shared {
    fault: Mutex<Fault>,
    stopped: AtomicBool,
    connections: AtomicU64,
}

impl Shared {
    fn fault(&self) -> Fault {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

const POLL: Duration = Duration::from_millis(50);

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`, in `Pass` mode.
    pub fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared { fault: Mutex::new(Fault::Pass), stopped: AtomicBool::new(false), connections: AtomicU64::new(0) });
        let accept = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accept.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                accept.connections.fetch_add(1, Ordering::SeqCst);
                let shared = accept.clone();
                std::thread::spawn(move || serve(client, upstream, &shared));
            }
        });
        Self { addr, shared }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Switches the mode for every chunk from now on (open connections included).
    pub fn set(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        // Wake the accept loop so its thread ends.
        let _ = TcpStream::connect_timeout(&self.addr, POLL);
    }
}

/// One client connection: connect to the server (unless black-holed) and pump both ways.
fn serve(client: TcpStream, upstream: SocketAddr, shared: &Arc<Shared>) {
    let _ = client.set_read_timeout(Some(POLL));
    if shared.fault() == Fault::Blackhole {
        swallow(&client, shared);
        return;
    }
    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(2)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = server.set_read_timeout(Some(POLL));
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let dead = Arc::new(AtomicBool::new(false));
    let (Ok(client_w), Ok(server_w)) = (client.try_clone(), server.try_clone()) else { return };
    let (up_shared, up_dead) = (shared.clone(), dead.clone());
    let (up_client, up_server) = (client.try_clone(), server.try_clone());
    let upward = std::thread::spawn(move || {
        if let (Ok(from), Ok(reset_peer)) = (up_client, up_server) {
            pump(from, server_w, reset_peer, Direction::ToServer, &up_shared, &up_dead);
        }
    });
    pump(server, client_w, client, Direction::ToClient, shared, &dead);
    let _ = upward.join();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    ToServer,
    ToClient,
}

/// Moves bytes from `from` to `to` under the current fault until either side closes, the other
/// pump dies or the proxy stops. `peer` is the far side's socket (reset together with `to`).
fn pump(mut from: TcpStream, mut to: TcpStream, peer: TcpStream, direction: Direction, shared: &Shared, dead: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    let mut delivered = 0u64;
    loop {
        if dead.load(Ordering::SeqCst) || shared.stopped.load(Ordering::SeqCst) {
            break;
        }
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => continue,
            Err(_) => break,
        };
        let chunk = match shared.fault() {
            Fault::Pass => &buf[..n],
            Fault::Latency(d) => {
                std::thread::sleep(d);
                &buf[..n]
            }
            Fault::Blackhole => continue,
            Fault::ResetAfter(limit) if direction == Direction::ToClient => {
                let allowed = usize::try_from(limit.saturating_sub(delivered)).unwrap_or(usize::MAX).min(n);
                if allowed < n {
                    let _ = to.write_all(&buf[..allowed]);
                    reset(&to, &peer);
                    // Marked dead first, so no FIN is sent ahead of the RST below.
                    dead.store(true, Ordering::SeqCst);
                    break;
                }
                &buf[..n]
            }
            Fault::ResetAfter(_) => &buf[..n],
        };
        delivered += chunk.len() as u64;
        if to.write_all(chunk).is_err() {
            break;
        }
    }
    // Half-close so the other side sees the end; the other pump then finishes too.
    if !dead.swap(true, Ordering::SeqCst) {
        let _ = to.shutdown(Shutdown::Write);
    }
}

/// Closes both sockets with `SO_LINGER` 0, so the kernel sends RST instead of FIN once the last
/// handle (the other pump's) is dropped.
fn reset(a: &TcpStream, b: &TcpStream) {
    for s in [a, b] {
        let _ = socket2::SockRef::from(s).set_linger(Some(Duration::ZERO));
    }
}

/// A black-holed new connection: read and discard until the client gives up or the proxy stops.
fn swallow(mut client: &TcpStream, shared: &Shared) {
    let mut buf = [0u8; 16 * 1024];
    while !shared.stopped.load(Ordering::SeqCst) {
        match client.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {}
            Err(_) => break,
        }
    }
}
