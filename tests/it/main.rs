//! The one integration-test binary of the `phongtrao` crate.
mod backup;
mod cert;
mod cli;
mod crash;
mod demo;
mod dossier;
mod forms;
mod print;
mod print_save;
mod province;
mod security;
mod store;
mod sync;
mod sync_attacks;
mod tidy;
mod units;
mod upgrade;
