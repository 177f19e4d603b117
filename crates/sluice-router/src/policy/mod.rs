//! Policy evaluation: tenant matrix × trust tiers × overrides → the ordered pool of models a
//! request may go to. Fails closed.
