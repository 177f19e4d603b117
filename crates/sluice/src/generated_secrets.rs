//! Secrets Sluice generates for itself when none are configured, kept in the data directory
//! (mode 0600) so restarts keep sessions valid and stored credentials readable.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Stored {
    jwt_secret: String,
    credential_key: String,
}

pub struct GeneratedSecrets {
    pub jwt_secret: SecretString,
    pub credential_key: SecretString,
}

const FILE: &str = "secrets.json";

/// Reads `<data_dir>/secrets.json`, creating it with fresh random values on first use.
/// Several replicas may start at once on a shared data directory: the file is written in full
/// under a private name and then hard-linked into place, which fails if another process won
/// the race — the loser then reads the winner's values, so every replica agrees.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<GeneratedSecrets> {
    let path = data_dir.join(FILE);
    let stored = match read(&path)? {
        Some(stored) => stored,
        None => create(data_dir, &path)?,
    };
    Ok(GeneratedSecrets { jwt_secret: stored.jwt_secret.into(), credential_key: stored.credential_key.into() })
}

fn read(path: &Path) -> anyhow::Result<Option<Stored>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).with_context(|| format!("{} is corrupt", path.display()))?)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn create(data_dir: &Path, path: &Path) -> anyhow::Result<Stored> {
    std::fs::create_dir_all(data_dir)?;
    let fresh = Stored { jwt_secret: random_base64(48)?, credential_key: random_base64(32)? };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("OS random generator failed: {e}"))?;
    let staging = data_dir.join(format!(".{FILE}.{}", u64::from_le_bytes(nonce)));
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&staging)?;
    file.write_all(&serde_json::to_vec_pretty(&fresh)?)?;
    file.sync_all()?;
    drop(file);
    let published = std::fs::hard_link(&staging, path);
    let _ = std::fs::remove_file(&staging);
    match published {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated secrets for this installation");
            Ok(fresh)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            read(path)?.with_context(|| format!("{} vanished while starting", path.display()))
        }
        Err(err) => Err(err).with_context(|| format!("cannot write {}", path.display())),
    }
}

fn random_base64(len: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("OS random generator failed: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    #[test]
    fn replicas_starting_together_agree_on_one_set_of_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8).map(|_| scope.spawn(|| super::load_or_create(dir.path()))).collect();
            handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
        });
        let first = results[0].jwt_secret.expose_secret().to_string();
        assert!(results.iter().all(|s| s.jwt_secret.expose_secret() == first));
        let again = super::load_or_create(dir.path()).unwrap();
        assert_eq!(again.credential_key.expose_secret(), results[0].credential_key.expose_secret());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("secrets.json")], "no staging files remain");
    }
}
