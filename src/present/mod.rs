//! The presentation layer: what the window and the command line show, decided once for both
//! (rust-analyzer's `ide` crate is the model: the shell only converts and the CLI only prints).
//! What each register is called and which columns its list shows, values as an officer reads them
//! (through the store's one resolver, [`crate::store::Names`]), whether a record may be edited,
//! the certification's steps and history as typed values, the first-run setup check, and the
//! formats of times and sizes. Every text here is Vietnamese; nothing here writes.
//!
//! The types derive `specta::Type` with the `specta` feature, so that the desktop shell generates
//! its TypeScript bindings from them without copying them.

pub mod admin;
pub mod cert;
pub mod dashboard;
pub mod inspection;
pub mod list;
pub mod peer;
pub mod province;
pub mod province_inspection;
pub mod record;
pub mod review;
pub mod session;
pub mod sheet;
pub mod sync;

pub use record::{RegisterInfo, register_info, register_title};
