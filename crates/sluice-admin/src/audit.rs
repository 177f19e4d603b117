//! Writing audit rows. One per mutation, in the mutation's transaction, naming only what the
//! handler lists — never a request body, so a secret cannot slip in.

use serde_json::Value;
use sluice_store::{Conn, audit};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::ApiError;

pub async fn record(
    conn: &mut Conn,
    actor: &Principal,
    org_id: Option<Uuid>,
    action: &str,
    target: (&str, Uuid),
    details: Value,
) -> Result<(), ApiError> {
    let entry = audit::NewEntry {
        org_id,
        actor_user_id: Some(actor.user_id),
        action,
        target_type: target.0,
        target_id: Some(target.1),
        details,
    };
    audit::record(conn, &entry).await?;
    Ok(())
}
