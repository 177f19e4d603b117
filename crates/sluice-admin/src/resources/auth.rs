//! Login, token refresh, logout and `me`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sluice_domain::virtual_key::sha256;
use sluice_store::{memberships, sessions, users};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Principal, password};
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::ValidJson;
use crate::resources::users::User;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque, single-use token for `/auth/refresh`; each refresh returns a new one.
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Log in with e-mail and password.
///
/// Failed attempts are throttled per account and per client address before any password is
/// checked. Every failure answers the same 401.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: ValidJson<LoginRequest>) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.0;
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    state.throttle.check(&email, &address).map_err(|secs| ApiError::TooManyAttempts { retry_after_secs: secs })?;
    if password.len() > 1024 || email.len() > 254 {
        state.throttle.record_failure(&email, &address);
        return Err(ApiError::Unauthorized);
    }
    let mut conn = state.db.acquire().await?;
    let account = users::credentials_by_email(&mut conn, &email).await?;
    let (user_id, hash, disabled) = match account {
        Some(a) => (Some(a.id), a.password_hash, a.disabled),
        None => (None, None, false),
    };
    let verified = password::verify(password, hash).await?;
    let user_id = match (verified, disabled, user_id) {
        (true, false, Some(id)) => id,
        _ => {
            state.throttle.record_failure(&email, &address);
            tracing::info!(outcome = "failed", "console login");
            return Err(ApiError::Unauthorized);
        }
    };
    state.throttle.record_success(&email);
    let pair = start_session(&state, &mut conn, user_id).await?;
    tracing::info!(outcome = "ok", user.id = %user_id, "console login");
    Ok(HttpResponse::Ok().json(pair))
}

async fn start_session(state: &AppState, conn: &mut sluice_store::Conn, user_id: Uuid) -> Result<TokenPair, ApiError> {
    let session_id = Uuid::now_v7();
    let refresh_token = new_refresh_token()?;
    let ttl = chrono::Duration::from_std(state.config.refresh_token_ttl).map_err(ApiError::internal)?;
    sessions::insert(conn, session_id, user_id, &sha256(refresh_token.as_bytes()), Utc::now() + ttl).await?;
    token_pair(state, user_id, session_id, refresh_token)
}

fn token_pair(state: &AppState, user_id: Uuid, session_id: Uuid, refresh_token: String) -> Result<TokenPair, ApiError> {
    Ok(TokenPair {
        access_token: state.jwt.issue(user_id, session_id)?,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs(),
        refresh_token,
    })
}

fn new_refresh_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(format!("slr_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Refresh tokens are single-use: presenting one that was already exchanged revokes the session
/// (it has been copied), and the caller must log in again.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: ValidJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let presented = sha256(body.0.refresh_token.as_bytes());
    let next = new_refresh_token()?;
    let mut conn = state.db.acquire().await?;
    match sessions::rotate(&mut conn, &presented, &sha256(next.as_bytes())).await? {
        sessions::Refresh::Rotated { session_id, user_id } => Ok(HttpResponse::Ok().json(token_pair(&state, user_id, session_id, next)?)),
        sessions::Refresh::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(ApiError::Unauthorized)
        }
        sessions::Refresh::Invalid => Err(ApiError::Unauthorized),
    }
}

/// End the current session: its access and refresh tokens stop working at once.
#[utoipa::path(tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    sessions::revoke(&mut conn, principal.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub memberships: Vec<MembershipSummary>,
}

/// One org (with the org role, if any) or one team (with the team role) the user belongs to.
#[derive(Serialize, ToSchema)]
pub struct MembershipSummary {
    pub org_id: Uuid,
    pub org_name: String,
    pub org_role: Option<sluice_domain::roles::OrgRole>,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub team_role: Option<sluice_domain::roles::TeamRole>,
}

/// The logged-in user and where they belong.
#[utoipa::path(tag = "auth", responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let user = users::get(&mut conn, principal.user_id).await?.ok_or(ApiError::Unauthorized)?;
    let rows = memberships::of_user(&mut conn, principal.user_id).await?;
    let memberships = rows
        .into_iter()
        .map(|m| {
            Ok(MembershipSummary {
                org_id: m.org_id,
                org_name: m.org_name,
                org_role: m.org_role.as_deref().map(stored).transpose()?,
                team_id: m.team_id,
                team_name: m.team_name,
                team_role: m.team_role.as_deref().map(stored).transpose()?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(HttpResponse::Ok().json(Me { user: user.into(), memberships }))
}
