//! Privacy: consent decisions (TCF v2 / GPP), the sensitive-category guard,
//! and the durable ledger of forget and opt-out requests.

pub mod consent;
pub mod ledger;
pub mod sensitive;
pub mod tcf;
