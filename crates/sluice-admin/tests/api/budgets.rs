use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn ids(list: &serde_json::Value) -> Vec<uuid::Uuid> {
    list["items"].as_array().unwrap().iter().map(id_of).collect()
}

#[tokio::test]
async fn create_list_get_patch_and_delete_budgets() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.post_ok("/api/v1/orgs", &admin, json!({"name": "Acme", "time_zone": "Europe/Berlin"}), StatusCode::CREATED).await;
    let org = id_of(&org);
    let team = app.create_team(org, "research").await;
    let key = app.create_key(org, team, "notebook").await;
    let path = format!("/api/v1/orgs/{org}/budgets");

    let org_budget = app.post_ok(&path, &admin, json!({"amount_usd": "100", "period": "monthly", "alert_thresholds": [80, 50, 100]}), StatusCode::CREATED).await;
    assert_eq!(org_budget["amount_usd"], "100.00");
    assert_eq!(org_budget["alert_thresholds"], json!([50, 80, 100]));
    assert_eq!((org_budget["hard"].clone(), org_budget["on_exhaustion"].clone()), (json!(true), json!("block")));
    assert_eq!((org_budget["team_id"].clone(), org_budget["key_id"].clone()), (json!(null), json!(null)));
    assert!(org_budget["current_period"]["label"].as_str().unwrap().starts_with('m'));
    // Berlin's midnight is 22:00 or 23:00 UTC, never 00:00.
    assert!(!org_budget["current_period"]["start"].as_str().unwrap().contains("T00:00:00"));

    let team_budget = app.post_ok(&path, &admin, json!({"team_id": team, "amount_usd": "12.5", "period": "weekly", "hard": false}), StatusCode::CREATED).await;
    assert_eq!(team_budget["amount_usd"], "12.50");
    assert_eq!(team_budget["hard"], false);
    let key_budget = app.post_ok(&path, &admin, json!({"key_id": key, "amount_usd": "5", "period": "total", "on_exhaustion": "downgrade"}), StatusCode::CREATED).await;
    assert_eq!(key_budget["current_period"], json!({"label": "total", "start": null, "end": null}));
    assert_eq!(key_budget["key_id"], json!(key));

    assert_eq!(ids(&app.get_ok(&path, &admin).await), vec![id_of(&org_budget), id_of(&team_budget), id_of(&key_budget)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?team_id={team}"), &admin).await), vec![id_of(&team_budget)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?key_id={key}"), &admin).await), vec![id_of(&key_budget)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?org_level=true"), &admin).await), vec![id_of(&org_budget)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?period=weekly"), &admin).await), vec![id_of(&team_budget)]);
    let first_page = app.get_ok(&format!("{path}?limit=2"), &admin).await;
    assert_eq!(ids(&first_page).len(), 2);
    let cursor = first_page["next_cursor"].as_str().unwrap();
    assert_eq!(ids(&app.get_ok(&format!("{path}?limit=2&cursor={cursor}"), &admin).await), vec![id_of(&key_budget)]);

    let one = format!("{path}/{}", id_of(&org_budget));
    assert_eq!(app.get_ok(&one, &admin).await["amount_usd"], "100.00");
    let patched = expect_status(app.patch(&one, &admin, json!({"amount_usd": "250.5", "alert_thresholds": null, "hard": false})).await, StatusCode::OK).await;
    assert_eq!(patched["amount_usd"], "250.50");
    assert_eq!(patched["alert_thresholds"], json!([]));
    assert_eq!(patched["hard"], false);
    assert_eq!(patched["period"], "monthly");
    let patched = expect_status(app.patch(&one, &admin, json!({"on_exhaustion": "downgrade"})).await, StatusCode::OK).await;
    assert_eq!((patched["amount_usd"].clone(), patched["on_exhaustion"].clone()), (json!("250.50"), json!("downgrade")));
    let null_amount = expect_status(app.patch(&one, &admin, json!({"amount_usd": null})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&null_amount), ["amount_usd"]);
    // Period and target are immutable.
    let period = expect_status(app.patch(&one, &admin, json!({"period": "daily"})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&period), ["period"]);

    assert_eq!(app.delete(&one, &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&one, &admin).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&one, &admin).await.status(), StatusCode::NOT_FOUND);

    let audit: Vec<_> = app.audit_entries(org).await.into_iter().filter(|(action, _, _)| action.starts_with("budget.")).collect();
    let actions: Vec<_> = audit.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["budget.create", "budget.create", "budget.create", "budget.update", "budget.update", "budget.delete"]);
    assert_eq!(audit[0].1, Some(id_of(&org_budget)));
    assert_eq!(audit[0].2["amount_usd"], "100.00");
    assert_eq!(audit[0].2["period"], "monthly");
    assert_eq!(audit[2].2["key_id"], json!(key));
    assert_eq!(audit[5].1, Some(id_of(&org_budget)));
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let team = app.create_team(org, "research").await;
    let key = app.create_key(org, team, "notebook").await;
    let path = format!("/api/v1/orgs/{org}/budgets");
    let cases = [
        (json!({"amount_usd": "0", "period": "daily"}), "amount_usd"),
        (json!({"amount_usd": "-5", "period": "daily"}), "amount_usd"),
        (json!({"amount_usd": "ten", "period": "daily"}), "amount_usd"),
        (json!({"amount_usd": 10, "period": "daily"}), "amount_usd"),
        (json!({"amount_usd": "10", "period": "hourly"}), "period"),
        (json!({"amount_usd": "10", "period": "daily", "alert_thresholds": [0]}), "alert_thresholds"),
        (json!({"amount_usd": "10", "period": "daily", "alert_thresholds": [50, 50]}), "alert_thresholds"),
        (json!({"amount_usd": "10", "period": "daily", "on_exhaustion": "explode"}), "on_exhaustion"),
        (json!({"amount_usd": "10", "period": "daily", "team_id": team, "key_id": key}), "key_id"),
        (json!({"amount_usd": "10", "period": "daily", "team_id": uuid::Uuid::now_v7()}), "team_id"),
    ];
    for (body, field) in cases {
        let res = app.post_ok(&path, &admin, body.clone(), StatusCode::BAD_REQUEST).await;
        assert_eq!(res["error"]["code"], "validation_failed");
        assert_eq!(error_fields(&res), [field], "for {body}");
    }
    let unknown = app.post_ok(&path, &admin, json!({"amount_usd": "10", "period": "daily", "colour": "red"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&unknown), ["colour"]);
    assert!(app.get_ok(&path, &admin).await["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_second_budget_with_the_same_period_on_a_target_conflicts() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let team = app.create_team(org, "research").await;
    let path = format!("/api/v1/orgs/{org}/budgets");
    app.post_ok(&path, &admin, json!({"amount_usd": "10", "period": "monthly"}), StatusCode::CREATED).await;
    let dup = app.post_ok(&path, &admin, json!({"amount_usd": "20", "period": "monthly"}), StatusCode::CONFLICT).await;
    assert_eq!(dup["error"]["code"], "conflict");
    // Another period on the same target, or the same period on another target, is fine.
    app.post_ok(&path, &admin, json!({"amount_usd": "1", "period": "daily"}), StatusCode::CREATED).await;
    app.post_ok(&path, &admin, json!({"team_id": team, "amount_usd": "5", "period": "monthly"}), StatusCode::CREATED).await;
    app.post_ok(&path, &admin, json!({"team_id": team, "amount_usd": "5", "period": "monthly"}), StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn another_orgs_admin_cannot_see_or_touch_budgets() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let acme = app.create_org(&root, "Acme").await;
    let globex = app.create_org(&root, "Globex").await;
    let mallory = app.org_member(&root, globex, "mallory@globex.test", "admin").await;
    let budget = app.post_ok(&format!("/api/v1/orgs/{acme}/budgets"), &root, json!({"amount_usd": "10", "period": "daily"}), StatusCode::CREATED).await;
    let budget = id_of(&budget);

    // Through Acme's path: Acme does not exist for Mallory.
    let acme_path = format!("/api/v1/orgs/{acme}/budgets/{budget}");
    assert_eq!(app.get(&acme_path, &mallory).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&acme_path, &mallory, json!({"amount_usd": "1"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&acme_path, &mallory).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/orgs/{acme}/budgets"), &mallory).await.status(), StatusCode::NOT_FOUND);
    // Through her own org's path with Acme's budget id: no such budget in Globex.
    let globex_path = format!("/api/v1/orgs/{globex}/budgets/{budget}");
    assert_eq!(app.get(&globex_path, &mallory).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&globex_path, &mallory, json!({"amount_usd": "1"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&globex_path, &mallory).await.status(), StatusCode::NOT_FOUND);
    assert!(ids(&app.get_ok(&format!("/api/v1/orgs/{globex}/budgets"), &mallory).await).is_empty());

    assert_eq!(app.get_ok(&acme_path, &root).await["amount_usd"], "10.00");
}

#[tokio::test]
async fn viewers_read_budgets_but_cannot_change_them() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let viewer = app.org_member(&root, org, "vera@acme.test", "viewer").await;
    let path = format!("/api/v1/orgs/{org}/budgets");
    let budget = app.post_ok(&path, &root, json!({"amount_usd": "10", "period": "daily"}), StatusCode::CREATED).await;
    let one = format!("{path}/{}", id_of(&budget));

    assert_eq!(ids(&app.get_ok(&path, &viewer).await), vec![id_of(&budget)]);
    app.get_ok(&one, &viewer).await;
    let refused = app.post_ok(&path, &viewer, json!({"amount_usd": "10", "period": "weekly"}), StatusCode::FORBIDDEN).await;
    assert_eq!(refused["error"]["code"], "forbidden");
    assert_eq!(app.patch(&one, &viewer, json!({"amount_usd": "1"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&one, &viewer).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn team_members_see_only_their_teams_budgets() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let (research, sales) = (app.create_team(org, "research").await, app.create_team(org, "sales").await);
    let research_key = app.create_key(org, research, "notebook").await;
    let path = format!("/api/v1/orgs/{org}/budgets");
    let create = |body| app.post_ok(&path, &root, body, StatusCode::CREATED);
    let on_org = id_of(&create(json!({"amount_usd": "100", "period": "monthly"})).await);
    let on_research = id_of(&create(json!({"team_id": research, "amount_usd": "10", "period": "monthly"})).await);
    let on_sales = id_of(&create(json!({"team_id": sales, "amount_usd": "10", "period": "monthly"})).await);
    let on_key = id_of(&create(json!({"key_id": research_key, "amount_usd": "1", "period": "monthly"})).await);

    let member = app.team_member(research, "rita@acme.test", "member").await;
    assert_eq!(ids(&app.get_ok(&path, &member).await), vec![on_research, on_key]);
    assert!(ids(&app.get_ok(&format!("{path}?org_level=true"), &member).await).is_empty());
    app.get_ok(&format!("{path}/{on_key}"), &member).await;
    // Org-level budgets need an org role; other teams do not exist for her.
    assert_eq!(app.get(&format!("{path}/{on_org}"), &member).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}/{on_sales}"), &member).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&format!("{path}/{on_research}"), &member, json!({"hard": false})).await.status(), StatusCode::FORBIDDEN);

    let lead = app.team_member(research, "lena@acme.test", "admin").await;
    app.post_ok(&path, &lead, json!({"team_id": research, "amount_usd": "3", "period": "daily"}), StatusCode::CREATED).await;
    expect_status(app.patch(&format!("{path}/{on_key}"), &lead, json!({"amount_usd": "2"})).await, StatusCode::OK).await;
    app.post_ok(&path, &lead, json!({"team_id": sales, "amount_usd": "3", "period": "daily"}), StatusCode::NOT_FOUND).await;
    app.post_ok(&path, &lead, json!({"amount_usd": "3", "period": "daily"}), StatusCode::FORBIDDEN).await;
    assert_eq!(app.delete(&format!("{path}/{on_sales}"), &lead).await.status(), StatusCode::NOT_FOUND);
}
