//! Keyset pagination on the wire: `?limit=50&cursor=...` in, `{items, next_cursor}` out.

use serde::{Deserialize, Serialize};
use sluice_store::Page;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1-200 (default 50).
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        page_of(self.limit, self.cursor.as_deref())
    }
}

/// Validates the two paging parameters that every list query carries.
pub fn page_of(limit: Option<u32>, cursor: Option<&str>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let after = match cursor {
        None => None,
        Some(c) => Some(Uuid::parse_str(c).map_err(|_| ApiError::field("cursor", "is not a cursor returned by this API"))?),
    };
    Ok(Page { after, limit })
}

/// One page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paginated<T> {
    /// Builds a page from rows fetched with `page.fetch_limit()`, converting each row.
    pub fn from_rows<R>(page: Page, rows: Vec<R>, id_of: impl Fn(&R) -> Uuid, convert: impl Fn(R) -> Result<T, ApiError>) -> Result<Self, ApiError> {
        let (rows, next) = page.finish(rows, id_of);
        let items = rows.into_iter().map(convert).collect::<Result<Vec<_>, _>>()?;
        Ok(Self { items, next_cursor: next.map(|id| id.to_string()) })
    }
}
