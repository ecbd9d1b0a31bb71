//! The audit log: who did what, when — never the values.
//!
//! Store functions note what a unit of work showed ([`shown`]) and did ([`did`]); the
//! database layer turns the notes into one event per user action when the unit of work
//! ends ([`model::Notes::into_events`]) and [`chain::seal`] appends it to the commune's
//! hash chain in the same transaction (on PostgreSQL a write's events wait in the
//! [`queue`], committed with the write, for the batcher to seal them). `danvan audit verify` recomputes every chain, and
//! against a [`checkpoint`] kept outside the database it also catches a rewritten chain.

pub mod archive;
pub mod chain;
pub mod checkpoint;
pub mod model;
pub mod pages;
pub mod query;
pub mod queue;
pub mod segments;

pub use chain::{verify, verify_against, Problem, VerifyReport};
pub use model::{Action, Actor, Entity, GLOBAL_CHAIN};

use crate::auth::Scope;
use crate::db::Tx;

/// Notes that the unit of work showed these records to the scope's user.
pub fn shown<'a>(
    tx: &mut Tx,
    scope: &Scope,
    entity: Entity,
    commune: Option<&str>,
    ids: impl IntoIterator<Item = &'a str>,
) {
    tx.notes().shown(&scope.actor(), entity, commune, ids);
}

/// Notes that the unit of work changed a record. `detail`: field names, counts, ids.
pub fn did(
    tx: &mut Tx,
    scope: &Scope,
    action: Action,
    entity: Entity,
    id: &str,
    commune: Option<&str>,
    detail: serde_json::Value,
) {
    tx.notes()
        .did(&scope.actor(), action, entity, id, commune, detail);
}

/// Like [`did`], for an actor that is not a signed-in scope (login, CLI, demo).
#[allow(clippy::too_many_arguments)]
pub fn did_as(
    tx: &mut Tx,
    actor: &Actor,
    action: Action,
    entity: Entity,
    id: &str,
    commune: Option<&str>,
    detail: serde_json::Value,
) {
    tx.notes().did(actor, action, entity, id, commune, detail);
}
