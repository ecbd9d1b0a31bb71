//! Reports (issue 10). So far the reporting periods that every figure is counted in, and
//! where a province's cut-off day is kept; the report itself reads the per-period
//! summaries of events (`events::store::summary`) and funding (`funding::store::summary`).

pub mod period;
pub mod store;
