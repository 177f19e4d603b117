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
}

