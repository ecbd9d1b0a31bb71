//! Petition dashboards (issue 9, item 7): per unit and period, petitions received,
//! forwarded, answered, resolved by the household's confirmation, reopened and overdue,
//! the median working days of each stage and the share on time, by category and by the
//! units below — read from the counters only, with aggregates for the commune committee,
//! the boards above it, the Front and the administrator, never a name or a text; and each
//! commune's public page of the same figures with the small counts hidden.

pub mod model;
pub mod pages;
pub mod sheet;
pub mod store;
