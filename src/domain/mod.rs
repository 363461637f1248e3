//! The registers of the commune and their rules. No SQL and no I/O here: the store calls in with a
//! [`Lookup`] for what a rule needs to know about other records.

pub mod account;
pub mod cert;
mod field;
pub mod filter;
pub mod inspection;
pub mod model;
pub(crate) mod registers;
pub mod review;

pub use field::{Doc, DocExt, Field, FieldType, GRADES, Lookup, check, count, display_value, long_text, options, text};
pub use registers::{
    Checked, FieldCache, Outcome, SearchMatch, check_record, fields, fields_for, natural_key, natural_key_of,
    search_matches, search_text, title, validate,
};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::hlc::Hlc;

/// A register of the store. `Review` belongs to a `Model` (its life-cycle history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Area,
    Unit,
    Model,
    Review,
    Team,
    Member,
    Activity,
    Meeting,
    Commendation,
    /// A yearly "An toàn về ANTT" certification of an area, unit or the commune (see [`cert`]).
    Cert,
    /// An inspection of the commune (by the province) or of one of its units (see [`inspection`]).
    Inspection,
    /// A remediation task an inspection set.
    Remedy,
    /// An answer to a remediation task (what was done), and the reviewer's verdict on it.
    RemedyReport,
    /// The commune's plan for a year: goals and targets on the report's indicators (Kế hoạch, chỉ tiêu).
    Plan,
    /// A key, complex area for security and order, listed by decision and transformed by a plan.
    KeyArea,
    /// A periodic assessment of a key area (its history).
    KeyAreaReview,
}

impl Kind {
    pub const ALL: [Kind; 16] = [
        Kind::Area,
        Kind::Unit,
        Kind::Model,
        Kind::Review,
        Kind::Team,
        Kind::Member,
        Kind::Activity,
        Kind::Meeting,
        Kind::Commendation,
        Kind::Cert,
        Kind::Inspection,
        Kind::Remedy,
        Kind::RemedyReport,
        Kind::Plan,
        Kind::KeyArea,
        Kind::KeyAreaReview,
    ];

    /// The code used in the CLI, JSON and the store.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Area => "area",
            Kind::Unit => "unit",
            Kind::Model => "model",
            Kind::Review => "review",
            Kind::Team => "team",
            Kind::Member => "member",
            Kind::Activity => "activity",
            Kind::Meeting => "meeting",
            Kind::Commendation => "commendation",
            Kind::Cert => "cert",
            Kind::Inspection => "inspection",
            Kind::Remedy => "remedy",
            Kind::RemedyReport => "remedy_report",
            Kind::Plan => "plan",
            Kind::KeyArea => "key_area",
            Kind::KeyAreaReview => "key_area_review",
        }
    }

    /// The Vietnamese name, lower case, as it reads inside a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Area => "khu dân cư",
            Kind::Unit => "cơ quan, doanh nghiệp, cơ sở giáo dục",
            Kind::Model => "mô hình tự quản",
            Kind::Review => "lần sơ kết, tổng kết mô hình",
            Kind::Team => "tổ bảo vệ an ninh, trật tự",
            Kind::Member => "thành viên tổ bảo vệ an ninh, trật tự",
            Kind::Activity => "hoạt động",
            Kind::Meeting => "cuộc họp",
            Kind::Commendation => "khen thưởng",
            Kind::Cert => "hồ sơ công nhận \"An toàn về ANTT\"",
            Kind::Inspection => "cuộc kiểm tra",
            Kind::Remedy => "nhiệm vụ khắc phục",
            Kind::RemedyReport => "báo cáo kết quả khắc phục",
            Kind::Plan => "kế hoạch, chỉ tiêu năm",
            Kind::KeyArea => "địa bàn trọng điểm, phức tạp về ANTT",
            Kind::KeyAreaReview => "lần đánh giá địa bàn trọng điểm",
        }
    }

    /// Sensitive registers: a viewer reads them only when the chief allows it
    /// (`Store::set_key_areas_for_viewers`).
    pub fn sensitive(self) -> bool {
        matches!(self, Kind::KeyArea | Kind::KeyAreaReview)
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One item of a reference list (model kinds, activity categories, criteria, report indicators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefItem {
    pub code: String,
    pub label: String,
    /// List-specific data, e.g. the extra fields of an activity category.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
}

/// A versioned set of reference lists, as shipped with the app or sent down by the province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefSet {
    pub version: i64,
    pub lists: Vec<RefList>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefList {
    pub list: String,
    pub label: String,
    pub items: Vec<RefItem>,
}

impl RefSet {
    /// The reference data this release ships (assets/reference/reference.json).
    pub fn builtin() -> RefSet {
        serde_json::from_str(include_str!("../../assets/reference/reference.json"))
            .expect("assets/reference/reference.json is valid (checked by a test)")
    }
}

/// Sync metadata of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Hybrid-logical-clock stamp of the last change.
    pub hlc: Hlc,
    /// The installation that made the last change.
    pub origin: Uuid,
    /// This installation's change sequence number of the last change.
    pub seq: i64,
    pub deleted: bool,
}

/// A record as the store returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: Uuid,
    /// The register. Serialised as `register`: many registers have a field named `kind` of their own.
    #[serde(rename = "register")]
    pub kind: Kind,
    pub title: String,
    #[serde(flatten)]
    pub data: Doc,
    #[serde(rename = "_meta")]
    pub meta: Meta,
}

/// The result of a write: the record's id and any warnings the officer should read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved {
    pub id: Uuid,
    pub warnings: Vec<String>,
}
