//! Command-line interface. Flags override the configuration file and `SLUICE_…` environment
//! variables (see `settings`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "sluice", version, about = "Sluice: self-hosted LLM gateway with budgets, routing and a multi-tenant control plane")]
pub struct Cli {
    /// Configuration file (TOML). Also `SLUICE_CONFIG`.
    #[arg(long, global = true, env = "SLUICE_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run everything in one process: admin API, gateway and workers. Without DATABASE_URL it
    /// starts a private PostgreSQL in the data directory.
    Up(UpArgs),
    /// Run only the gateway (data plane), for scaling it separately from the admin API.
    Gateway(GatewayArgs),
    /// Run only the background worker (ledger partitions, purges) with its probe listener.
    /// Any number may run at once: each job runs once per interval across all of them.
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate(CommonArgs),
    /// Run only the admin API and web console (`sluice admin`), or manage console accounts
    /// (`sluice admin create`).
    #[command(args_conflicts_with_subcommands = true)]
    Admin {
        #[command(subcommand)]
        command: Option<AdminCommand>,
        #[command(flatten)]
        serve: AdminArgs,
    },
    /// Print the admin API's OpenAPI document (JSON) to stdout.
    Openapi,
    /// Billing: import provider exports, reconcile them with the ledger, refresh prices, and
    /// usage, savings and egress reports.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// The router offline: classify requests or score it on labelled data. No server, database
    /// or network needed.
    Route {
        #[command(subcommand)]
        command: RouteCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RouteCommand {
    /// Read JSON Lines on stdin (`{"id", "prompt"}` or `{"id", "request": {OpenAI chat
    /// request}}`) and write one decision per line to stdout.
    Classify {
        /// Routing policy and model catalogue (JSON; see docs/routing.md). Default: a built-in
        /// example (public → gpt-4o-mini / gpt-4o, sensitive → a local model).
        #[arg(long)]
        policy: Option<PathBuf>,
    },
    /// Score the router on labelled JSONL files (fields prompt, complexity, sensitivity, label,
    /// meta) and print recall, false positives, APGR, cost and latency per file.
    Eval {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        policy: Option<PathBuf>,
        /// One JSON object per file instead of text.
        #[arg(long)]
        json: bool,
        /// Output tokens assumed per request when estimating cost.
        #[arg(long, default_value_t = 256)]
        output_tokens: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// Import one provider export (a usage or cost API page, or a CSV) for an org. Importing
    /// the same document again adds nothing.
    Import(BillingImportArgs),
    /// Compare the org's ledger with its imported invoices per provider × model × day.
    Reconcile(BillingReconcileArgs),
    /// Burn-rate forecast of every budget of an org: velocity over the trailing 24 hours,
    /// projected spend at the period's end and when the budget would run out.
    Forecast(BillingOrgReportArgs),
    /// Budget counters in Redis (`redis_url`) compared with the ledger, per budget and period.
    Drift(BillingOrgReportArgs),
    /// The price book.
    Prices {
        #[command(subcommand)]
        command: BillingPricesCommand,
    },
    /// Usage, savings and egress reports from the daily roll-ups.
    Report {
        #[command(subcommand)]
        command: BillingReportCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BillingReportCommand {
    /// Requests, tokens, cost and savings against the org's default model, per day, team, key,
    /// model, provider, data class or route reason.
    Usage(BillingUsageArgs),
    /// Which requests left the environment, through which provider, region and data terms,
    /// per data class.
    Egress(BillingEgressArgs),
}

#[derive(Debug, Args)]
pub struct BillingUsageArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// day, team, key, model, provider, data_class or route_reason.
    #[arg(long)]
    pub group_by: String,
    /// Only this team's requests (id).
    #[arg(long)]
    pub team_id: Option<String>,
    /// Only this virtual key's requests (id).
    #[arg(long)]
    pub key_id: Option<String>,
    /// Only requests routed to this model.
    #[arg(long)]
    pub model: Option<String>,
    /// Only requests sent to this provider (id).
    #[arg(long)]
    pub provider_id: Option<String>,
    /// Only requests of this data class.
    #[arg(long)]
    pub data_class: Option<String>,
}

#[derive(Debug, Args)]
pub struct BillingEgressArgs {
    #[command(flatten)]
    pub report: ReportArgs,
}

/// What every report takes: whose, which days, which format.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Organization id or slug.
    #[arg(long)]
    pub org: String,
    /// First day (UTC, YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: String,
    /// Last day (UTC, YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: String,
    /// table, json or csv.
    #[arg(long, default_value = "table")]
    pub format: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BillingImportArgs {
    /// Organization id or slug.
    #[arg(long)]
    pub org: String,
    /// The Sluice provider (by name) the export comes from, e.g. `openai`.
    #[arg(long)]
    pub provider: String,
    /// openai-costs, openai-usage, anthropic-cost, anthropic-usage or csv.
    #[arg(long)]
    pub format: String,
    pub file: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BillingReconcileArgs {
    /// Organization id or slug.
    #[arg(long)]
    pub org: String,
    /// First day (UTC, YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: String,
    /// Last day (UTC, YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub provider: Option<String>,
    /// json or table.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Relative tolerance as a fraction (default 0.005).
    #[arg(long, default_value = "0.005")]
    pub tolerance_relative: String,
    /// Absolute tolerance on amounts in USD (default 0.01).
    #[arg(long, default_value = "0.01")]
    pub tolerance_usd: String,
    /// Absolute tolerance on token counts.
    #[arg(long, default_value_t = 0)]
    pub tolerance_tokens: i64,
    /// Comma-separated provider project/workspace/key ids Sluice's credentials use.
    #[arg(long)]
    pub sluice_scopes: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BillingOrgReportArgs {
    /// Organization id or slug.
    #[arg(long)]
    pub org: String,
    /// json or table.
    #[arg(long, default_value = "table")]
    pub format: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub enum BillingPricesCommand {
    /// Add a price version for every model whose price in a LiteLLM price file differs from
    /// its current one.
    Refresh {
        file: PathBuf,
        /// Print what would change without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
}

#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// Where Sluice keeps its embedded database and generated secrets (default ./.sluice).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Admin API listen address (default 127.0.0.1:8081). Also `SLUICE_ADMIN_ADDR`.
    #[arg(long)]
    pub admin_addr: Option<SocketAddr>,
    /// Gateway listen address (default 127.0.0.1:8080). Also `SLUICE_GATEWAY_ADDR`.
    #[arg(long)]
    pub gateway_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    /// Admin API listen address (default 127.0.0.1:8081). Also `SLUICE_ADMIN_ADDR`.
    #[arg(long)]
    pub admin_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Probe listener (`/healthz`, `/readyz`, `/metrics`; default 127.0.0.1:8082). Also
    /// `SLUICE_WORKER_ADDR`.
    #[arg(long)]
    pub worker_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// Gateway listen address (default 127.0.0.1:8080). Also `SLUICE_GATEWAY_ADDR`.
    #[arg(long)]
    pub gateway_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a platform admin account. The password is read from stdin (one line).
    Create(AdminCreateArgs),
}

#[derive(Debug, Args)]
pub struct AdminCreateArgs {
    #[arg(long)]
    pub email: String,
    /// Read the password from standard input (required: passwords never go on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    #[arg(long)]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}
