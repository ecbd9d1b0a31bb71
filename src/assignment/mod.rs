//! Who looks after whom: the 1+10 assignment.
//!
//! `solver` is pure (no I/O); `model` holds the plan types and rules; `store` reads the
//! registry and keeps versioned plans; `pages` serves the draft/review workflow;
//! `render_docx`, `render_xlsx` and `map_svg` draw the outputs; `cli` is `danvan assign`.
pub mod cli;
pub mod map_svg;
pub mod model;
pub mod pages;
pub mod render_docx;
pub mod render_xlsx;
pub mod solver;
pub mod store;
