use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn org_admin_manages_teams_and_viewer_only_reads() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
    let viewer = app.org_member(&root, org, "viewer@acme.test", "viewer").await;
    let teams = format!("/api/v1/orgs/{org}/teams");
    let team = app.post_ok(&teams, &admin, json!({"name": "Data Science"}), StatusCode::CREATED).await;
    assert_eq!(team["slug"], "data-science");
    let team_id = id_of(&team);
    assert_eq!(app.post(&teams, &viewer, json!({"name": "Nope"})).await.status(), StatusCode::FORBIDDEN);
    let list = app.get_ok(&teams, &viewer).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let renamed = expect_status(app.patch(&format!("{teams}/{team_id}"), &admin, json!({"name": "DS"})).await, StatusCode::OK).await;
    assert_eq!(renamed["name"], "DS");
    assert_eq!(renamed["slug"], "data-science");
    assert_eq!(app.delete(&format!("{teams}/{team_id}"), &viewer).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&format!("{teams}/{team_id}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("{teams}/{team_id}"), &admin).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_team_with_keys_cannot_be_deleted() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let team = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/teams"), &root, json!({"name": "Core"}), StatusCode::CREATED).await);
    app.post_ok(&format!("/api/v1/orgs/{org}/keys"), &root, json!({"team_id": team, "name": "k"}), StatusCode::CREATED).await;
    let res = expect_status(app.delete(&format!("/api/v1/orgs/{org}/teams/{team}"), &root).await, StatusCode::CONFLICT).await;
    assert_eq!(res["error"]["code"], "conflict");
}

#[tokio::test]
async fn team_members_see_only_their_team_and_team_admins_manage_it() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let teams = format!("/api/v1/orgs/{org}/teams");
    let core = id_of(&app.post_ok(&teams, &root, json!({"name": "Core"}), StatusCode::CREATED).await);
    let other = id_of(&app.post_ok(&teams, &root, json!({"name": "Other"}), StatusCode::CREATED).await);
    // A viewer of the org who is admin of one team.
    let lead = app.org_member(&root, org, "lead@acme.test", "viewer").await;
    app.post_ok(&format!("{teams}/{core}/members"), &root, json!({"user_id": lead.user_id, "role": "admin"}), StatusCode::CREATED).await;
    // The lead may rename their team, not the other one.
    assert_eq!(app.patch(&format!("{teams}/{core}"), &lead, json!({"name": "Core Platform"})).await.status(), StatusCode::OK);
    assert_eq!(app.patch(&format!("{teams}/{other}"), &lead, json!({"name": "Mine now"})).await.status(), StatusCode::FORBIDDEN);
    // Issue a key in their team, not in the other.
    let keys = format!("/api/v1/orgs/{org}/keys");
    app.post_ok(&keys, &lead, json!({"team_id": core, "name": "svc"}), StatusCode::CREATED).await;
    assert_eq!(app.post(&keys, &lead, json!({"team_id": other, "name": "svc"})).await.status(), StatusCode::FORBIDDEN);
    // Adding someone who is not in the org is refused with the field named.
    let outsider = app.session_for("out@else.test", false).await;
    let res = app.post_ok(&format!("{teams}/{core}/members"), &lead, json!({"user_id": outsider.user_id, "role": "member"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "user_id");
}
