//! `sluice admin create --email E --password-stdin`: creates a platform admin account.

use std::io::BufRead;

use serde_json::json;
use sluice_domain::names::{Email, check_password_strength, display_name};
use sluice_store::{audit, users};
use uuid::Uuid;

use crate::cli::AdminCreateArgs;
use crate::database;
use crate::settings::Settings;

pub async fn create(settings: Settings, args: AdminCreateArgs) -> anyhow::Result<()> {
    let email: Email = args.email.parse().map_err(|e| anyhow::anyhow!("--email {e}"))?;
    let name = match &args.display_name {
        Some(n) => display_name(n).map_err(|e| anyhow::anyhow!("--display-name {e}"))?,
        None => email.as_str().to_owned(),
    };
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    check_password_strength(&password).map_err(|e| anyhow::anyhow!("password (stdin) {e}"))?;
    let hash = sluice_admin::auth::password::hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    let database = database::open(&settings).await?;
    let result = async {
        let mut tx = database.db.begin().await?;
        let user = users::insert(
            &mut tx,
            &users::NewUser { id: Uuid::now_v7(), email: email.as_str(), display_name: &name, password_hash: Some(&hash), is_platform_admin: true },
        )
        .await
        .map_err(|e| match e.constraint() {
            Some("users_email_key") => anyhow::anyhow!("an account with e-mail {email} already exists"),
            _ => anyhow::anyhow!("{e}"),
        })?;
        let entry = audit::NewEntry {
            org_id: None,
            actor_user_id: None,
            action: "user.create",
            target_type: "user",
            target_id: Some(user.id),
            details: json!({"email": user.email, "is_platform_admin": true, "via": "cli"}),
        };
        audit::record(&mut tx, &entry).await?;
        tx.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("created platform admin {} ({})", user.email, user.id);
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
