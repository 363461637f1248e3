//! The one integration-test binary of the `phongtrao` crate.
mod cert;
mod cli;
mod demo;
mod print;
mod security;
mod store;
