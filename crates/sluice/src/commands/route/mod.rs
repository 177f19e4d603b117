//! `sluice route classify` and `sluice route eval`: the router offline — no server, database
//! or network. Both take an optional `--policy FILE` (see `policy_file`).

mod classify;
mod eval;
mod policy_file;

use sluice_router::classify::{Routed, route};
use sluice_router::request::RequestView;

pub use classify::run as classify;
pub use eval::{EvalArgs, run as eval};
use policy_file::LoadedPolicy;

/// The router as the gateway runs it for a request naming the `auto` model, with no budget
/// information.
fn route_auto(view: &RequestView, loaded: &LoadedPolicy) -> Routed {
    route(view, &loaded.policy, loaded, sluice_router::policy::AUTO, None)
}
