//! A private PostgreSQL server for fault tests: its own cluster in a temporary directory, on a
//! free loopback port, that a test can crash and bring back.
//!
//! Why not the shared test server: a test that stops PostgreSQL must not take down every other
//! test's database. So each fault test `initdb`s its own cluster (trust auth, `fsync` and
//! synchronous commit off — durability across an OS crash is not what these tests are about;
//! durability across a server crash is, and PostgreSQL's WAL still gives that without fsync as
//! long as the machine stays up).
//!
//! Controls, all aimed at the postmaster's PID (read from `postmaster.pid`), never a process name:
//! - [`PrivatePostgres::stop_immediate`]: `pg_ctl stop -m immediate` — the postmaster and every
//!   backend quit at once without a checkpoint, as in a crash; the next start runs WAL recovery.
//! - [`PrivatePostgres::restart`]: starts the same data directory on the same port again.
//! - [`PrivatePostgres::freeze`] / [`PrivatePostgres::thaw`]: `SIGSTOP`/`SIGCONT` to the
//!   postmaster and its children — a server that accepts TCP connections but never answers.
//!
//! PostgreSQL refuses to run as root; under root the cluster belongs to the `postgres` account
//! (which every PostgreSQL package creates) and the tools run through `runuser`, as in
//! `scripts/lib.sh`. The binaries come from PATH or the newest `/usr/lib/postgresql/*/bin`.
//! Dropping the value stops the server (immediately) and removes the directory.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub struct PrivatePostgres {
    bin_dir: PathBuf,
    dir: tempfile::TempDir,
    run_as_postgres: bool,
    pub port: u16,
    running: bool,
}

impl PrivatePostgres {
    /// Initialises a cluster and starts it; panics with the server log if it does not come up.
    pub fn start() -> Self {
        let bin_dir = bin_dir().expect("PostgreSQL is not installed (scripts/test.sh installs it)");
        let dir = tempfile::Builder::new().prefix("sluice-private-pg.").tempdir().unwrap();
        let run_as_postgres = nix::unistd::geteuid().is_root();
        if run_as_postgres {
            let account = nix::unistd::User::from_name("postgres").unwrap().expect("a `postgres` account (the PostgreSQL package creates it)");
            std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
            nix::unistd::chown(dir.path(), Some(account.uid), Some(account.gid)).unwrap();
        }
        let mut pg = Self { bin_dir, dir, run_as_postgres, port: 0, running: false };
        let data = pg.data_dir();
        let init = pg.tool("initdb").args(["-D", &data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]).output().unwrap();
        assert!(init.status.success(), "initdb failed: {}", String::from_utf8_lossy(&init.stderr));
        // A port that is free now may be taken before the server binds it: try a few.
        for _ in 0..5 {
            pg.port = crate::free_port();
            if pg.try_start().status.success() {
                pg.running = true;
                return pg;
            }
        }
        panic!("private PostgreSQL did not start: {}", pg.log());
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the maintenance database.
    pub fn server_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates database `name` (if missing) and returns its URL.
    pub async fn database(&self, name: &str) -> String {
        sluice_store::db::ensure_database(&self.server_url(), name).await.unwrap();
        sluice_store::db::with_database(&self.server_url(), name).unwrap()
    }

    /// The postmaster's PID, from the first line of `postmaster.pid`.
    pub fn pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(Path::new(&self.data_dir()).join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Crash-stops the server: `pg_ctl stop -m immediate` (SIGQUIT to the postmaster), waiting
    /// until it is gone. In-flight transactions are lost; committed ones survive (WAL).
    pub fn stop_immediate(&mut self) {
        if !self.running {
            return;
        }
        let data = self.data_dir();
        let out = self.tool("pg_ctl").args(["-D", &data, "-m", "immediate", "-w", "-t", "30", "stop"]).output().unwrap();
        assert!(out.status.success(), "pg_ctl stop failed: {}", String::from_utf8_lossy(&out.stderr));
        self.running = false;
    }

    /// Starts the same data directory on the same port (after [`Self::stop_immediate`]).
    pub fn restart(&mut self) {
        assert!(!self.running, "restart() after stop_immediate()");
        let deadline = Instant::now() + Duration::from_secs(30);
        // The old socket can linger for a moment; retry until the port is ours again.
        loop {
            let out = self.try_start();
            if out.status.success() {
                break;
            }
            assert!(Instant::now() < deadline, "private PostgreSQL did not restart: {}", self.log());
            std::thread::sleep(Duration::from_millis(200));
        }
        self.running = true;
    }

    /// Freezes the postmaster and every backend (SIGSTOP): connections are accepted by the
    /// kernel but nothing answers.
    pub fn freeze(&self) {
        self.signal_all(Signal::SIGSTOP);
    }

    /// Undoes [`Self::freeze`].
    pub fn thaw(&self) {
        self.signal_all(Signal::SIGCONT);
    }

    /// Whether something accepts TCP connections on the port.
    pub fn accepts_connections(&self) -> bool {
        TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), Duration::from_millis(200)).is_ok()
    }

    /// The server log (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn try_start(&self) -> Output {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let data = self.data_dir();
        self.tool("pg_ctl").args(["-D", &data, "-l", &log.to_string_lossy(), "-w", "-t", "60", "-o", &options, "start"]).output().unwrap()
    }

    /// The postmaster and its children (backends, background workers), by PID.
    fn signal_all(&self, signal: Signal) {
        let Some(postmaster) = self.pid() else { return };
        let mut pids = vec![postmaster];
        pids.extend(children_of(postmaster));
        for pid in pids {
            let _ = kill(Pid::from_raw(pid), signal);
        }
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bin_dir.join(name);
        if self.run_as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.thaw();
        if self.running {
            let data = self.data_dir();
            let _ = self.tool("pg_ctl").args(["-D", &data, "-m", "immediate", "-w", "stop"]).output();
        }
    }
}

/// PIDs whose parent is `parent` (from `/proc/<pid>/stat`, field 4).
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                // The command name (field 2) is in parentheses and may contain spaces.
                .and_then(|stat| stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<i32>().ok()))
                == Some(parent)
        })
        .collect()
}

/// `initdb` and `pg_ctl` from PATH, else the newest `/usr/lib/postgresql/<version>/bin`.
fn bin_dir() -> Option<PathBuf> {
    let on_path: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin")))).collect())
        .unwrap_or_default();
    debian.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    on_path.into_iter().chain(debian.into_iter().map(|(_, dir)| dir)).find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}
