//! The write-ahead file: JSON lines appended with `O_APPEND`, one folder per gateway instance,
//! held with an exclusive `flock` while the instance lives, so recovery can tell a dead
//! instance's folder (lockable) from a live one's (locked).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use super::record::{OutboxRecord, RecordRef};

const LOCK_NAME: &str = "lock";

/// Segment files are `outbox-<n>.jsonl`, numbered upwards.
pub fn segment_path(dir: &Path, n: u64) -> PathBuf {
    dir.join(format!("outbox-{n:010}.jsonl"))
}

/// The segments of a folder, in order.
pub fn segments(dir: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let number = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("outbox-"))
            .and_then(|n| n.strip_suffix(".jsonl"))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(n) = number {
            found.push((n, path));
        }
    }
    found.sort();
    Ok(found)
}

/// An exclusive lock on an outbox folder, released when dropped (or when the process dies).
pub struct FolderLock {
    _file: nix::fcntl::Flock<File>,
}

pub fn try_lock(dir: &Path) -> std::io::Result<Option<FolderLock>> {
    std::fs::create_dir_all(dir)?;
    let file = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(LOCK_NAME))?;
    match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(FolderLock { _file: lock })),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, errno)) => Err(std::io::Error::from(errno)),
    }
}

pub struct WalWriter {
    file: File,
}

impl WalWriter {
    pub fn create(path: PathBuf) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self { file })
    }

    /// One record as one `write(2)` of a full line, so a crash leaves at most a torn last line.
    pub fn append(&mut self, record: &RecordRef<'_>) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(1024);
        serde_json::to_writer(&mut line, record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)
    }

    pub fn sync(&self) -> std::io::Result<()> {
        nix::unistd::fsync(self.file.as_fd()).map_err(std::io::Error::from)
    }
}

/// Every well-formed record of a file; a torn last line (crash mid-write) is skipped.
pub fn read_all(path: &Path) -> std::io::Result<Vec<OutboxRecord>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut records = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        match serde_json::from_str::<OutboxRecord>(&line) {
            Ok(record) => records.push(record),
            Err(err) => tracing::warn!(path = %path.display(), error = %err, "skipping an unreadable outbox line"),
        }
    }
    Ok(records)
}
