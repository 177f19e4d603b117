//! First start: when the database has no account yet, create a platform admin with a random
//! password, a demo organization it owns with a default team and a routing policy over the
//! demo models (so `model: "auto"` works at once), and tell the operator how to log in. Runs
//! once; later starts find the account and do nothing.

use serde_json::json;
use sluice_store::{Db, audit, memberships, orgs, policies, teams, users};
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@sluice.local";

pub struct Bootstrapped {
    pub email: String,
    pub password: String,
    pub org_id: Uuid,
}

pub async fn first_start(db: &Db) -> anyhow::Result<Option<Bootstrapped>> {
    let mut tx = db.begin().await?;
    // Serialise concurrent first starts (two replicas booting together) on the users table.
    if users::count(&mut tx).await? > 0 {
        return Ok(None);
    }
    let password = random_password()?;
    let hash = sluice_admin::auth::password::hash(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin = users::insert(
        &mut tx,
        &users::NewUser { id: Uuid::now_v7(), email: ADMIN_EMAIL, display_name: "Sluice admin", password_hash: Some(&hash), is_platform_admin: true },
    )
    .await?;
    let org = orgs::insert(&mut tx, &orgs::NewOrg { id: Uuid::now_v7(), name: "Demo", slug: "demo", time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false }).await?;
    memberships::add_org_member(&mut tx, org.id, admin.id, "owner").await?;
    let team = teams::insert(&mut tx, Uuid::now_v7(), org.id, "Default", "default").await?;
    // Both demo models run inside Sluice (trust tier local), so every data class may use them;
    // with real providers, sensitive rows point at local models instead.
    let policy = json!({
        "default_model": "demo-frontier",
        "matrix": {
            "public": {"simple": ["demo-small"], "complex": ["demo-frontier"]},
            "confidential": {"simple": ["demo-small"], "complex": ["demo-frontier"]},
            "pii": {"simple": ["demo-small"], "complex": ["demo-frontier"]},
            "secret": {"simple": ["demo-small"], "complex": ["demo-frontier"]}
        }
    });
    policies::insert(&mut tx, Uuid::now_v7(), org.id, None, None, &policy).await?;
    let entry = audit::NewEntry {
        org_id: Some(org.id),
        actor_user_id: None,
        action: "system.bootstrap",
        target_type: "org",
        target_id: Some(org.id),
        details: json!({"admin_user_id": admin.id, "team_id": team.id}),
    };
    audit::record(&mut tx, &entry).await?;
    tx.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(Bootstrapped { email: ADMIN_EMAIL.to_owned(), password, org_id: org.id }))
}

/// 24 characters from an unambiguous alphabet (about 140 bits).
fn random_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("OS random generator failed: {e}"))?;
    Ok(bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
}
