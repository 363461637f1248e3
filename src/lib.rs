//! phongtrao: the core of the commune police's movement registers.
//!
//! Everything the desktop window and the command line do goes through this crate: the domain rules
//! ([`domain`]), the SQLite store ([`store`], the only module with SQL), Vietnamese text ([`text`]),
//! dates ([`date`]), the hybrid logical clock ([`hlc`]), printing ([`print`]) and the demo commune
//! ([`demo`]). See ARCHITECTURE.md for the codemap and the invariants.

pub mod backup;
pub mod dashboard;
pub mod date;
pub mod demo;
pub mod domain;
mod error;
pub mod fsutil;
pub mod hlc;
pub mod keyring;
pub mod print;
pub mod store;
pub mod sync;
pub mod text;
pub mod units;

pub use domain::account::{Account, NewAccount, Role};
pub use domain::{Doc, Kind, Record, Saved};
pub use error::{Error, FieldError, Invalid, Result};
pub use store::{Commune, ListQuery, Setup, Store};
