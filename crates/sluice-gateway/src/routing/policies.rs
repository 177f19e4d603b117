//! Routing policies in the snapshot: each org's document with its team and key overrides
//! applied, compiled (confidential-term matchers included) when the snapshot is built, so the
//! request path only looks one up.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use sluice_domain::ids::{KeyId, OrgId, TeamId};
use sluice_domain::policy::PolicyDocument;
use sluice_router::policy::RoutePolicy;

use crate::snapshot::KeyEntry;

#[derive(Debug, Default)]
pub struct RoutingPolicies {
    org: HashMap<OrgId, Arc<RoutePolicy>>,
    team: HashMap<TeamId, Arc<RoutePolicy>>,
    key: HashMap<KeyId, Arc<RoutePolicy>>,
}

static NO_POLICY: LazyLock<RoutePolicy> = LazyLock::new(RoutePolicy::empty);

/// A stored row: which org, and which team or key it overrides (neither = the org's own).
pub struct StoredPolicy {
    pub org: OrgId,
    pub team: Option<TeamId>,
    pub key: Option<KeyId>,
    pub document: serde_json::Value,
}

impl RoutingPolicies {
    /// `key_teams` maps every key with an override to its team (for the org ⊕ team ⊕ key chain).
    pub fn build(rows: Vec<StoredPolicy>, key_teams: &HashMap<KeyId, TeamId>) -> RoutingPolicies {
        let mut org_docs: HashMap<OrgId, PolicyDocument> = HashMap::new();
        let mut team_docs: HashMap<TeamId, (OrgId, PolicyDocument)> = HashMap::new();
        let mut key_docs: Vec<(OrgId, KeyId, PolicyDocument)> = Vec::new();
        let mut broken: Vec<OrgId> = Vec::new();
        for row in rows {
            let Ok(document) = serde_json::from_value::<PolicyDocument>(row.document) else {
                // Validated when saved; a document this gateway cannot read (e.g. written by a
                // newer version) must not silently loosen the org's rules.
                tracing::error!(org = %row.org, "a routing policy cannot be read; the org's requests are refused until it is fixed");
                broken.push(row.org);
                continue;
            };
            match (row.team, row.key) {
                (_, Some(key)) => key_docs.push((row.org, key, document)),
                (Some(team), None) => {
                    team_docs.insert(team, (row.org, document));
                }
                (None, None) => {
                    org_docs.insert(row.org, document);
                }
            }
        }
        let base = |org: &OrgId| org_docs.get(org).cloned().unwrap_or_default();
        let mut out = RoutingPolicies::default();
        for (org, doc) in &org_docs {
            out.org.insert(*org, compile(doc.clone()));
        }
        for (team, (org, over)) in &team_docs {
            out.team.insert(*team, compile(base(org).overlay(over)));
        }
        let key_orgs: Vec<(KeyId, OrgId)> = key_docs.iter().map(|(org, key, _)| (*key, *org)).collect();
        for (org, key, over) in key_docs {
            let team_doc = key_teams.get(&key).and_then(|t| team_docs.get(t)).map(|(_, d)| d);
            let merged = match team_doc {
                Some(team_over) => base(&org).overlay(team_over).overlay(&over),
                None => base(&org).overlay(&over),
            };
            out.key.insert(key, compile(merged));
        }
        if !broken.is_empty() {
            let deny = Arc::new(RoutePolicy::deny_all());
            for org in &broken {
                out.org.insert(*org, deny.clone());
            }
            for (team, (org, _)) in &team_docs {
                if broken.contains(org) {
                    out.team.insert(*team, deny.clone());
                }
            }
            for (key, org) in key_orgs {
                if broken.contains(&org) {
                    out.key.insert(key, deny.clone());
                }
            }
        }
        out
    }

    /// The effective policy of a key: its own override, else its team's, else its org's, else
    /// none (default trust rules, explicit models only).
    pub fn for_key(&self, key: &KeyEntry) -> &RoutePolicy {
        if let Some(p) = self.key.get(&key.key_id).or_else(|| self.team.get(&key.team_id)).or_else(|| self.org.get(&key.org_id)) {
            return p;
        }
        &NO_POLICY
    }
}

fn compile(document: PolicyDocument) -> Arc<RoutePolicy> {
    match RoutePolicy::compile(document) {
        Ok(policy) => Arc::new(policy),
        Err(err) => {
            tracing::error!(error = %err, "a routing policy's confidential patterns do not compile; its requests are refused");
            Arc::new(RoutePolicy::deny_all())
        }
    }
}
