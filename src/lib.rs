//! phongtrao: the core of the commune police's movement registers.
//!
//! Everything the desktop window and the command line do goes through this crate: the domain rules
//! ([`domain`]), the SQLite store ([`store`], the only module with SQL), Vietnamese text ([`text`]),
//! dates ([`date`]), the hybrid logical clock ([`hlc`]), hashes and keys ([`crypto`]), printing
//! ([`print`]), the demo commune ([`demo`]) and what the window and the CLI show ([`present`]). See
//! ARCHITECTURE.md for the codemap, the layers and the invariants.

pub mod ahead;
pub mod backup;
pub mod crypto;
pub mod dashboard;
pub mod date;
pub mod demo;
pub mod domain;
mod error;
pub mod figures;
pub mod fsutil;
pub mod hlc;
pub mod keyring;
pub mod period;
pub mod present;
pub mod print;
pub mod province;
pub mod sheet;
pub mod steer;
pub mod store;
pub mod sync;
pub mod text;
pub mod units;

pub use domain::account::{Account, NewAccount, Role};
pub use domain::{Doc, Kind, Record, Saved};
pub use error::{Error, FieldError, Invalid, Result};
pub use store::{Commune, ListQuery, Setup, Store};
