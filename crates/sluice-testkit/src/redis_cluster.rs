//! A private Redis Cluster: three `redis-server` primaries in cluster mode on free loopback
//! ports (each with its own bus port and a temporary directory for `nodes.conf`), joined and
//! given all 16384 slots by `redis-cli --cluster create`. Every server is killed by PID when the
//! cluster drops.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::redis::send_inline;

pub struct PrivateRedisCluster {
    nodes: Vec<(Child, u16)>,
    _dir: tempfile::TempDir,
}

/// Two distinct loopback ports that were free a moment ago (the client port and the bus port).
fn free_pair() -> (u16, u16) {
    let a = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let b = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

impl PrivateRedisCluster {
    /// Starts `size` (at least 3, the minimum for a cluster of primaries) nodes and waits until
    /// every node reports `cluster_state:ok`.
    pub fn start(size: usize) -> Self {
        assert!(size >= 3, "a Redis Cluster needs at least three primaries");
        let dir = tempfile::tempdir().unwrap();
        let mut nodes = Vec::new();
        for i in 0..size {
            let (port, bus) = free_pair();
            let node_dir = dir.path().join(format!("node-{i}"));
            std::fs::create_dir_all(&node_dir).unwrap();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .args(["--cluster-enabled", "yes", "--cluster-port", &bus.to_string(), "--cluster-node-timeout", "5000"])
                .args(["--cluster-config-file", "nodes.conf", "--dir", &node_dir.to_string_lossy()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server must be on PATH (scripts/test.sh installs it)");
            nodes.push((child, port));
        }
        let cluster = Self { nodes, _dir: dir };
        for port in cluster.ports() {
            cluster.wait_for(port, "PING\r\n", "+PONG", "a cluster node did not start");
        }
        let addresses: Vec<String> = cluster.ports().map(|p| format!("127.0.0.1:{p}")).collect();
        let output = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .expect("redis-cli must be on PATH (it ships with redis-server)");
        assert!(output.status.success(), "redis-cli --cluster create failed: {}", String::from_utf8_lossy(&output.stdout));
        for port in cluster.ports() {
            cluster.wait_for(port, "CLUSTER INFO\r\n", "cluster_state:ok", "the cluster did not become ready");
        }
        cluster
    }

    fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.nodes.iter().map(|(_, port)| *port)
    }

    fn wait_for(&self, port: u16, command: &str, expected: &str, failure: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !send_inline(port, command).contains(expected) {
            assert!(Instant::now() < deadline, "{failure} (port {port})");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The seed nodes as the Redis URL setting takes them: comma-separated.
    pub fn urls(&self) -> String {
        self.ports().map(|p| format!("redis://127.0.0.1:{p}/")).collect::<Vec<_>>().join(",")
    }

    /// Sends one inline command to node `index` and returns the first reply chunk.
    pub fn command(&self, index: usize, line: &str) -> String {
        send_inline(self.nodes[index].1, line)
    }

    /// How many keys each node holds (`DBSIZE`), in node order.
    pub fn keys_per_node(&self) -> Vec<u64> {
        self.ports()
            .map(|port| send_inline(port, "DBSIZE\r\n").trim().trim_start_matches(':').parse().unwrap_or(0))
            .collect()
    }
}

impl Drop for PrivateRedisCluster {
    fn drop(&mut self) {
        for (child, _) in &mut self.nodes {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
