//! Store errors. Constraint violations keep the constraint's name (every constraint in the
//! migrations is named) so the API can answer "slug already taken" instead of "database error".

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint (named) was violated.
    #[error("unique constraint {0} violated")]
    Unique(String),
    /// A foreign key (named) was violated: the referenced row does not exist or is still used.
    #[error("foreign key {0} violated")]
    ForeignKey(String),
    /// A check constraint (named) was violated.
    #[error("check constraint {0} violated")]
    Check(String),
    /// A stored value could not be read back into its type (a bug or manual tampering).
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let name = db.constraint().unwrap_or_default().to_owned();
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => return Self::Unique(name),
                sqlx::error::ErrorKind::ForeignKeyViolation => return Self::ForeignKey(name),
                sqlx::error::ErrorKind::CheckViolation => return Self::Check(name),
                _ => {}
            }
        }
        Self::Database(err)
    }
}

impl StoreError {
    /// The violated constraint's name, if this is a constraint violation.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Self::Unique(c) | Self::ForeignKey(c) | Self::Check(c) => Some(c),
            _ => None,
        }
    }

    /// Whether the database could not be reached or did not answer in time (no connection
    /// within the pool's acquire timeout, a broken connection, a statement cancelled by
    /// `statement_timeout`, a server shutting down or starting up): the request may succeed
    /// later, and nothing was committed.
    pub fn is_unavailable(&self) -> bool {
        let Self::Database(err) = self else { return false };
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
            // 57014 query_canceled (statement_timeout), 57P01-57P03 admin/crash shutdown and
            // cannot_connect_now, 08xxx connection exceptions.
            sqlx::Error::Database(db) => db.code().is_some_and(|code| code == "57014" || code.starts_with("57P") || code.starts_with("08")),
            _ => false,
        }
    }
}

