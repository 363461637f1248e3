//! The one integration-test binary of the `phongtrao` crate.
mod cli;
mod print;
mod store;
