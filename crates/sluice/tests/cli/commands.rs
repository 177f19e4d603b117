use std::io::Write;
use std::process::Stdio;

use crate::harness::*;

#[test]
fn openapi_prints_the_committed_document() {
    let out = sluice(&["openapi"]).output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json")).unwrap();
    assert!(String::from_utf8(out.stdout).unwrap() == committed, "run `cargo run -p sluice -- openapi > openapi/openapi.json`");
}

#[test]
fn unknown_configuration_keys_are_refused_by_name() {
    let out = sluice(&["migrate"]).env("SLUICE_ADMN_ADDR", "127.0.0.1:1").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SLUICE_ADMN_ADDR") || stderr.contains("admn_addr"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sluice.toml");
    std::fs::write(&file, "admin_adr = \"127.0.0.1:1\"\n").unwrap();
    let out = sluice(&["--config", file.to_str().unwrap(), "migrate"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("admin_adr"));
}

#[tokio::test]
async fn migrate_is_idempotent_and_admin_create_makes_a_platform_admin() {
    let url = fresh_database().await;
    for _ in 0..2 {
        let out = sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let data_dir = tempfile::tempdir().unwrap();
    let create = |password: &str| {
        let mut child = sluice(&["admin", "create", "--email", "ops@example.com", "--password-stdin", "--data-dir", data_dir.path().to_str().unwrap()])
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = create("short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12"));
    let ok = create("operator passphrase 1");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("operator passphrase"), "the password is never echoed");
    let again = create("operator passphrase 1");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let db = sluice_store::Db::connect(&url, 1).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let user = sluice_store::users::find_by_email(&mut conn, "ops@example.com").await.unwrap().unwrap();
    assert!(user.is_platform_admin);
}
