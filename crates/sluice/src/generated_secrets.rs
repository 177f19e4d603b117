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
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<GeneratedSecrets> {
    let path = data_dir.join(FILE);
    let stored: Stored = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| format!("{} is corrupt", path.display()))?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let fresh = Stored { jwt_secret: random_base64(48)?, credential_key: random_base64(32)? };
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
            file.write_all(&serde_json::to_vec_pretty(&fresh)?)?;
            tracing::info!(path = %path.display(), "generated secrets for this installation");
            fresh
        }
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(GeneratedSecrets { jwt_secret: stored.jwt_secret.into(), credential_key: stored.credential_key.into() })
}

fn random_base64(len: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("OS random generator failed: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}
