//! Who looks after whom: the 1+10 assignment.
pub mod solver;
