//! The role × route matrix: every documented route, called as every kind of caller, must answer
//! exactly as this table says — and a caller who is refused must change nothing.
//!
//! The table is checked against the OpenAPI document (which is generated from the mounted
//! routes), so adding a route without deciding here who may call it fails `every_route_has_an_entry`.
//!
//! Callers: anonymous; an admin of *another* org (tenant isolation: always 404 on this org's
//! resources); a member of one team without an org role; an org viewer; an org admin; a
//! platform admin. Outcomes: O = 2xx, F = 403, N = 404, U = 401.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Anonymous,
    Outsider,
    TeamMember,
    Viewer,
    OrgAdmin,
    Platform,
}

const ROLES: [Role; 6] = [Role::Anonymous, Role::Outsider, Role::TeamMember, Role::Viewer, Role::OrgAdmin, Role::Platform];

/// What one route should answer, per role in `ROLES` order, e.g. "UNOOOO".
struct Case {
    method: &'static str,
    path: &'static str,
    expect: &'static str,
    body: fn(&Fixture) -> Option<Value>,
}

const fn case(method: &'static str, path: &'static str, expect: &'static str, body: fn(&Fixture) -> Option<Value>) -> Case {
    Case { method, path, expect, body }
}

fn none(_: &Fixture) -> Option<Value> {
    None
}

fn empty(_: &Fixture) -> Option<Value> {
    Some(json!({}))
}

/// An org with two teams, a key, a budget, rate limits, a policy and members; another org; a
/// deletable provider and model. Built fresh for every route so mutations cannot interfere.
struct Fixture {
    app: TestApp,
    org: Uuid,
    team: Uuid,
    empty_team: Uuid,
    key: Uuid,
    budget: Uuid,
    rate_limit: Uuid,
    policy: Uuid,
    /// A viewer of the org who is also a member of `team`: the target of membership routes.
    target_user: Uuid,
    provider: Uuid,
    spare_provider: Uuid,
    model: Uuid,
    webhook: Uuid,
    sessions: Vec<Option<Session>>,
}

impl Fixture {
    async fn new() -> Self {
        let app = spawn_app().await;
        let root = app.platform_admin().await;
        let org = app.create_org(&root, "Acme").await;
        let other_org = app.create_org(&root, "Globex").await;
        let outsider = app.org_member(&root, other_org, "admin@globex.test", "admin").await;
        let team = app.create_team(org, "core").await;
        let empty_team = app.create_team(org, "empty").await;
        let key = app.create_key(org, team, "svc").await;
        let member = app.team_member(team, "member@acme.test", "member").await;
        let viewer = app.org_member(&root, org, "viewer@acme.test", "viewer").await;
        let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
        let target = app.org_member(&root, org, "target@acme.test", "viewer").await;
        app.post_ok(&format!("/api/v1/orgs/{org}/teams/{team}/members"), &root, json!({"user_id": target.user_id, "role": "member"}), reqwest::StatusCode::CREATED).await;
        let created = reqwest::StatusCode::CREATED;
        let budget = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/budgets"), &root, json!({"amount_usd": "100", "period": "monthly"}), created).await);
        let rate_limit = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/rate-limits"), &root, json!({"rpm": 60}), created).await);
        let policy = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/routing-policies"), &root, json!({"document": policy_document()}), created).await);
        let provider_body = |name: &str| json!({"name": name, "kind": "openai_compatible", "base_url": "http://127.0.0.1:11434/v1", "trust_tier": "local"});
        let provider = id_of(&app.post_ok("/api/v1/providers", &root, provider_body("local-a"), created).await);
        let spare_provider = id_of(&app.post_ok("/api/v1/providers", &root, provider_body("local-b"), created).await);
        let model = id_of(
            &app.post_ok("/api/v1/models", &root, json!({"provider_id": provider, "name": "llama-local", "upstream_name": "llama3", "capability_tier": "small"}), created).await,
        );
        let webhook = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/webhooks"), &root, json!({"url": "https://hooks.example.com/sluice"}), created).await);
        let sessions = vec![None, Some(outsider), Some(member), Some(viewer), Some(admin), Some(root)];
        Self { app, org, team, empty_team, key, budget, rate_limit, policy, target_user: target.user_id, provider, spare_provider, model, webhook, sessions }
    }

