//! A private PostgreSQL for `sluice up` without `DATABASE_URL`: initialised in the data
//! directory on first use, started on a free loopback port, stopped when Sluice exits.
//!
//! PostgreSQL refuses to run as root, so when Sluice runs as root the cluster belongs to the
//! `postgres` account that every PostgreSQL package creates, and the tools run through
//! `runuser`. Authentication is `trust`, which is safe only because the server listens on
//! 127.0.0.1 and on a Unix socket inside the (private) data directory.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const SUPERUSER: &str = "sluice";
pub const DATABASE: &str = "sluice";

pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    run_as: Option<String>,
    port: u16,
    running: bool,
}

impl EmbeddedPostgres {
    /// Finds the PostgreSQL tools, initialises `data_dir` if needed and starts the server.
    pub fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let bin_dir = find_bin_dir().ok_or_else(|| {
            anyhow::anyhow!(
                "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin).\n\
                 Install it, e.g. `sudo apt-get install -y postgresql` on Debian/Ubuntu or `brew install postgresql@16` on macOS,\n\
                 or point Sluice at an existing database with DATABASE_URL=postgres://user:pass@host:5432/sluice"
            )
        })?;
        std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let run_as = if nix::unistd::geteuid().is_root() { Some("postgres".to_owned()) } else { None };
        let mut pg = Self { bin_dir, data_dir, run_as, port: free_port()?, running: false };
        if let Some(user) = &pg.run_as {
            pg.hand_over_to(user)?;
        }
        if !pg.cluster_dir().join("PG_VERSION").exists() {
            pg.initdb()?;
        }
        // A crash can leave a server running on an old port; stop it so ours gets a known one.
        if pg.status_running() {
            let _ = pg.pg_ctl(&["stop", "-m", "fast", "-w"]);
        }
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}", pg.port, pg.data_dir.display());
        let log = pg.data_dir.join("server.log");
        pg.pg_ctl(&["start", "-w", "-t", "60", "-o", &options, "-l", &log.to_string_lossy()])
            .with_context(|| format!("PostgreSQL did not start; see {}", log.display()))?;
        pg.running = true;
        Ok(pg)
    }

    /// URL of the maintenance database (used to create ours).
    pub fn server_url(&self) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", self.port)
    }

    pub fn database_url(&self) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{DATABASE}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn stop(&mut self) {
        if self.running {
            if let Err(err) = self.pg_ctl(&["stop", "-m", "fast", "-w"]) {
                tracing::warn!(error = %err, "could not stop the embedded PostgreSQL");
            }
            self.running = false;
        }
    }

    fn cluster_dir(&self) -> PathBuf {
        self.data_dir.join("cluster")
    }

    /// The data directory must belong to the account that runs the server.
    fn hand_over_to(&self, user: &str) -> anyhow::Result<()> {
        let account = nix::unistd::User::from_name(user)?
            .ok_or_else(|| anyhow::anyhow!("running as root needs a `{user}` account to own the embedded database"))?;
        nix::unistd::chown(&self.data_dir, Some(account.uid), Some(account.gid))?;
        let probe = self.command("test").args(["-x", &self.data_dir.to_string_lossy()]).status()?;
        if !probe.success() {
            bail!(
                "the `{user}` account cannot reach {}; pick a --data-dir outside private directories such as /root",
                self.data_dir.display()
            );
        }
        Ok(())
    }

    fn initdb(&self) -> anyhow::Result<()> {
        let cluster = self.cluster_dir();
        let output = self
            .command(&self.bin_dir.join("initdb").to_string_lossy())
            .args(["-D", &cluster.to_string_lossy(), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"])
            .output()?;
        if !output.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(())
    }

    fn status_running(&self) -> bool {
        self.pg_ctl(&["status"]).is_ok()
    }

    fn pg_ctl(&self, args: &[&str]) -> anyhow::Result<()> {
        let cluster = self.cluster_dir();
        let output = self.command(&self.bin_dir.join("pg_ctl").to_string_lossy()).args(["-D", &cluster.to_string_lossy()]).args(args).output()?;
        if !output.status.success() {
            bail!("pg_ctl {} failed: {}", args.first().unwrap_or(&""), String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(())
    }

    /// A command run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--", program]);
                cmd
            }
            None => Command::new(program),
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `initdb` and `pg_ctl` from PATH, else the newest /usr/lib/postgresql/<version>/bin.
fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    let debian = std::fs::read_dir("/usr/lib/postgresql").ok().map(|entries| {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| Some((e.file_name().to_string_lossy().parse::<u32>().ok()?, e.path().join("bin"))))
            .collect();
        versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
        versions.into_iter().map(|(_, dir)| dir).collect::<Vec<_>>()
    });
    on_path.chain(debian.into_iter().flatten()).find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
