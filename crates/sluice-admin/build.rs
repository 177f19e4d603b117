//! Embeds the web console's built assets (`web/dist`, made by `npm run build` in `web/`) into
//! the binary. Each file becomes an `include_bytes!` entry of a table in `$OUT_DIR`, served by
//! `console.rs` under `/console/`. Without a build the table is empty and the admin API serves a
//! page explaining how to build the console, so `cargo build` alone never fails.
//!
//! `SLUICE_CONSOLE_DIST` points at another directory of built assets.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=SLUICE_CONSOLE_DIST");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let web = manifest.join("../../web");
    let dist = std::env::var_os("SLUICE_CONSOLE_DIST").map(PathBuf::from).unwrap_or_else(|| web.join("dist"));
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        // Cargo scans a watched directory recursively: any rebuilt asset re-embeds them all.
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, &dist, &mut files);
    } else if web.is_dir() {
        // No build yet: notice when one appears (creating `web/dist` changes `web/`).
        println!("cargo:rerun-if-changed={}", web.join("dist").display());
        println!("cargo:rerun-if-changed={}", web.display());
    }
    files.sort();
    let mut out = String::from("/// Built console files: path relative to `web/dist`, contents.\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        writeln!(out, "    ({relative:?}, include_bytes!({absolute:?})),")?;
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR")?).join("console_assets.rs");
    std::fs::write(target, out)?;
    Ok(())
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            let absolute = path.canonicalize().unwrap_or(path.clone());
            files.push((relative, absolute.to_string_lossy().into_owned()));
        }
    }
}
