//! The one integration-test binary of the `phongtrao` crate.
mod cli;
mod demo;
mod forms;
mod print;
mod security;
mod store;
