//! Keyset pagination. Ids are UUIDv7, so "after this id, in id order" is "after this row, in
//! creation order": stable under concurrent inserts, and an index seek rather than an OFFSET scan.

use uuid::Uuid;

/// A page request: at most `limit` rows with id greater than `after`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<Uuid>,
    pub limit: u32,
}

impl Page {
    /// The SQL LIMIT: one more than asked, to learn whether another page exists.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Trims the extra row and returns the cursor for the next page, if any.
    pub fn finish<T>(&self, mut rows: Vec<T>, id_of: impl Fn(&T) -> Uuid) -> (Vec<T>, Option<Uuid>) {
        let limit = self.limit as usize;
        if rows.len() > limit {
            rows.truncate(limit);
            let next = rows.last().map(id_of);
            (rows, next)
        } else {
            (rows, None)
        }
    }
}
