//! The web console's static files, embedded at build time (see `build.rs`), served under
//! `/console/`; `/` redirects there.
//!
//! These are not API routes, so they are not in the route table or the OpenAPI document: this
//! handler is the app's *default service*, which actix calls only for requests no documented
//! route matched. Everything outside `/console/` (and `/`) still gets the API's JSON 404, so an
//! unknown `/api/v1/...` path cannot be answered with a page. Only GET and HEAD are served.
//!
//! The console is a single-page app: a path under `/console/` that names no file (a client-side
//! route such as `/console/orgs/…/keys`) is answered with `index.html`. Vite names built assets
//! by content hash, so `assets/*` may be cached forever; `index.html` never is.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));
}

/// Where the console lives; `/` redirects here.
pub const PREFIX: &str = "/console/";

/// The page served when the binary was built without `web/dist`.
const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sluice console not built</title></head>\
<body style=\"font-family: sans-serif; max-width: 40em; margin: 3em auto\"><h1>The console was not built</h1>\
<p>This Sluice binary was compiled without the web console. Build it with <code>npm ci &amp;&amp; npm run build</code> in \
<code>web/</code>, then rebuild Sluice (<code>cargo build -p sluice</code>); the assets are embedded into the binary.</p>\
<p>The admin API works without it: see <a href=\"/docs/\">the API documentation</a>.</p></body></html>";

/// The console's pages may only load what the admin API itself serves (no CDN, no remote
/// fonts). Mantine sets CSS variables in inline `style` elements, hence `'unsafe-inline'` for
/// styles only.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Whether this binary embeds a console build.
pub fn is_built() -> bool {
    file("index.html").is_some()
}

/// The default service: console files, the `/` redirect, and the API's 404 for everything else.
pub async fn fallback(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(ApiError::NotFound);
    }
    let path = request.path();
    if path == "/" || path == "/console" {
        return Ok(HttpResponse::Found().insert_header((header::LOCATION, PREFIX)).finish());
    }
    let Some(rest) = path.strip_prefix(PREFIX) else { return Err(ApiError::NotFound) };
    Ok(serve(rest))
}

fn serve(rest: &str) -> HttpResponse {
    if let Some(bytes) = file(rest).filter(|_| !rest.is_empty()) {
        let cache = if rest.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return HttpResponse::Ok()
            .content_type(content_type(rest))
            .insert_header((header::CACHE_CONTROL, cache))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(bytes);
    }
    // A missing file (an asset name with an extension) is a 404; anything else is a client-side
    // route of the single-page app.
    let last = rest.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("not found");
    }
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(file("index.html").unwrap_or(NOT_BUILT.as_bytes()))
}

fn file(path: &str) -> Option<&'static [u8]> {
    embedded::ASSETS.iter().find(|(name, _)| *name == path).map(|(_, bytes)| *bytes)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
