//! Settle and release over Redis: one call of `scripts/close.lua`, which finds everything the
//! reservation holds in its record. Release is a settle of zero cost and zero tokens, so it gives
//! the whole reservation back and refunds the tpm charge.

use super::{QuotaConnection, RedisQuota, keys};
use crate::{QuotaError, Reservation, SettleOutcome, Usage};

impl<C: QuotaConnection> RedisQuota<C> {
    pub(super) async fn close(&self, reservation: &Reservation, usage: Usage) -> Result<SettleOutcome, QuotaError> {
        let org = reservation.tenant.org;
        let mut invocation = self.close_script.prepare_invoke();
        invocation
            .key(keys::record(org, reservation.request_id))
            .key(keys::leases(org))
            .arg(reservation.request_id.to_string())
            // A cost below zero would be a refund the ledger never asked for; counters only grow.
            .arg(usage.cost.nanos().max(0))
            .arg(usage.tokens);
        let mut conn = self.conn.clone();
        let closed: i64 = self.within(invocation.invoke_async(&mut conn)).await?;
        Ok(if closed == 1 { SettleOutcome::Settled } else { SettleOutcome::AlreadyClosed })
    }
}
