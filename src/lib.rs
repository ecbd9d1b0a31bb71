//! danvan: the software of the "Dân vận khéo 1+10" model — each Party member looks after
//! about ten households of their village. See DESIGN.md for the domain and the rules.

pub mod accounts;
pub mod app;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod cli;
pub mod clock;
pub mod commitments;
pub mod config;
pub mod contacts;
pub mod coverage;
pub mod db;
pub mod demo;
pub mod error;
pub mod evaluation;
pub mod events;
pub mod funding;
pub mod imports;
pub mod openapi;
pub mod party_docx;
pub mod people;
pub mod petitions;
pub mod reports;
pub mod setup;
pub mod state;
pub mod text;
pub mod units;
pub mod web;
