//! The authenticated console user of a request.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// A user with a valid access token whose session is still live. Extracting it is the
/// authentication step of every protected handler; a handler without it is public.
#[derive(Debug, Clone, Copy)]
pub struct Principal {
    pub user_id: Uuid,
    pub session_id: Uuid,
    /// Read from the database on each request, so a demotion applies at once.
    pub platform_admin: bool,
}

impl Principal {
    pub fn require_platform_admin(&self) -> Result<(), ApiError> {
        if self.platform_admin { Ok(()) } else { Err(ApiError::Forbidden("only platform admins may do this")) }
    }
}

pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token.trim())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let claims = match (&state, bearer_token(req)) {
            (Some(state), Some(token)) => state.jwt.verify(token),
            _ => Err(ApiError::Unauthorized),
        };
        Box::pin(async move {
            let (state, claims) = (state.ok_or(ApiError::Unauthorized)?, claims?);
            let mut conn = state.db.acquire().await?;
            let platform_admin = sluice_store::sessions::active_user(&mut conn, claims.sid, claims.sub)
                .await?
                .ok_or(ApiError::Unauthorized)?;
            Ok(Principal { user_id: claims.sub, session_id: claims.sid, platform_admin })
        })
    }
}
