//! The web console's static files: served outside the API namespace by the default service
//! (whether or not this build embeds `web/dist`), without changing how unknown API paths answer.

use reqwest::{Method, StatusCode, header};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn root_redirects_to_the_console_which_answers_a_page() {
    let app = spawn_app().await;
    let root = app.request(Method::GET, "/", None, None).await;
    assert_eq!(root.status(), StatusCode::FOUND);
    assert_eq!(root.headers()[header::LOCATION], "/console/");

    for path in ["/console/", "/console/orgs/0190/keys"] {
        let page = app.request(Method::GET, path, None, None).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("default-src 'self'") && csp.contains("connect-src 'self'"), "{csp}");
        let body = page.text().await.unwrap();
        assert!(body.contains("<html") || body.contains("<!doctype html>"), "{body}");
        assert!(!body.contains("https://"), "the console loads nothing from elsewhere");
    }
    if sluice_admin::console::is_built() {
        let page = app.request(Method::GET, "/console/", None, None).await.text().await.unwrap();
        let script = page.split("src=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("index.html loads a script");
        let asset = app.request(Method::GET, script, None, None).await;
        assert_eq!(asset.status(), StatusCode::OK, "{script}");
        assert!(asset.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        assert!(asset.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    } else {
        let page = app.request(Method::GET, "/console/", None, None).await.text().await.unwrap();
        assert!(page.contains("The console was not built"));
    }
}

#[tokio::test]
async fn unknown_paths_outside_the_console_keep_the_api_404() {
    let app = spawn_app().await;
    for (method, path) in [(Method::GET, "/api/v1/nothing-here"), (Method::GET, "/api/v1/console/"), (Method::GET, "/elsewhere"), (Method::POST, "/console/")] {
        let res = app.request(method.clone(), path, None, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{method} {path}");
    }
    let missing = app.request(Method::GET, "/console/assets/missing-0000.js", None, None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
