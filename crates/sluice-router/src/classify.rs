//! Classification: what the router knows about a request before any policy is applied.

use sluice_domain::policy::DataClass;

use crate::complexity::{self, Assessment};
use crate::entity::{Finding, class_of};
use crate::request::RequestView;
use crate::sensitivity::{self, OrgTerms};

#[derive(Debug, Clone)]
pub struct Classification {
    pub findings: Vec<Finding>,
    pub data_class: DataClass,
    pub complexity: Assessment,
}

/// Sensitivity over every segment (with the org's own terms when given) and complexity.
pub fn classify(view: &RequestView, org_terms: Option<&OrgTerms>) -> Classification {
    let findings = sensitivity::scan(view, org_terms);
    let data_class = class_of(&findings);
    Classification { findings, data_class, complexity: complexity::assess(view) }
}