    fn path(&self, case: &Case) -> String {
        let user = self.target_user.to_string();
        // Deleting a team or provider needs one that nothing depends on.
        let team = if case.method == "DELETE" && case.path.ends_with("{team_id}") { self.empty_team } else { self.team };
        let provider = if case.method == "DELETE" { self.spare_provider } else { self.provider };
        case.path
            .replace("{org_id}", &self.org.to_string())
            .replace("{team_id}", &team.to_string())
            .replace("{key_id}", &self.key.to_string())
            .replace("{budget_id}", &self.budget.to_string())
            .replace("{rate_limit_id}", &self.rate_limit.to_string())
            .replace("{policy_id}", &self.policy.to_string())
            .replace("{user_id}", &user)
            .replace("{provider_id}", &provider.to_string())
            .replace("{model_id}", &self.model.to_string())
            .replace("{webhook_id}", &self.webhook.to_string())
            // The reconciliation and the reports need their period (and grouping).
            + if case.path.ends_with("/billing/reconciliation") { "?from=2025-11-01&to=2025-11-30" } else { "" }
            + if case.path.ends_with("/reports/usage") { "?from=2025-11-01&to=2025-11-30&group_by=team" } else { "" }
            + if case.path.ends_with("/reports/egress") { "?from=2025-11-01&to=2025-11-30" } else { "" }
    }

    async fn audit_rows(&self) -> i64 {
        let mut conn = self.app.db.acquire().await.unwrap();
        sqlx::query_scalar("select count(*) from audit_log").fetch_one(&mut *conn).await.unwrap()
    }
}

fn policy_document() -> Value {
    json!({"default_model": "gpt-4o", "matrix": {"public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o"]}}})
}

fn expected_status(code: char) -> fn(u16) -> bool {
    match code {
        'O' => |s| (200..300).contains(&s),
        'F' => |s| s == 403,
        'N' => |s| s == 404,
        _ => |s| s == 401,
    }
}

/// Runs one route: every refusal first (and checks they changed nothing), then the first
/// allowed caller (for reads: every allowed caller).
async fn check(case: &Case) {
    let f = Fixture::new().await;
    let path = f.path(case);
    let method = Method::from_bytes(case.method.as_bytes()).unwrap();
    let codes: Vec<char> = case.expect.chars().collect();
    assert_eq!(codes.len(), ROLES.len(), "{} {}: one outcome per role", case.method, case.path);
    let before = f.audit_rows().await;
    let mut allowed = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        if codes[i] == 'O' {
            allowed.push(i);
            continue;
        }
        let token = f.sessions[i].as_ref().map(|s| s.token.as_str());
        let res = f.app.request(method.clone(), &path, token, (case.body)(&f)).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        assert!(expected_status(codes[i])(status), "{} {} as {role:?}: expected {}, got {status}: {text}", case.method, case.path, codes[i]);
    }
    assert_eq!(f.audit_rows().await, before, "{} {}: a refused request changed something", case.method, case.path);
    let run = if case.method == "GET" { allowed.len() } else { allowed.len().min(1) };
    for &i in allowed.iter().take(run) {
        let token = f.sessions[i].as_ref().map(|s| s.token.as_str());
        let res = f.app.request(method.clone(), &path, token, (case.body)(&f)).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        assert!((200..300).contains(&status), "{} {} as {:?}: expected success, got {status}: {text}", case.method, case.path, ROLES[i]);
    }
    // Every case has its own server and database; its pool would otherwise keep its connections
    // open while the other groups run, and together they outgrow the server's max_connections.
    f.app.db.close().await;
}

