//! HTTP request metrics: a counter per route and status, a duration histogram per route.
//!
//! Statuses are labelled from a fixed list (anything else is `other`) and routes are the
//! server's route templates, so the number of series is fixed at start. `HttpMetrics` registers
//! every series once and keeps the handles: recording a request is an index into an array and
//! two atomic updates, which is what the gateway's request path can afford.

use std::time::Duration;

use metrics::{Counter, Histogram};

/// The status codes Sluice answers with; each gets its own label value.
const STATUSES: [u16; 18] = [200, 201, 204, 400, 401, 402, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504];
const STATUS_LABELS: [&str; 18] = ["200", "201", "204", "400", "401", "402", "403", "404", "405", "409", "413", "415", "422", "429", "500", "502", "503", "504"];
const OTHER: &str = "other";

/// The label value of a status code: itself if listed, else `other`.
pub fn status_label(status: u16) -> &'static str {
    STATUSES.iter().position(|s| *s == status).map_or(OTHER, |i| STATUS_LABELS[i])
}

fn status_index(status: u16) -> usize {
    STATUSES.iter().position(|s| *s == status).unwrap_or(STATUSES.len())
}

struct RouteHandles {
    by_status: Vec<Counter>,
    duration: Histogram,
}

/// Pre-registered request metrics of one server.
pub struct HttpMetrics {
    routes: Vec<RouteHandles>,
}

impl HttpMetrics {
    /// Registers `<prefix>_http_requests_total{route,status}` and
    /// `<prefix>_http_request_duration_seconds{route}` for each of `routes`. Call it after
    /// [`crate::install`], or the handles record nowhere.
    pub fn register(prefix: &str, routes: &[&'static str]) -> Self {
        crate::install();
        let requests = format!("{prefix}_http_requests_total");
        let duration = format!("{prefix}_http_request_duration_seconds");
        metrics::describe_counter!(requests.clone(), "HTTP requests answered, by route template and status code");
        metrics::describe_histogram!(duration.clone(), metrics::Unit::Seconds, "Time from receiving a request to its response head, by route");
        let routes = routes
            .iter()
            .map(|route| {
                let labels = STATUS_LABELS.iter().chain(std::iter::once(&OTHER));
                RouteHandles {
                    by_status: labels.map(|s| metrics::counter!(requests.clone(), "route" => *route, "status" => *s)).collect(),
                    duration: metrics::histogram!(duration.clone(), "route" => *route),
                }
            })
            .collect();
        Self { routes }
    }

    /// Counts one answered request of route number `route` (its index in the list given to
    /// `register`; out of range is ignored).
    pub fn observe(&self, route: usize, status: u16, elapsed: Duration) {
        if let Some(handles) = self.routes.get(route) {
            if let Some(counter) = handles.by_status.get(status_index(status)) {
                counter.increment(1);
            }
            handles.duration.record(elapsed.as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlisted_statuses_share_one_label() {
        assert_eq!(status_label(402), "402");
        assert_eq!(status_label(418), "other");
        assert_eq!(status_index(418), STATUSES.len());
        assert_eq!(STATUSES.len(), STATUS_LABELS.len());
        for (code, label) in STATUSES.iter().zip(STATUS_LABELS) {
            assert_eq!(code.to_string(), label);
        }
    }
}
