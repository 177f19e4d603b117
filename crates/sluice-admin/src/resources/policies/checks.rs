//! Checks a routing-policy document against the rest of the control plane before it is stored.
//!
//! `PolicyDocument::validate` guarantees the shape; this adds what needs the database: every
//! model the document names must exist, and no matrix cell may route a data class to a model
//! whose provider's trust tier may not receive that class. The second rule is what makes
//! routing fail closed: a policy that would send PII to an external provider is refused when it
//! is written, instead of being discovered when a request is routed.
//!
//! An override is checked as it will be applied: the org document overlaid with it
//! (`PolicyDocument::overlay`). A cell it inherits from the org can still be at fault (the
//! override may narrow the trust table); the message says so. When the org document changes,
//! every override is re-checked against the new one, so an org edit cannot break an override.

use std::collections::HashMap;

use serde_json::Value;
use sluice_domain::policy::{PolicyDocument, PolicyLevel};
use sluice_domain::provider::TrustTier;
use sluice_store::policies::PolicyRow;
use sluice_store::{Conn, models};

use crate::error::{ApiError, FieldError, stored};

/// The shape rules of `PolicyDocument::validate`, reported under `document.`, and the names of
/// redacted entity types (the router's vocabulary).
pub fn validate_shape(document: &PolicyDocument, level: PolicyLevel) -> Result<(), ApiError> {
    document.validate(level).map_err(|e| ApiError::field(format!("document.{}", e.path), e.reason.0))?;
    for (i, name) in document.redaction.iter().flat_map(|r| r.entities.iter()).enumerate() {
        if sluice_router::entity::EntityType::parse(name).is_none() {
            let known: Vec<&str> = sluice_router::entity::EntityType::ALL.iter().map(|e| e.as_str()).collect();
            return Err(ApiError::field(format!("document.redaction.entities[{i}]"), format!("unknown entity type; one of {}", known.join(", "))));
        }
    }
    Ok(())
}

/// Reads a stored document back. The API only ever stores validated documents, so a failure
/// here is corruption, not a client error.
pub fn stored_document(value: Value) -> Result<PolicyDocument, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::internal(format!("stored routing policy does not parse: {e}")))
}

/// Trust tiers of the providers serving every model the documents name; unknown names are absent.
pub async fn trust_tiers<'a>(conn: &mut Conn, documents: impl IntoIterator<Item = &'a PolicyDocument>) -> Result<HashMap<String, TrustTier>, ApiError> {
    let mut names: Vec<String> = documents.into_iter().flat_map(|d| d.referenced_models()).map(|(_, m)| m.to_owned()).collect();
    names.sort_unstable();
    names.dedup();
    models::trust_tiers_of(conn, &names).await?.into_iter().map(|(name, tier)| Ok((name, stored(&tier)?))).collect()
}

/// A matrix cell routing a data class to a model whose provider may not receive it.
struct Violation {
    /// JSON path inside the document, e.g. `matrix.pii.simple[0]`.
    path: String,
    message: String,
    /// The cell comes from the org document, not from the override being checked.
    inherited: bool,
}

/// Every trust violation in `effective`. `own` is the document being written (the override, or
/// the org document itself); cells it does not set are inherited. Unknown models are skipped
/// here: they are reported by `check_document` when the document being written names them, and
/// a model that does not exist cannot receive anything.
fn trust_violations(effective: &PolicyDocument, own: &PolicyDocument, tiers: &HashMap<String, TrustTier>) -> Vec<Violation> {
    // With redaction on, a provider that may receive public data may receive a masked request:
    // the gateway decides per request whether what is left after masking may go there.
    let redacting = effective.redaction.as_ref().is_some_and(|r| r.enabled);
    let mut out = Vec::new();
    for (class, cells) in effective.matrix.iter().flatten() {
        for (task, pool) in cells {
            let inherited = own.matrix.as_ref().and_then(|m| m.get(class)).and_then(|c| c.get(task)).is_none();
            for (i, model) in pool.iter().enumerate() {
                let Some(tier) = tiers.get(model) else { continue };
                let allowed = effective.allowed_classes(*tier);
                let masked_ok = redacting && allowed.contains(&sluice_domain::policy::DataClass::Public);
                if !allowed.contains(class) && !masked_ok {
                    out.push(Violation {
                        path: format!("matrix.{class}.{task}[{i}]"),
                        message: format!("model {model} is served by a provider of trust tier {tier}, which may not receive {class} data"),
                        inherited,
                    });
                }
            }
        }
    }
    out
}

/// Checks the document being written (`own`) as it will apply (`effective`: `own` itself for
/// the org document, the org document overlaid with it for an override). Reports every problem
/// at once, each under its `document.` path.
pub async fn check_document(conn: &mut Conn, own: &PolicyDocument, effective: &PolicyDocument) -> Result<(), ApiError> {
    let tiers = trust_tiers(conn, [own, effective]).await?;
    let mut problems: Vec<FieldError> = own
        .referenced_models()
        .into_iter()
        .filter(|(_, model)| !tiers.contains_key(*model))
        .map(|(path, model)| FieldError { field: format!("document.{path}"), message: format!("no model named {model}") })
        .collect();
    problems.extend(trust_violations(effective, own, &tiers).into_iter().map(|v| FieldError {
        field: format!("document.{}", v.path),
        message: if v.inherited { format!("{} (the cell is inherited from the org-level policy)", v.message) } else { v.message },
    }));
    if problems.is_empty() { Ok(()) } else { Err(ApiError::Validation(problems)) }
}

/// Re-checks every override against a new org document; the first one it would break is a 409
/// naming the override and the cell, so the admin knows what to change first.
pub async fn check_overrides(conn: &mut Conn, org: &PolicyDocument, overrides: Vec<PolicyRow>) -> Result<(), ApiError> {
    let documents = overrides.into_iter().map(|row| Ok((row.id, stored_document(row.document)?))).collect::<Result<Vec<_>, ApiError>>()?;
    let effective: Vec<_> = documents.iter().map(|(id, own)| (*id, own, org.overlay(own))).collect();
    let tiers = trust_tiers(conn, effective.iter().map(|(_, _, e)| e)).await?;
    for (id, own, merged) in &effective {
        if let Some(v) = trust_violations(merged, own, &tiers).into_iter().next() {
            return Err(ApiError::Conflict(format!(
                "with this change the override {id} would route data against the trust rules at {}: {}; change or delete that override first",
                v.path, v.message
            )));
        }
    }
    Ok(())
}
