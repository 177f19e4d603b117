//! Shared state handed to every handler.

use std::sync::Arc;

use sluice_store::Db;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use crate::config::AdminConfig;
use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub jwt: JwtKeys,
    pub throttle: Arc<LoginThrottle>,
    pub config: Arc<AdminConfig>,
}

impl AppState {
    pub fn new(db: Db, config: AdminConfig) -> Result<Self, ApiError> {
        let ttl = i64::try_from(config.access_token_ttl.as_secs()).map_err(ApiError::internal)?;
        Ok(Self {
            db,
            jwt: JwtKeys::new(&config.jwt_secret, ttl)?,
            throttle: Arc::new(LoginThrottle::new(config.login_throttle)),
            config: Arc::new(config),
        })
    }
}
