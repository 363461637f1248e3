//! The one integration-test binary of the `phongtrao` crate.
mod backup;
mod cli;
mod crash;
mod demo;
mod print;
mod security;
mod store;
mod sync;
