//! Households: the "10" of 1+10. The model is pure; the store holds every read and write,
//! each taking the scope that bounds it.

mod model;
mod store;

pub use model::*;
pub use store::*;