const CASES: &[Case] = &[
    // health and auth
    case("GET", "/healthz", "OOOOOO", none),
    case("GET", "/readyz", "OOOOOO", none),
    case("GET", "/metrics", "OOOOOO", none),
    case("POST", "/api/v1/auth/login", "OOOOOO", |_| Some(json!({"email": "admin@acme.test", "password": PASSWORD}))),
    case("POST", "/api/v1/auth/refresh", "UUUUUU", |_| Some(json!({"refresh_token": "slr_not-a-real-token"}))),
    case("POST", "/api/v1/auth/logout", "UOOOOO", empty),
    case("GET", "/api/v1/me", "UOOOOO", none),
    // users (platform)
    case("GET", "/api/v1/users", "UFFFFO", none),
    case("POST", "/api/v1/users", "UFFFFO", |_| Some(json!({"email": "new@x.test", "password": PASSWORD}))),
    case("GET", "/api/v1/users/{user_id}", "UNNNNO", none),
    case("PATCH", "/api/v1/users/{user_id}", "UNNNNO", |_| Some(json!({"display_name": "Renamed"}))),
    case("GET", "/api/v1/audit-log", "UFFFFO", none),
    // orgs
    case("GET", "/api/v1/orgs", "UOOOOO", none),
    case("POST", "/api/v1/orgs", "UFFFFO", |_| Some(json!({"name": "Initech"}))),
    case("GET", "/api/v1/orgs/{org_id}", "UNOOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}", "UNFFOO", |_| Some(json!({"name": "Acme Inc"}))),
    case("DELETE", "/api/v1/orgs/{org_id}", "UNFFFO", none),
    case("GET", "/api/v1/orgs/{org_id}/audit-log", "UNNOOO", none),
    // org members
    case("GET", "/api/v1/orgs/{org_id}/members", "UNNOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/members", "UNFFOO", |_| Some(json!({"email": "hire@acme.test", "password": PASSWORD, "role": "viewer"}))),
    case("PATCH", "/api/v1/orgs/{org_id}/members/{user_id}", "UNFFOO", |_| Some(json!({"role": "admin"}))),
    case("DELETE", "/api/v1/orgs/{org_id}/members/{user_id}", "UNFFOO", none),
    // teams and team members
    case("GET", "/api/v1/orgs/{org_id}/teams", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/teams", "UNFFOO", |_| Some(json!({"name": "Research"}))),
    case("GET", "/api/v1/orgs/{org_id}/teams/{team_id}", "UNOOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}/teams/{team_id}", "UNFFOO", |_| Some(json!({"name": "Core Platform"}))),
    case("DELETE", "/api/v1/orgs/{org_id}/teams/{team_id}", "UNNFOO", none),
    case("GET", "/api/v1/orgs/{org_id}/teams/{team_id}/members", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/teams/{team_id}/members", "UNFFOO", |f| Some(json!({"user_id": f.sessions[3].as_ref().map(|s| s.user_id), "role": "member"}))),
    case("PATCH", "/api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}", "UNFFOO", |_| Some(json!({"role": "admin"}))),
    case("DELETE", "/api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}", "UNFFOO", none),
    // virtual keys
    case("GET", "/api/v1/orgs/{org_id}/keys", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/keys", "UNFFOO", |f| Some(json!({"team_id": f.team, "name": "new"}))),
    case("GET", "/api/v1/orgs/{org_id}/keys/{key_id}", "UNOOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}/keys/{key_id}", "UNFFOO", |_| Some(json!({"name": "renamed"}))),
    case("POST", "/api/v1/orgs/{org_id}/keys/{key_id}/revoke", "UNFFOO", empty),
    case("POST", "/api/v1/orgs/{org_id}/keys/{key_id}/rotate", "UNFFOO", empty),
    // budgets, rate limits, policies (the fixture's are org-level)
    case("GET", "/api/v1/orgs/{org_id}/budgets", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/budgets", "UNFFOO", |_| Some(json!({"amount_usd": "10", "period": "weekly"}))),
    case("GET", "/api/v1/orgs/{org_id}/budgets/{budget_id}", "UNNOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}/budgets/{budget_id}", "UNNFOO", |_| Some(json!({"amount_usd": "20"}))),
    case("DELETE", "/api/v1/orgs/{org_id}/budgets/{budget_id}", "UNNFOO", none),
    case("GET", "/api/v1/orgs/{org_id}/budgets/{budget_id}/forecast", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/alerts", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/rate-limits", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/rate-limits", "UNFFOO", |f| Some(json!({"team_id": f.team, "rpm": 10}))),
    case("GET", "/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}", "UNNOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}", "UNNFOO", |_| Some(json!({"rpm": 120}))),
    case("DELETE", "/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}", "UNNFOO", none),
    case("GET", "/api/v1/orgs/{org_id}/routing-policies", "UNOOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/routing-policies", "UNFFOO", |f| Some(json!({"team_id": f.team, "document": {"explicit_model": "refuse"}}))),
    case("GET", "/api/v1/orgs/{org_id}/routing-policies/{policy_id}", "UNNOOO", none),
    case("PATCH", "/api/v1/orgs/{org_id}/routing-policies/{policy_id}", "UNNFOO", |_| Some(json!({"document": policy_document()}))),
    case("DELETE", "/api/v1/orgs/{org_id}/routing-policies/{policy_id}", "UNNFOO", none),
    case("POST", "/api/v1/orgs/{org_id}/routing-policies/what-if", "UNNOOO", |_| {
        Some(json!({"document": policy_document(), "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}))
    }),
    case("POST", "/api/v1/orgs/{org_id}/routing-policies/explain", "UNNOOO", |_| Some(json!({"document": policy_document(), "prompt": "Hello"}))),
    // providers and models (platform-wide: everyone reads, platform admins write)
    case("GET", "/api/v1/providers", "UOOOOO", none),
    case("POST", "/api/v1/providers", "UFFFFO", |_| Some(json!({"name": "vllm", "kind": "openai_compatible", "base_url": "http://127.0.0.1:8000/v1", "trust_tier": "local"}))),
    case("GET", "/api/v1/providers/{provider_id}", "UOOOOO", none),
    case("PATCH", "/api/v1/providers/{provider_id}", "UFFFFO", |_| Some(json!({"region": "eu"}))),
    case("DELETE", "/api/v1/providers/{provider_id}", "UFFFFO", none),
    case("GET", "/api/v1/models", "UOOOOO", none),
    case("POST", "/api/v1/models", "UFFFFO", |f| Some(json!({"provider_id": f.provider, "name": "qwen-local", "upstream_name": "qwen", "capability_tier": "small"}))),
    case("GET", "/api/v1/models/{model_id}", "UOOOOO", none),
    case("PATCH", "/api/v1/models/{model_id}", "UFFFFO", |_| Some(json!({"enabled": false}))),
    case("DELETE", "/api/v1/models/{model_id}", "UFFFFO", none),
    case("GET", "/api/v1/models/{model_id}/prices", "UOOOOO", none),
    case("POST", "/api/v1/models/{model_id}/prices", "UFFFFO", |_| Some(json!({"input_usd_per_mtok": "0.10", "output_usd_per_mtok": "0.20"}))),
    // billing (org-scoped: admins import, org roles read)
    case("POST", "/api/v1/orgs/{org_id}/billing/invoice-imports", "UNFFOO", |_| {
        Some(json!({"provider": "openai", "format": "csv", "content": "date,provider,model,token_type,quantity,amount_usd\n2025-11-03,openai,gpt-4o,input,1000,0.0025\n"}))
    }),
    case("GET", "/api/v1/orgs/{org_id}/billing/reconciliation", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/billing/counter-drift", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/reports/burn-rate", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/model-prices", "UNNOOO", none),
    case("POST", "/api/v1/orgs/{org_id}/model-prices", "UNFFOO", |f| Some(json!({"model_id": f.model, "input_usd_per_mtok": "0.05", "output_usd_per_mtok": "0.10"}))),
    // alert delivery (org admins only: endpoints are configuration)
    case("POST", "/api/v1/orgs/{org_id}/webhooks", "UNFFOO", |_| Some(json!({"url": "https://hooks.example.com/other"}))),
    case("GET", "/api/v1/orgs/{org_id}/webhooks", "UNFFOO", none),
    case("DELETE", "/api/v1/orgs/{org_id}/webhooks/{webhook_id}", "UNFFOO", none),
    case("GET", "/api/v1/orgs/{org_id}/webhooks/{webhook_id}/deliveries", "UNFFOO", none),
    // reports (org-scoped: every org role reads; team-only members do not)
    case("GET", "/api/v1/orgs/{org_id}/reports/usage", "UNNOOO", none),
    case("GET", "/api/v1/orgs/{org_id}/reports/egress", "UNNOOO", none),
];

#[test]
fn every_route_has_an_entry() {
    let doc = sluice_admin::openapi::document();
    let documented: BTreeSet<(String, String)> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = [("GET", item.get.is_some()), ("POST", item.post.is_some()), ("PATCH", item.patch.is_some()), ("DELETE", item.delete.is_some()), ("PUT", item.put.is_some())];
            methods.into_iter().filter(|(_, present)| *present).map(|(m, _)| (m.to_owned(), path.clone())).collect::<Vec<_>>()
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = CASES.iter().map(|c| (c.method.to_owned(), c.path.to_owned())).collect();
    let missing: Vec<_> = documented.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&documented).collect();
    assert!(missing.is_empty(), "routes without an access-matrix entry (add them to CASES): {missing:?}");
    assert!(stale.is_empty(), "matrix entries for routes that do not exist: {stale:?}");
    assert_eq!(tabled.len(), CASES.len(), "duplicate matrix entries");
}

/// Runs the cases whose path starts with one of `prefixes` (split so the harness runs groups in parallel).
async fn check_group(select: impl Fn(&Case) -> bool) {
    for case in CASES.iter().filter(|c| select(c)) {
        check(case).await;
    }
}

#[tokio::test]
async fn matrix_auth_users_and_orgs() {
    check_group(|c| !c.path.starts_with("/api/v1/orgs/") && !c.path.starts_with("/api/v1/providers") && !c.path.starts_with("/api/v1/models")).await;
}

#[tokio::test]
async fn matrix_org_members_teams_and_keys() {
    check_group(|c| c.path.starts_with("/api/v1/orgs/") && ["/members", "/teams", "/keys", "/audit-log"].iter().any(|p| c.path.contains(p))).await;
    check_group(|c| matches!(c.path, "/api/v1/orgs/{org_id}")).await;
}

#[tokio::test]
async fn matrix_budgets_limits_policies() {
    check_group(|c| ["/budgets", "/rate-limits", "/routing-policies"].iter().any(|p| c.path.contains(p))).await;
}

#[tokio::test]
async fn matrix_billing() {
    check_group(|c| c.path.contains("/billing/")).await;
}

#[tokio::test]
async fn matrix_alerting_reports_and_negotiated_prices() {
    check_group(|c| ["/alerts", "/webhooks", "/reports/", "/model-prices"].iter().any(|p| c.path.contains(p))).await;
}

#[tokio::test]
async fn matrix_providers_and_models() {
    check_group(|c| c.path.starts_with("/api/v1/providers") || c.path.starts_with("/api/v1/models")).await;
}
