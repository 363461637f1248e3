//! What crosses IPC besides errors, all of it decided by the core's presentation layer
//! (`phongtrao::present`), whose types derive `specta::Type`: register names, lists and their
//! arguments, records, forms, links, whether a record is read-only, the search's hits and the
//! dashboard. The shell only names them here.

pub use phongtrao::Kind;
pub use phongtrao::domain::inspection::TaskStatus;
pub use phongtrao::present::dashboard::{
    Alert, CategoryCount, Dashboard, KeyAreas, ModelKindRow, PlanProgress, StatusCount, TargetRow, TeamRow,
};
pub use phongtrao::present::inspection::{AnswerView, InspectionPage, RemedyList, RemedyView};
pub use phongtrao::present::list::{FilterArg, FilterOp, Hit, HitMatch, ListArgs, Saved};
pub use phongtrao::present::peer::{
    ConflictView, FieldDiff, InvitationView, LockedView, PeerLine, PeersView, TakeField, VersionHead,
};
pub use phongtrao::present::record::{
    Choice, Column, FieldSpec, Input, LinkRef, ListPage, ModelView, RecordView, RegisterInfo, Row, ValueView,
    field_spec, list_page, model_view, record_view, register_info,
};
