//! The harness tests itself: the fault proxy's modes do what their names say, and a private
//! PostgreSQL survives a crash-stop with its committed data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use sluice_testkit::{Fault, FaultProxy, PrivatePostgres};

/// A server that echoes whatever it receives, and answers `burst` with 100 bytes.
fn echo_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 1024];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let reply: Vec<u8> = if &buf[..n] == b"burst" { vec![b'x'; 100] } else { buf[..n].to_vec() };
                    if stream.write_all(&reply).is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

fn client(proxy: &FaultProxy) -> TcpStream {
    let stream = TcpStream::connect(proxy.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    stream
}

fn round_trip(stream: &mut TcpStream, message: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(message)?;
    let mut buf = vec![0u8; message.len()];
    stream.read_exact(&mut buf)?;
    Ok(buf)
}

#[test]
fn fault_proxy_passes_delays_swallows_and_resets() {
    let proxy = FaultProxy::start(echo_server());
    let mut stream = client(&proxy);
    assert_eq!(round_trip(&mut stream, b"hello").unwrap(), b"hello");

    proxy.set(Fault::Latency(Duration::from_millis(100)));
    let started = Instant::now();
    assert_eq!(round_trip(&mut stream, b"slow").unwrap(), b"slow");
    assert!(started.elapsed() >= Duration::from_millis(200), "one delay each way: {:?}", started.elapsed());

    // A black hole: nothing comes back, nothing is closed; new connections hang too.
    proxy.set(Fault::Blackhole);
    let err = round_trip(&mut stream, b"lost").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{err:?}");
    let mut fresh = client(&proxy);
    assert!(round_trip(&mut fresh, b"hello").is_err());

    // Back to normal for the next connection.
    proxy.set(Fault::Pass);
    let mut stream = client(&proxy);
    assert_eq!(round_trip(&mut stream, b"again").unwrap(), b"again");

    // A reset after 30 bytes towards the client: 30 arrive, then the connection is reset.
    proxy.set(Fault::ResetAfter(30));
    let mut stream = client(&proxy);
    stream.write_all(b"burst").unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 256];
    let end = loop {
        match stream.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) => break Some(e.kind()),
        }
    };
    assert_eq!(received.len(), 30);
    assert_eq!(end, Some(ErrorKind::ConnectionReset));
    assert!(proxy.connections() >= 4);
}

#[tokio::test]
async fn private_postgres_survives_an_immediate_stop_with_its_data() {
    let mut pg = PrivatePostgres::start();
    assert!(pg.pid().is_some());
    let url = pg.database("survivor").await;
    sluice_store::Db::connect(&url, 1).await.unwrap().ping().await.unwrap();

    pg.stop_immediate();
    assert!(!pg.accepts_connections(), "stopped");
    assert!(sluice_store::Db::connect(&url, 1).await.is_err());

    pg.restart();
    let db = sluice_store::Db::connect(&url, 1).await.unwrap();
    db.ping().await.unwrap();
    // The database created before the crash is still there.
    assert!(!sluice_store::db::ensure_database(&pg.server_url(), "survivor").await.unwrap());

    // Frozen: connections are accepted by the kernel but nothing answers.
    pg.freeze();
    let frozen = tokio::time::timeout(Duration::from_millis(500), db.ping()).await;
    assert!(frozen.is_err(), "a frozen server answered");
    pg.thaw();
    tokio::time::timeout(Duration::from_secs(10), db.ping()).await.unwrap().unwrap();
}
