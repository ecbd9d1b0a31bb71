//! Integration tests: one binary, one module per feature, every test on both engines.

mod common;

mod access_matrix;
mod accounts;
mod assignment;
mod audit;
mod audit_archive;
mod auth;
mod backup;
mod campaigns;
mod commitments;
mod contacts;
mod coverage;
mod demo;
mod evaluation;
mod events;
mod funding;
mod generate_contacts;
mod generate_petitions;
mod health;
mod imports;
mod layout;
mod migrations;
mod petition_dashboard;
mod petitions;
mod registry;
mod reports;
mod resilience;
mod units;
mod validation;
