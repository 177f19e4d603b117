//! The committed OpenAPI document matches the code, and every documented route is served.

use reqwest::{Method, StatusCode};

use crate::helpers::*;

const COMMITTED: &str = include_str!("../../../../openapi/openapi.json");

#[test]
fn committed_document_is_current() {
    let generated = sluice_admin::openapi::document_json();
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is stale: regenerate it with `cargo run -p sluice -- openapi > openapi/openapi.json` and commit it"
    );
}

#[tokio::test]
async fn every_documented_route_is_mounted() {
    let app = spawn_app().await;
    let doc = sluice_admin::openapi::document();
    let mut checked = 0;
    for (path, item) in &doc.paths.paths {
        let concrete = path.split('/').map(|seg| if seg.starts_with('{') { uuid::Uuid::now_v7().to_string() } else { seg.to_owned() }).collect::<Vec<_>>().join("/");
        for (method, present) in [(Method::GET, item.get.is_some()), (Method::POST, item.post.is_some()), (Method::PATCH, item.patch.is_some()), (Method::DELETE, item.delete.is_some())] {
            if !present {
                continue;
            }
            // Without credentials a mounted route answers 401 (or, if public, 2xx/400) — never
            // the 404/405 of a path nobody serves.
            let status = app.request(method.clone(), &concrete, None, None).await.status();
            assert!(status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not served ({status})");
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} operations documented");
}

/// API routes can only be mounted through utoipa-actix-web's `service`, which demands
/// `#[utoipa::path]` — so a served route cannot be missing from the document. This guards the
/// escape hatches that would bypass that.
#[test]
fn routes_are_only_mounted_through_the_documented_route_table() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut offenders = Vec::new();
    visit(std::path::Path::new(src), &mut |path, text| {
        for needle in [".route(", "web::resource(", "web::scope(", "web::get()", "web::post()"] {
            if text.contains(needle) {
                offenders.push(format!("{} uses {needle}", path.display()));
            }
        }
        // The one exception: the default service, which only answers requests no documented
        // route matched, serves the console's static files (not API routes) under `/console/`
        // and the API's 404 everywhere else (`console.rs`, tested in `console.rs` here).
        for (at, _) in text.match_indices(".default_service(") {
            if !text[at..].starts_with(".default_service(web::to(console::fallback))") {
                offenders.push(format!("{} has a default service other than console::fallback", path.display()));
            }
        }
    });
    assert!(offenders.is_empty(), "undocumented ways of mounting routes: {offenders:?}");
}

fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&std::path::Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}
