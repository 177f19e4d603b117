//! Budgets on an org, a team or a key.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct BudgetRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub amount_nano: i64,
    pub period: String,
    pub hard: bool,
    pub alert_thresholds: Vec<i16>,
    pub on_exhaustion: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewBudget<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub amount_nano: i64,
    pub period: &'a str,
    pub hard: bool,
    pub alert_thresholds: &'a [i16],
    pub on_exhaustion: &'a str,
}

pub async fn insert(conn: &mut Conn, b: &NewBudget<'_>) -> Result<BudgetRow, StoreError> {
    let row = sqlx::query_as!(
        BudgetRow,
        r#"insert into budgets (id, org_id, team_id, key_id, amount_nano, period, hard, alert_thresholds, on_exhaustion)
           values ($1, $2, $3, $4, $5, $6::text::budget_period, $7, $8, $9::text::budget_exhaustion)
           returning id, org_id, team_id, key_id, amount_nano, period::text as "period!", hard, alert_thresholds,
                     on_exhaustion::text as "on_exhaustion!", created_at, updated_at"#,
        b.id,
        b.org_id,
        b.team_id,
        b.key_id,
        b.amount_nano,
        b.period,
        b.hard,
        b.alert_thresholds,
        b.on_exhaustion
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<BudgetRow>, StoreError> {
    let row = sqlx::query_as!(
        BudgetRow,
        r#"select id, org_id, team_id, key_id, amount_nano, period::text as "period!", hard, alert_thresholds,
                  on_exhaustion::text as "on_exhaustion!", created_at, updated_at
           from budgets where org_id = $1 and id = $2"#,
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Filters shared by budgets, rate limits and policies: by exact target, or restricted to what
/// a team-level user may see (their teams and those teams' keys).
#[derive(Default)]
pub struct TargetFilter<'a> {
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    /// Only org-level rows (no team, no key).
    pub org_level_only: bool,
    /// Restricts to rows on these teams or on keys of these teams.
    pub only_teams: Option<&'a [Uuid]>,
}

pub async fn list(conn: &mut Conn, org_id: Uuid, f: &TargetFilter<'_>, period: Option<&str>, page: Page) -> Result<Vec<BudgetRow>, StoreError> {
    let rows = sqlx::query_as!(
        BudgetRow,
        r#"select b.id, b.org_id, b.team_id, b.key_id, b.amount_nano, b.period::text as "period!", b.hard, b.alert_thresholds,
                  b.on_exhaustion::text as "on_exhaustion!", b.created_at, b.updated_at
           from budgets b left join virtual_keys k on k.id = b.key_id
           where b.org_id = $1 and ($2::uuid is null or b.id > $2)
             and ($3::uuid is null or b.team_id = $3)
             and ($4::uuid is null or b.key_id = $4)
             and (not $5 or (b.team_id is null and b.key_id is null))
             and ($6::uuid[] is null or b.team_id = any($6) or k.team_id = any($6))
             and ($7::text is null or b.period::text = $7)
           order by b.id limit $8"#,
        org_id,
        page.after,
        f.team_id,
        f.key_id,
        f.org_level_only,
        f.only_teams as Option<&[Uuid]>,
        period,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

#[derive(Default)]
pub struct BudgetPatch<'a> {
    pub amount_nano: Option<i64>,
    pub hard: Option<bool>,
    pub alert_thresholds: Option<&'a [i16]>,
    pub on_exhaustion: Option<&'a str>,
}

pub async fn update(conn: &mut Conn, org_id: Uuid, id: Uuid, p: &BudgetPatch<'_>) -> Result<Option<BudgetRow>, StoreError> {
    let row = sqlx::query_as!(
        BudgetRow,
        r#"update budgets set
             amount_nano = coalesce($3, amount_nano),
             hard = coalesce($4, hard),
             alert_thresholds = coalesce($5, alert_thresholds),
             on_exhaustion = coalesce($6::text::budget_exhaustion, on_exhaustion),
             updated_at = now()
           where org_id = $1 and id = $2
           returning id, org_id, team_id, key_id, amount_nano, period::text as "period!", hard, alert_thresholds,
                     on_exhaustion::text as "on_exhaustion!", created_at, updated_at"#,
        org_id,
        id,
        p.amount_nano,
        p.hard,
        p.alert_thresholds as Option<&[i16]>,
        p.on_exhaustion
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn delete(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from budgets where org_id = $1 and id = $2", org_id, id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// A budget with its org's time zone (periods are aligned to it).
#[derive(Debug, Clone)]
pub struct ZonedBudget {
    pub budget: BudgetRow,
    pub time_zone: String,
}

/// Every budget of live (not archived) orgs — or of one org — for the alert jobs and the
/// burn-rate report, in id order.
pub async fn all_zoned(conn: &mut Conn, org_id: Option<Uuid>) -> Result<Vec<ZonedBudget>, StoreError> {
    let rows = sqlx::query!(
        r#"select b.id, b.org_id, b.team_id, b.key_id, b.amount_nano, b.period::text as "period!", b.hard, b.alert_thresholds,
                  b.on_exhaustion::text as "on_exhaustion!", b.created_at, b.updated_at, o.time_zone
           from budgets b join organizations o on o.id = b.org_id
           where o.archived_at is null and ($1::uuid is null or b.org_id = $1)
           order by b.id"#,
        org_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ZonedBudget {
            budget: BudgetRow {
                id: r.id,
                org_id: r.org_id,
                team_id: r.team_id,
                key_id: r.key_id,
                amount_nano: r.amount_nano,
                period: r.period,
                hard: r.hard,
                alert_thresholds: r.alert_thresholds,
                on_exhaustion: r.on_exhaustion,
                created_at: r.created_at,
                updated_at: r.updated_at,
            },
            time_zone: r.time_zone,
        })
        .collect())
}
