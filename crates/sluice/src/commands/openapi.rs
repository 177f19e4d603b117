//! `sluice openapi`: prints the admin API's OpenAPI document, exactly as committed in
//! `openapi/openapi.json` (regenerate with `sluice openapi > openapi/openapi.json`).

use std::io::Write;

pub fn run() -> anyhow::Result<()> {
    std::io::stdout().write_all(sluice_admin::openapi::document_json().as_bytes())?;
    Ok(())
}
