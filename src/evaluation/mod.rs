//! Evaluation and classification (issue 10, item 2): a province's rubric scores each
//! village's model (Tốt / Khá / Trung bình / Yếu) and each Party member's 1+10 duty (the
//! four levels of QĐ 124-QĐ/TW) from the counters of the fieldwork and petition features.
//! `model.rs` says which inputs a score uses and why.

pub mod figures;
pub mod model;
pub mod rubric;
pub mod store;
