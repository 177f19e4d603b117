//! Console user accounts. Platform admins manage every account; users may read themselves and
//! change their own display name and password.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::names::{Email, check_password_strength, display_name};
use sluice_store::users::{self, UserPatch, UserRow};
use sluice_store::sessions;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit;
use crate::auth::{Principal, password};
use crate::error::{ApiError, ErrorBody};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_platform_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            is_platform_admin: r.is_platform_admin,
            disabled: r.disabled_at.is_some(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub display_name: Option<String>,
    /// At least 12 characters.
    pub password: String,
    #[serde(default)]
    pub is_platform_admin: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub display_name: Patch<String>,
    /// Platform admins only.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub is_platform_admin: Patch<bool>,
    /// Platform admins only. Disabling ends all of the user's sessions.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub disabled: Patch<bool>,
    /// A new password; ends all of the user's sessions.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Patch<String>,
    /// Required when users change their own password.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub current_password: Patch<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Substring of the e-mail or display name.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub fn parse_email(raw: &str) -> Result<Email, ApiError> {
    raw.parse::<Email>().map_err(|e| ApiError::field("email", e.0))
}

pub fn check_password(field: &str, raw: &str) -> Result<(), ApiError> {
    check_password_strength(raw).map_err(|e| ApiError::field(field, e.0))
}

/// Create a console account (platform admins).
#[utoipa::path(tag = "users", request_body = CreateUser, security(("bearer" = [])), responses(
    (status = 201, body = User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/users")]
pub async fn create_user(state: web::Data<AppState>, principal: Principal, body: ValidJson<CreateUser>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let input = body.0;
    let email = parse_email(&input.email)?;
    let name = match &input.display_name {
        Some(n) => display_name(n).map_err(|e| ApiError::field("display_name", e.0))?,
        None => email.as_str().to_owned(),
    };
    check_password("password", &input.password)?;
    let hash = password::hash(input.password).await?;
    let mut tx = state.db.begin().await?;
    let new = users::NewUser { id: Uuid::now_v7(), email: email.as_str(), display_name: &name, password_hash: Some(&hash), is_platform_admin: input.is_platform_admin };
    let user = users::insert(&mut tx, &new).await?;
    audit::record(&mut tx, &principal, None, "user.create", ("user", user.id), json!({"email": user.email, "is_platform_admin": user.is_platform_admin})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(User::from(user)))
}

/// Every console account (platform admins).
#[utoipa::path(tag = "users", params(UserListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<User>), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(state: web::Data<AppState>, principal: Principal, query: web::Query<UserListQuery>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let rows = users::list(&mut conn, query.q.as_deref(), page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(User::from(r)))?))
}

/// One account (platform admins, or the user themself).
#[utoipa::path(tag = "users", security(("bearer" = [])), responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
#[get("/users/{user_id}")]
pub async fn get_user(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if !principal.platform_admin && principal.user_id != user_id {
        return Err(ApiError::NotFound);
    }
    let mut conn = state.db.acquire().await?;
    let user = users::get(&mut conn, user_id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// Change an account. Users may change their own display name and password (giving the
/// current one); platform admins may change anything, including disabling accounts.
#[utoipa::path(tag = "users", request_body = UpdateUser, security(("bearer" = [])), responses(
    (status = 200, body = User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[patch("/users/{user_id}")]
pub async fn update_user(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<UpdateUser>) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    let is_self = principal.user_id == user_id;
    if !principal.platform_admin && !is_self {
        return Err(ApiError::NotFound);
    }
    let input = body.0;
    let name = input.display_name.required("display_name")?.map(|n| display_name(&n).map_err(|e| ApiError::field("display_name", e.0))).transpose()?;
    let make_admin = input.is_platform_admin.required("is_platform_admin")?;
    let disable = input.disabled.required("disabled")?;
    let new_password = input.password.required("password")?;
    let current_password = input.current_password.required("current_password")?;
    if (make_admin.is_some() || disable.is_some()) && !principal.platform_admin {
        return Err(ApiError::Forbidden("only platform admins may change roles or disable accounts"));
    }
    let hash = match new_password {
        Some(pw) => {
            check_password("password", &pw)?;
            if is_self && !principal.platform_admin {
                verify_current_password(&state, user_id, current_password).await?;
            }
            Some(password::hash(pw).await?)
        }
        None => None,
    };
    let mut tx = state.db.begin().await?;
    let losing_admin = make_admin == Some(false) || disable == Some(true);
    if losing_admin {
        let target = users::get(&mut tx, user_id).await?.ok_or(ApiError::NotFound)?;
        if target.is_platform_admin && target.disabled_at.is_none() && users::count_active_platform_admins(&mut tx).await? <= 1 {
            return Err(ApiError::Conflict("this is the last active platform admin; promote another account first".into()));
        }
    }
    let patch = UserPatch { display_name: name.as_deref(), is_platform_admin: make_admin, disabled: disable, password_hash: hash.as_deref() };
    let user = users::update(&mut tx, user_id, &patch).await?.ok_or(ApiError::NotFound)?;
    if hash.is_some() || disable == Some(true) {
        sessions::revoke_all_of_user(&mut tx, user_id).await?;
    }
    let details = json!({"display_name": name, "is_platform_admin": make_admin, "disabled": disable, "password_changed": hash.is_some()});
    audit::record(&mut tx, &principal, None, "user.update", ("user", user_id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

async fn verify_current_password(state: &AppState, user_id: Uuid, current: Option<String>) -> Result<(), ApiError> {
    let current = current.ok_or_else(|| ApiError::field("current_password", "is required to change your own password"))?;
    let mut conn = state.db.acquire().await?;
    let user = users::get(&mut conn, user_id).await?.ok_or(ApiError::NotFound)?;
    let creds = users::credentials_by_email(&mut conn, &user.email).await?.ok_or(ApiError::NotFound)?;
    if password::verify(current, creds.password_hash).await? {
        Ok(())
    } else {
        Err(ApiError::field("current_password", "is not correct"))
    }
}
