//! The fields of every register and the rules that span fields or records.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::Datelike;
use serde_json::Value;
use uuid::Uuid;

use super::Kind;
use super::field::{Doc, DocExt, Field, FieldType, Lookup, check_cow, count, long_text, options, text};
use crate::date;
use crate::error::{Error, FieldError, Invalid};

const NAME: usize = 200;
const SHORT: usize = 100;

pub const AREA_KINDS: &[(&str, &str)] = &[
    ("thon", "Thôn"),
    ("lang", "Làng"),
    ("ban", "Bản"),
    ("ap", "Ấp"),
    ("buon", "Buôn"),
    ("phum", "Phum"),
    ("soc", "Sóc"),
    ("khom", "Khóm"),
    ("to_dan_pho", "Tổ dân phố"),
    ("khu_pho", "Khu phố"),
];

pub const UNIT_KINDS: &[(&str, &str)] =
    &[("co_quan", "Cơ quan"), ("doanh_nghiep", "Doanh nghiệp"), ("co_so_giao_duc", "Cơ sở giáo dục")];

/// Unit categories; those marked `true` are excluded from the yearly certification (TT 124/2021).
pub const UNIT_CATEGORIES: &[(&str, &str, Kind2, bool)] = &[
    ("co_quan_nha_nuoc", "Cơ quan nhà nước", Kind2::Agency, false),
    ("luc_luong_vu_trang", "Đơn vị lực lượng vũ trang", Kind2::Agency, true),
    ("to_chuc_khac", "Tổ chức khác", Kind2::Agency, false),
    ("doanh_nghiep_vua_lon", "Doanh nghiệp vừa và lớn", Kind2::Enterprise, false),
    ("doanh_nghiep_nho", "Doanh nghiệp nhỏ và siêu nhỏ", Kind2::Enterprise, true),
    ("mam_non", "Trường mầm non, nhà trẻ", Kind2::School, true),
    ("tieu_hoc", "Trường tiểu học", Kind2::School, true),
    ("thcs", "Trường trung học cơ sở", Kind2::School, false),
    ("thpt", "Trường trung học phổ thông", Kind2::School, false),
    ("giao_duc_khac", "Cơ sở giáo dục khác", Kind2::School, false),
];

/// A form's hints that follow from the rules below, so that a form offers only what will be accepted
/// and starts from what the core would decide: the unit kind a category belongs to, and whether a
/// unit of a category is subject to the certification.
pub mod hints {
    use super::{Kind, UNIT_CATEGORIES};

    /// The field whose value a choice of `key` belongs to, and that value for `code` (the unit's
    /// categories follow its kind: «Trường tiểu học» is a school's).
    pub fn choice_parent(kind: Kind, key: &str, code: &str) -> Option<(&'static str, &'static str)> {
        match (kind, key) {
            (Kind::Unit, "category") => UNIT_CATEGORIES.iter().find(|c| c.0 == code).map(|c| ("kind", c.2.code())),
            _ => None,
        }
    }

    /// A yes/no field's starting value in a new record, and the field whose values change it.
    pub struct BoolDefault {
        pub value: bool,
        pub follows: &'static str,
        pub by: Vec<(&'static str, bool)>,
    }

    /// A unit is subject to the certification unless its category is excluded (a school: yes).
    pub fn bool_default(kind: Kind, key: &str) -> Option<BoolDefault> {
        match (kind, key) {
            (Kind::Unit, "certification_applies") => Some(BoolDefault {
                value: true,
                follows: "category",
                by: UNIT_CATEGORIES.iter().map(|c| (c.0, !c.3)).collect(),
            }),
            _ => None,
        }
    }
}

/// The unit kind a category belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind2 {
    Agency,
    Enterprise,
    School,
}

impl Kind2 {
    pub fn code(self) -> &'static str {
        match self {
            Kind2::Agency => "co_quan",
            Kind2::Enterprise => "doanh_nghiep",
            Kind2::School => "co_so_giao_duc",
        }
    }
}

pub const MODEL_STATUS: &[(&str, &str)] = &[("hoat_dong", "Đang hoạt động"), ("giai_the", "Đã giải thể")];

const REVIEW_KINDS: &[(&str, &str)] =
    &[("so_ket", "Sơ kết"), ("tong_ket", "Tổng kết"), ("danh_gia", "Đánh giá hiệu quả")];
const RATINGS: &[(&str, &str)] =
    &[("hieu_qua", "Hiệu quả"), ("chua_hieu_qua", "Chưa hiệu quả"), ("khong_hieu_qua", "Không hiệu quả")];
const EDUCATION: &[(&str, &str)] = &[
    ("tieu_hoc", "Tiểu học"),
    ("thcs", "Trung học cơ sở"),
    ("thpt", "Trung học phổ thông"),
    ("trung_cap", "Trung cấp"),
    ("cao_dang", "Cao đẳng"),
    ("dai_hoc", "Đại học trở lên"),
];
pub const ROLES: &[(&str, &str)] = &[("to_truong", "Tổ trưởng"), ("to_pho", "Tổ phó"), ("to_vien", "Tổ viên")];
pub const MEETING_KINDS: &[(&str, &str)] = &[
    ("so_ket", "Sơ kết"),
    ("tong_ket", "Tổng kết"),
    ("binh_xet", "Bình xét"),
    ("hoi_nghi", "Hội nghị"),
    ("khac", "Khác"),
];
const RECIPIENT_KINDS: &[(&str, &str)] = &[("tap_the", "Tập thể"), ("ca_nhan", "Cá nhân")];
const COMMENDATION_FORMS: &[(&str, &str)] =
    &[("giay_khen", "Giấy khen"), ("bang_khen", "Bằng khen"), ("thu_khen", "Thư khen"), ("khac", "Hình thức khác")];

/// Where a key area stands: under transformation, transformed (by decision), or still complex when
/// its deadline came.
pub const KEY_AREA_STATUS: &[(&str, &str)] = &[
    ("dang_chuyen_hoa", "Đang chuyển hóa"),
    ("da_chuyen_hoa", "Đã chuyển hóa"),
    ("chua_chuyen_hoa", "Hết thời hạn, chưa chuyển hóa"),
];
/// The status of a key area still being transformed.
pub const KEY_AREA_OPEN: &str = "dang_chuyen_hoa";
const KEY_AREA_PROGRESS: &[(&str, &str)] = &[
    ("chuyen_bien_tot", "Có chuyển biến tích cực"),
    ("chua_chuyen_bien", "Chưa có chuyển biến"),
    ("phuc_tap_hon", "Diễn biến phức tạp hơn"),
];
/// The prefix of a plan's target fields: `target_` + an indicator's code (reference list
/// `report_indicator`).
pub const TARGET_PREFIX: &str = "target_";

fn f(key: &str, label: &str, ty: FieldType) -> Field {
    Field::new(key, label, ty)
}

static AREA: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("name", "Tên khu dân cư", text(NAME)).required(),
        f("kind", "Loại khu dân cư", options(AREA_KINDS)).required(),
        f("households", "Số hộ gia đình", count()).required(),
        f("households_registered", "Số hộ đăng ký tham gia phong trào", count()),
        f("households_committed", "Số hộ ký cam kết", count()),
        f("population", "Số nhân khẩu", count()).required(),
        f("head", "Trưởng thôn / Tổ trưởng tổ dân phố", text(SHORT)),
        f("officer", "Công an phụ trách địa bàn", text(SHORT)),
        f("q1_resolution_number", "Số nghị quyết của chi bộ (quý I)", text(SHORT)),
        f("q1_resolution_date", "Ngày nghị quyết của chi bộ (quý I)", FieldType::Date),
        f("registered_on", "Ngày đăng ký phong trào", FieldType::Date),
        f("notes", "Ghi chú", long_text()),
    ]
});

static UNIT: LazyLock<Vec<Field>> = LazyLock::new(|| {
    let categories: Vec<(&str, &str)> = UNIT_CATEGORIES.iter().map(|(c, l, _, _)| (*c, *l)).collect();
    vec![
        f("name", "Tên đơn vị", text(NAME)).required(),
        f("kind", "Loại đơn vị", options(UNIT_KINDS)).required(),
        f("category", "Phân loại", options(&categories)),
        f("address", "Địa chỉ", text(NAME)),
        f("area_id", "Khu dân cư", FieldType::Link { kind: Kind::Area }),
        f("head", "Người đứng đầu", text(SHORT)),
        f("staff_count", "Số cán bộ, nhân viên", count()),
        f("phone", "Số điện thoại", text(20)),
        f("certification_applies", "Thuộc diện xét công nhận \"An toàn về ANTT\"", FieldType::Bool),
        f("notes", "Ghi chú", long_text()),
    ]
});

static MODEL: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("name", "Tên mô hình", text(NAME)).required(),
        f("kind", "Loại mô hình", FieldType::Ref { list: "model_kind".into() }).required(),
        f("model_type", "Dạng mô hình", FieldType::Ref { list: "model_type".into() }),
        f("area_ids", "Khu dân cư", FieldType::Links { kind: Kind::Area }).required(),
        f("founded_on", "Ngày thành lập", FieldType::Date).required(),
        f("leader", "Người phụ trách", text(SHORT)),
        f("members", "Số thành viên", count()),
        f("households", "Số hộ tham gia", count()),
        f("notes", "Ghi chú", long_text()),
        f("status", "Trạng thái", options(MODEL_STATUS)).system(),
        f("origin_id", "Nhân rộng từ mô hình", FieldType::Link { kind: Kind::Model }).system(),
        f("dissolved_on", "Ngày giải thể", FieldType::Date).system(),
        f("dissolution_reason", "Lý do giải thể", text(1000)).system(),
    ]
});

static REVIEW: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("model_id", "Mô hình", FieldType::Link { kind: Kind::Model }).required(),
        f("date", "Ngày sơ kết, tổng kết", FieldType::Date).required(),
        f("kind", "Hình thức", options(REVIEW_KINDS)).required(),
        f("rating", "Đánh giá", options(RATINGS)).required(),
        f("notes", "Nhận xét", long_text()),
    ]
});

static TEAM: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("name", "Tên tổ", text(NAME)).required(),
        f("area_ids", "Địa bàn phụ trách", FieldType::Links { kind: Kind::Area }).required(),
        f("decision_number", "Số quyết định thành lập", text(SHORT)),
        f("decision_date", "Ngày quyết định thành lập", FieldType::Date),
        f("notes", "Ghi chú", long_text()),
    ]
});

static MEMBER: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("team_id", "Tổ bảo vệ ANTT", FieldType::Link { kind: Kind::Team }).required(),
        f("full_name", "Họ và tên", text(SHORT)).required(),
        f("date_of_birth", "Ngày sinh", FieldType::Date).required(),
        f("gender", "Giới tính", options(&[("nam", "Nam"), ("nu", "Nữ")])),
        f("residence", "Nơi cư trú", text(NAME)).required(),
        f("resident_since", "Cư trú từ ngày", FieldType::Date).required(),
        f("education", "Trình độ học vấn", options(EDUCATION)).required(),
        f("role", "Chức danh", options(ROLES)).required(),
        f("appointment_decision", "Số quyết định phân công", text(SHORT)),
        f("appointed_on", "Ngày phân công", FieldType::Date).required(),
        f("certificate_number", "Số giấy chứng nhận", text(SHORT)),
        f("training", "Bồi dưỡng, huấn luyện", text(1000)),
        f("monthly_allowance", "Mức hỗ trợ hằng tháng (đồng)", count()),
        f("phone", "Số điện thoại", text(20)),
        f("grades", "Xếp loại hằng năm", FieldType::Grades),
        f("notes", "Ghi chú", long_text()),
    ]
});

/// The fields every activity has; its category adds its own (reference data).
static ACTIVITY: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("category", "Loại hoạt động", FieldType::Ref { list: "activity_category".into() }).required(),
        f("date", "Ngày", FieldType::Date).required(),
        f("end_date", "Đến ngày", FieldType::Date),
        f("title", "Tên hoạt động", text(NAME)),
        f("area_id", "Khu dân cư", FieldType::Link { kind: Kind::Area }),
        f("place", "Địa điểm", text(NAME)),
        f("notes", "Ghi chú", long_text()),
    ]
});

static MEETING: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("title", "Tên cuộc họp", text(NAME)).required(),
        f("kind", "Loại cuộc họp", options(MEETING_KINDS)).required(),
        f("starts_at", "Thời gian bắt đầu", FieldType::DateTime).required(),
        f("ends_at", "Thời gian kết thúc", FieldType::DateTime),
        f("place", "Địa điểm", text(NAME)).required(),
        f("chair", "Chủ trì", text(SHORT)).required(),
        f("secretary", "Thư ký", text(SHORT)).required(),
        f("attendees", "Thành phần tham dự", FieldType::TextList),
        f("attendee_count", "Số người tham dự", count()),
        f("agenda", "Nội dung", long_text()),
        f("conclusions", "Kết luận", long_text()),
        f("votes_for", "Số phiếu tán thành", count()),
        f("votes_against", "Số phiếu không tán thành", count()),
        f("votes_abstain", "Số phiếu không biểu quyết", count()),
        f("area_id", "Khu dân cư", FieldType::Link { kind: Kind::Area }),
        f("unit_id", "Cơ quan, doanh nghiệp, cơ sở giáo dục", FieldType::Link { kind: Kind::Unit }),
    ]
});

static COMMENDATION: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("recipient", "Tập thể, cá nhân được khen thưởng", text(NAME)).required(),
        f("recipient_kind", "Đối tượng", options(RECIPIENT_KINDS)).required(),
        f("form", "Hình thức khen thưởng", options(COMMENDATION_FORMS)).required(),
        f("issuer", "Cấp khen thưởng", text(NAME)).required(),
        f("decision_number", "Số quyết định", text(SHORT)),
        f("date", "Ngày quyết định", FieldType::Date).required(),
        f("achievement", "Thành tích", long_text()),
        f("area_id", "Khu dân cư", FieldType::Link { kind: Kind::Area }),
        f("model_id", "Mô hình", FieldType::Link { kind: Kind::Model }),
    ]
});

static CERT: LazyLock<Vec<Field>> = LazyLock::new(super::cert::fields);
static INSPECTION: LazyLock<Vec<Field>> = LazyLock::new(super::inspection::inspection_fields);
static REMEDY: LazyLock<Vec<Field>> = LazyLock::new(super::inspection::remedy_fields);
static REMEDY_REPORT: LazyLock<Vec<Field>> = LazyLock::new(super::inspection::report_fields);

/// The plan's own fields; its targets, one per indicator of the report's list, follow
/// ([`fields_for`]).
static PLAN: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("year", "Năm kế hoạch", FieldType::Int { min: 2000, max: 2100 }).required(),
        f("title", "Tên kế hoạch", text(NAME)),
        f("number", "Số kế hoạch", text(SHORT)),
        f("issued_on", "Ngày ban hành", FieldType::Date),
        f("goals", "Mục đích, yêu cầu", long_text()),
        f("tasks", "Nhiệm vụ, giải pháp", long_text()),
        f("signer", "Người ký", text(SHORT)),
    ]
});

static KEY_AREA: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("name", "Tên địa bàn", text(NAME)).required(),
        f("area_ids", "Khu dân cư thuộc địa bàn", FieldType::Links { kind: Kind::Area }).required(),
        f("reasons", "Tính chất phức tạp", FieldType::Refs { list: "key_area_reason".into() }).required(),
        f("situation", "Tình hình, đặc điểm", long_text()),
        f("decision_number", "Số quyết định đưa vào diện trọng điểm", text(SHORT)).required(),
        f("decision_date", "Ngày quyết định", FieldType::Date).required(),
        f("decided_by", "Cấp ra quyết định", text(NAME)).required(),
        f("officer", "Cán bộ phụ trách", text(SHORT)).required(),
        f("goals", "Mục tiêu chuyển hóa", long_text()),
        f("measures", "Biện pháp chuyển hóa", long_text()),
        f("deadline", "Thời hạn chuyển hóa", FieldType::Date).required(),
        f("status", "Kết quả", options(KEY_AREA_STATUS)),
        f("ended_on", "Ngày kết thúc", FieldType::Date),
        f("end_decision_number", "Số quyết định công nhận đã chuyển hóa", text(SHORT)),
        f("end_note", "Đánh giá khi kết thúc", long_text()),
        f("notes", "Ghi chú", long_text()),
    ]
});

static KEY_AREA_REVIEW: LazyLock<Vec<Field>> = LazyLock::new(|| {
    vec![
        f("key_area_id", "Địa bàn trọng điểm", FieldType::Link { kind: Kind::KeyArea }).required(),
        f("date", "Ngày đánh giá", FieldType::Date).required(),
        f("progress", "Mức độ chuyển biến", options(KEY_AREA_PROGRESS)).required(),
        f("findings", "Tình hình, kết quả", long_text()).required(),
        f("next_steps", "Biện pháp tiếp theo", long_text()),
        f("assessed_by", "Người đánh giá", text(SHORT)),
    ]
});

/// The fixed fields of a register (an activity's category adds more: see [`fields_for`]).
pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Area => &AREA,
        Kind::Unit => &UNIT,
        Kind::Model => &MODEL,
        Kind::Review => &REVIEW,
        Kind::Team => &TEAM,
        Kind::Member => &MEMBER,
        Kind::Activity => &ACTIVITY,
        Kind::Meeting => &MEETING,
        Kind::Commendation => &COMMENDATION,
        Kind::Cert => &CERT,
        Kind::Inspection => &INSPECTION,
        Kind::Remedy => &REMEDY,
        Kind::RemedyReport => &REMEDY_REPORT,
        Kind::Plan => &PLAN,
        Kind::KeyArea => &KEY_AREA,
        Kind::KeyAreaReview => &KEY_AREA_REVIEW,
    }
}

/// A plan's target fields: one whole number per indicator of the report's list (`report_indicator`),
/// a share in percent for the indicators that are one (`"percent": true` in the item's data).
pub fn target_fields(lookup: &dyn Lookup) -> crate::Result<Vec<Field>> {
    Ok(lookup
        .ref_items("report_indicator")?
        .iter()
        .map(|i| {
            let percent = i.data.get("percent").and_then(Value::as_bool) == Some(true);
            let label =
                if percent { format!("Chỉ tiêu: {} (%)", i.label) } else { format!("Chỉ tiêu: {}", i.label) };
            let max = if percent { 100 } else { 1_000_000_000 };
            Field::new(&format!("{TARGET_PREFIX}{}", i.code), &label, FieldType::Int { min: 0, max })
        })
        .collect())
}

/// All fields of a record: the register's fields plus, for an activity, its category's fields.
pub fn fields_for(kind: Kind, doc: &Doc, lookup: &dyn Lookup) -> crate::Result<Vec<Field>> {
    let mut all = fields(kind).to_vec();
    if kind == Kind::Plan {
        all.extend(target_fields(lookup)?);
    }
    if kind == Kind::Activity
        && let Some(category) = doc.str_of("category")
    {
        let items = lookup.ref_items("activity_category")?;
        let folded = crate::text::fold(category);
        if let Some(item) = items.iter().find(|i| i.code == category || crate::text::fold(&i.label) == folded)
            && let Some(extra) = item.data.get("fields")
        {
            let extra: Vec<Field> = serde_json::from_value(extra.clone()).map_err(|e| {
                Error::Refused(format!("Danh mục loại hoạt động «{}» có mô tả trường không hợp lệ: {e}", item.label))
            })?;
            all.extend(extra);
        }
    }
    Ok(all)
}

/// The fields of many records' registers, each worked out once ([`fields_for`]): per register, and
/// per category for activities. For checking a whole bundle of records.
#[derive(Debug, Default)]
pub struct FieldCache {
    activity: std::collections::HashMap<String, Vec<Field>>,
    plan: Option<Vec<Field>>,
}

impl FieldCache {
    /// The same list as [`fields_for`] gives for this record.
    pub fn fields_for(&mut self, kind: Kind, doc: &Doc, lookup: &dyn Lookup) -> crate::Result<&[Field]> {
        if kind == Kind::Plan {
            if self.plan.is_none() {
                self.plan = Some(fields_for(kind, doc, lookup)?);
            }
            return Ok(self.plan.as_deref().unwrap_or_default());
        }
        if kind != Kind::Activity {
            return Ok(fields(kind));
        }
        let category = doc.str_of("category").unwrap_or_default();
        if !self.activity.contains_key(category) {
            let all = fields_for(kind, doc, lookup)?;
            self.activity.insert(category.to_owned(), all);
        }
        Ok(self.activity.get(category).map(Vec::as_slice).unwrap_or_default())
    }
}

/// A record that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub doc: Doc,
    pub title: String,
    pub warnings: Vec<String>,
}

/// Validates a whole record (a create, or an edit merged onto the stored record).
///
/// `id` is the record's own id (to exclude it from checks against other records); `allow_system` lets
/// an operation such as a replication set system fields.
pub fn validate(kind: Kind, id: Uuid, input: &Doc, allow_system: bool, lookup: &dyn Lookup) -> crate::Result<Checked> {
    let all = fields_for(kind, input, lookup)?;
    let outcome = check_record(kind, id, input, allow_system, &all, lookup)?;
    if !outcome.errors.is_empty() {
        return Err(Error::Invalid(Invalid(outcome.errors)));
    }
    let doc = outcome.doc.into_owned();
    let title = title(kind, &doc, lookup)?;
    Ok(Checked { doc, title, warnings: outcome.warnings })
}

/// What [`check_record`] found: the normalised fields, every error (each naming its field) and the
/// warnings for the officer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<'a> {
    /// Borrowed when the record was already in its normalised form.
    pub doc: Cow<'a, Doc>,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<String>,
}

/// The one check of a record, on both sides of a sync: the commune runs it on every write (through
/// [`validate`], and on every certification step it stores), the province on every record of a
/// commune's bundle, so a record one side accepts the other accepts too.
///
/// It checks the register's fields `fields` (from [`fields_for`]: types, lengths, options, links) and
/// the rules across the record's fields and the records it links to. Rules over the commune's other
/// records (a team's leaders, the 20% share of "xuất sắc") only ever warn, through [`Lookup::find`].
/// A certification record is checked by its own structure ([`super::cert::check_stored`]): its steps
/// write it, never a form.
pub fn check_record<'a>(
    kind: Kind,
    id: Uuid,
    input: &'a Doc,
    allow_system: bool,
    fields: &[Field],
    lookup: &dyn Lookup,
) -> crate::Result<Outcome<'a>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if kind == Kind::Cert {
        let doc = super::cert::check_stored(input, fields, lookup, &mut errors)?;
        return Ok(Outcome { doc: Cow::Owned(doc), errors, warnings });
    }
    let mut doc = check_cow(fields, input, allow_system, lookup, &mut errors)?;
    // The rules across fields run even when a field is wrong, so that the officer sees every error at
    // once: the checked record holds only the values that passed (a wrong or missing one is absent), and
    // every rule reads its fields as optional, so a rule never speaks of a value already refused.
    let mut rules = Rules { errors: &mut errors, warnings: &mut warnings, fields };
    match kind {
        Kind::Area => area_rules(&doc, &mut rules),
        Kind::Unit => unit_rules(&mut doc, &mut rules),
        Kind::Model => model_rules(&mut doc, lookup, &mut rules)?,
        Kind::Review => review_rules(&doc, lookup, &mut rules)?,
        Kind::Member => member_rules(id, &doc, lookup, &mut rules)?,
        Kind::Activity => date_order(&doc, "date", "end_date", &mut rules),
        Kind::Meeting => meeting_rules(&doc, &mut rules),
        Kind::Inspection => super::inspection::inspection_rules(id, &doc, lookup, &mut rules)?,
        Kind::Remedy => super::inspection::remedy_rules(id, &doc, lookup, &mut rules)?,
        Kind::RemedyReport => super::inspection::report_rules(id, &doc, lookup, &mut rules)?,
        Kind::Plan => plan_rules(id, &doc, lookup, &mut rules)?,
        Kind::KeyArea => key_area_rules(&mut doc, lookup, &mut rules),
        Kind::KeyAreaReview => key_area_review_rules(&doc, lookup, &mut rules)?,
        Kind::Team | Kind::Commendation | Kind::Cert => {}
    }
    if !errors.is_empty() {
        // Warnings are for a record that will be saved.
        warnings.clear();
    }
    Ok(Outcome { doc, errors, warnings })
}

pub(super) struct Rules<'a> {
    errors: &'a mut Vec<FieldError>,
    warnings: &'a mut Vec<String>,
    fields: &'a [Field],
}

impl Rules<'_> {
    pub(super) fn error(&mut self, key: &str, message: impl Into<String>) {
        let label = self.label(key);
        self.errors.push(FieldError { field: key.into(), label, message: message.into() });
    }
    fn warn(&mut self, key: &str, message: impl std::fmt::Display) {
        let label = self.label(key);
        self.warnings.push(format!("{label}: {message}"));
    }
    fn label(&self, key: &str) -> String {
        self.fields.iter().find(|f| f.key == key).map_or(key, |f| f.label.as_str()).to_owned()
    }
    fn not_above(&mut self, doc: &Doc, key: &str, limit_key: &str) {
        if let (Some(n), Some(limit)) = (doc.int_of(key), doc.int_of(limit_key))
            && n > limit
        {
            let limit_label = self.label(limit_key).to_lowercase();
            self.error(key, format!("không được lớn hơn {limit_label} ({})", crate::text::format_int(limit)));
        }
    }
}

fn area_rules(doc: &Doc, r: &mut Rules) {
    r.not_above(doc, "households_registered", "households");
    r.not_above(doc, "households_committed", "households");
    r.not_above(doc, "households", "population");
}

fn unit_rules(doc: &mut Cow<'_, Doc>, r: &mut Rules) {
    let kind = doc.str_of("kind").unwrap_or_default().to_owned();
    let category = doc.str_of("category").and_then(|c| UNIT_CATEGORIES.iter().find(|u| u.0 == c));
    if let Some((_, label, of, excluded)) = category {
        if of.code() != kind {
            let kind_label = UNIT_KINDS.iter().find(|k| k.0 == kind).map_or("", |k| k.1);
            r.error("category", format!("«{label}» không thuộc loại {}", kind_label.to_lowercase()));
            return;
        }
        if *excluded && doc.get("certification_applies") == Some(&Value::Bool(true)) {
            r.error(
                "certification_applies",
                format!("{label} không thuộc diện xét công nhận (Thông tư 124/2021/TT-BCA)"),
            );
            return;
        }
    }
    if !doc.contains_key("certification_applies") {
        let excluded = category.is_some_and(|c| c.3);
        doc.to_mut().insert("certification_applies".into(), Value::Bool(!excluded));
    }
}

fn model_rules(doc: &mut Cow<'_, Doc>, lookup: &dyn Lookup, r: &mut Rules) -> crate::Result<()> {
    if !doc.contains_key("status") {
        doc.to_mut().insert("status".into(), Value::String("hoat_dong".into()));
    }
    if let Some(founded) = doc.date_of("founded_on")
        && founded > lookup.today()
    {
        r.error("founded_on", "không được sau ngày hôm nay");
    }
    match (doc.str_of("status"), doc.date_of("dissolved_on")) {
        (Some("giai_the"), None) => r.error("dissolved_on", "không được để trống khi mô hình đã giải thể"),
        (Some("hoat_dong"), Some(_)) => r.error("dissolved_on", "mô hình đang hoạt động không có ngày giải thể"),
        _ => {}
    }
    date_order(doc, "founded_on", "dissolved_on", r);
    Ok(())
}

fn review_rules(doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> crate::Result<()> {
    let Some(model_id) = doc.ids_of("model_id").first().copied() else { return Ok(()) };
    let Some(model) = lookup.get(Kind::Model, model_id)? else { return Ok(()) };
    let date = doc.date_of("date");
    if let (Some(date), Some(founded)) = (date, model.date_of("founded_on"))
        && date < founded
    {
        r.error("date", format!("trước ngày thành lập mô hình ({})", date::display(founded)));
    }
    if date.is_some_and(|d| d > lookup.today()) {
        r.error("date", "không được sau ngày hôm nay");
    }
    Ok(())
}

/// Eligibility of a grassroots security-team member (Luật Lực lượng tham gia bảo vệ ANTT ở cơ sở 2023).
fn member_rules(id: Uuid, doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> crate::Result<()> {
    let (Some(born), Some(appointed), Some(since)) =
        (doc.date_of("date_of_birth"), doc.date_of("appointed_on"), doc.date_of("resident_since"))
    else {
        return Ok(());
    };
    let age = date::age_on(born, appointed);
    if !(18..=70).contains(&age) {
        r.error(
            "date_of_birth",
            format!(
                "vào ngày phân công {} người này {age} tuổi; thành viên tổ bảo vệ ANTT phải từ đủ 18 đến 70 tuổi",
                date::display(appointed)
            ),
        );
    }
    if since > born.max(appointed) || date::add_years(since, 1) > appointed {
        r.error(
            "resident_since",
            format!("phải cư trú tại địa phương ít nhất 1 năm trước ngày phân công {}", date::display(appointed)),
        );
    }
    if since < born {
        r.error("resident_since", "không được trước ngày sinh");
    }
    if appointed > lookup.today() {
        r.error("appointed_on", "không được sau ngày hôm nay");
    }
    if doc.str_of("education") == Some("tieu_hoc") {
        r.warn(
            "education",
            "tiêu chuẩn là tốt nghiệp trung học cơ sở; trình độ tiểu học chỉ được chấp nhận ở địa bàn có điều kiện kinh tế - xã hội đặc biệt khó khăn",
        );
    }
    // No grade for a year with under 9 months of service (the year runs 15/11 to 14/11).
    if let Some(Value::Array(grades)) = doc.get("grades") {
        for g in grades {
            let Some(year) = g.get("year").and_then(Value::as_i64) else { continue };
            let Some(period_end) = chrono::NaiveDate::from_ymd_opt(year as i32, 11, 14) else {
                continue;
            };
            if crate::date::months_between(appointed, period_end) < 9 {
                r.error("grades", format!("năm {year}: chưa đủ 9 tháng công tác nên không xếp loại"));
            }
        }
        let rated_excellent: Vec<i64> = grades
            .iter()
            .filter(|g| g.get("grade").and_then(Value::as_str) == Some("xuat_sac"))
            .filter_map(|g| g.get("year").and_then(Value::as_i64))
            .collect();
        for year in rated_excellent {
            let (excellent, good) = grade_counts(id, year, grades, lookup)?;
            if excellent * 5 > good {
                r.warn(
                    "grades",
                    format!(
                        "năm {year} có {excellent} người hoàn thành xuất sắc trên {good} người hoàn thành tốt; số hoàn thành xuất sắc không quá 20% số hoàn thành tốt"
                    ),
                );
            }
        }
    }
    if let Some(team) = doc.ids_of("team_id").first() {
        let role = doc.str_of("role").unwrap_or_default();
        if role != "to_vien" {
            let same = lookup
                .find(Kind::Member, "team_id", &team.to_string())?
                .into_iter()
                .filter(|(other, m)| *other != id && m.str_of("role") == Some(role))
                .count();
            let label = ROLES.iter().find(|x| x.0 == role).map_or(role, |x| x.1);
            if role == "to_truong" && same > 0 {
                r.warn("role", format!("tổ này đã có {label}"));
            }
            if role == "to_pho" && same >= 2 {
                r.warn("role", format!("tổ này đã có {same} {}", label.to_lowercase()));
            }
        }
    }
    Ok(())
}

/// Commune-wide counts of "xuất sắc" and of "tốt" for a year, this member's grades included.
fn grade_counts(id: Uuid, year: i64, own: &[Value], lookup: &dyn Lookup) -> crate::Result<(i64, i64)> {
    let grade_in = |grades: &[Value]| {
        grades
            .iter()
            .find(|g| g.get("year").and_then(Value::as_i64) == Some(year))
            .and_then(|g| g.get("grade").and_then(Value::as_str).map(str::to_owned))
    };
    let mut all: Vec<Option<String>> = lookup
        .find(Kind::Member, "grades.year", &year.to_string())?
        .into_iter()
        .filter(|(other, _)| *other != id)
        .map(|(_, m)| match m.get("grades") {
            Some(Value::Array(g)) => grade_in(g),
            _ => None,
        })
        .collect();
    all.push(grade_in(own));
    let excellent = all.iter().filter(|g| g.as_deref() == Some("xuat_sac")).count() as i64;
    let good = all.iter().filter(|g| matches!(g.as_deref(), Some("tot"))).count() as i64;
    Ok((excellent, good))
}

fn meeting_rules(doc: &Doc, r: &mut Rules) {
    date_order(doc, "starts_at", "ends_at", r);
    let votes: i64 = ["votes_for", "votes_against", "votes_abstain"].iter().filter_map(|k| doc.int_of(k)).sum();
    if let Some(n) = doc.int_of("attendee_count")
        && votes > n
    {
        r.error("votes_for", format!("tổng số phiếu ({votes}) lớn hơn số người tham dự ({n})"));
    }
}

/// One plan per year: a second one is saved (it may come from another laptop) with a warning.
fn plan_rules(id: Uuid, doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> crate::Result<()> {
    if let Some(year) = doc.int_of("year") {
        let others = lookup.find(Kind::Plan, "year", &year.to_string())?.into_iter().filter(|(o, _)| *o != id).count();
        if others > 0 {
            r.warn("year", format!("đã có kế hoạch năm {year}; tiến độ được tính theo kế hoạch ban hành sau cùng"));
        }
        if let Some(on) = doc.date_of("issued_on")
            && i64::from(on.year()) > year
        {
            r.warn("issued_on", format!("ban hành sau năm kế hoạch {year}"));
        }
    }
    Ok(())
}

/// Whether a key area's listing has ended: transformed, or still complex at its deadline.
pub fn key_area_ended(doc: &Doc) -> bool {
    doc.str_of("status").is_some_and(|s| s != KEY_AREA_OPEN)
}

/// The refusal of any change to an ended listing or to its assessments: its file is closed, kept
/// as it ended (as a dissolved model's history).
pub fn key_area_read_only(area: &Doc) -> Error {
    let name = area.str_of("name").unwrap_or_default();
    let status = area.str_of("status").unwrap_or_default();
    let label = KEY_AREA_STATUS.iter().find(|s| s.0 == status).map_or(status, |s| s.1);
    let on = area.date_of("ended_on").map(date::display).unwrap_or_default();
    Error::Refused(format!(
        "Địa bàn trọng điểm «{name}» đã kết thúc diện trọng điểm ngày {on} ({}): hồ sơ và các lần đánh giá \
chỉ được xem, không được sửa hay xóa. Nếu địa bàn lại phức tạp, hãy lập hồ sơ mới theo quyết định mới.",
        label.to_lowercase()
    ))
}

/// A key area under transformation has no end; a transformed one names its decision and the day;
/// one still complex at its deadline ends on or after it.
fn key_area_rules(doc: &mut Cow<'_, Doc>, lookup: &dyn Lookup, r: &mut Rules) {
    if !doc.contains_key("status") {
        doc.to_mut().insert("status".into(), Value::String(KEY_AREA_OPEN.into()));
    }
    if doc.date_of("decision_date").is_some_and(|d| d > lookup.today()) {
        r.error("decision_date", "không được sau ngày hôm nay");
    }
    date_order(doc, "decision_date", "deadline", r);
    date_order(doc, "decision_date", "ended_on", r);
    match doc.str_of("status") {
        Some(KEY_AREA_OPEN) if doc.contains_key("ended_on") => {
            r.error("ended_on", "địa bàn đang chuyển hóa chưa có ngày kết thúc; hãy chọn kết quả");
        }
        Some(KEY_AREA_OPEN) => {}
        Some("da_chuyen_hoa") => {
            if !doc.contains_key("ended_on") {
                r.error("ended_on", "không được để trống khi địa bàn đã chuyển hóa");
            }
            if !doc.contains_key("end_decision_number") {
                r.error("end_decision_number", "không được để trống khi địa bàn đã chuyển hóa");
            }
        }
        Some(_) => match (doc.date_of("ended_on"), doc.date_of("deadline")) {
            (None, _) => r.error("ended_on", "không được để trống khi đã hết thời hạn chuyển hóa"),
            (Some(end), Some(deadline)) if end < deadline => r.error(
                "ended_on",
                format!("chưa đến thời hạn chuyển hóa ({}); địa bàn vẫn đang chuyển hóa", date::display(deadline)),
            ),
            _ => {}
        },
        None => {}
    }
    if doc.date_of("ended_on").is_some_and(|d| d > lookup.today()) {
        r.error("ended_on", "không được sau ngày hôm nay");
    }
}

fn key_area_review_rules(doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> crate::Result<()> {
    let date = doc.date_of("date");
    if date.is_some_and(|d| d > lookup.today()) {
        r.error("date", "không được sau ngày hôm nay");
    }
    let Some(area) = doc.ids_of("key_area_id").first().copied() else { return Ok(()) };
    let Some(area) = lookup.get(Kind::KeyArea, area)? else { return Ok(()) };
    if let (Some(date), Some(listed)) = (date, area.date_of("decision_date"))
        && date < listed
    {
        r.error("date", format!("trước ngày quyết định đưa vào diện trọng điểm ({})", date::display(listed)));
    }
    if let (Some(date), Some(ended)) = (date, area.date_of("ended_on"))
        && date > ended
    {
        r.error(
            "date",
            format!("sau ngày địa bàn kết thúc diện trọng điểm ({}): hồ sơ đã kết thúc", date::display(ended)),
        );
    }
    Ok(())
}

pub(super) fn date_order(doc: &Doc, from: &str, to: &str, r: &mut Rules) {
    // ISO dates and date-times compare correctly as text.
    if let (Some(a), Some(b)) = (doc.str_of(from), doc.str_of(to))
        && b < a
    {
        let from_label = r.label(from).to_lowercase();
        r.error(to, format!("không được trước {from_label}"));
    }
}

/// The text a list shows for a record and sorts it by.
pub fn title(kind: Kind, doc: &Doc, lookup: &dyn Lookup) -> crate::Result<String> {
    let s = |k: &str| doc.str_of(k).unwrap_or_default().to_owned();
    Ok(match kind {
        Kind::Area | Kind::Unit | Kind::Model | Kind::Team => s("name"),
        Kind::Member => s("full_name"),
        Kind::Meeting => s("title"),
        Kind::Review => {
            let label = REVIEW_KINDS.iter().find(|k| Some(k.0) == doc.str_of("kind")).map_or("", |k| k.1);
            let date = doc.date_of("date").map(date::display).unwrap_or_default();
            let model = match doc.ids_of("model_id").first() {
                Some(id) => lookup.get(Kind::Model, *id)?.and_then(|m| m.str_of("name").map(str::to_owned)),
                None => None,
            };
            match model {
                Some(m) => format!("{label} ngày {date} – {m}"),
                None => format!("{label} ngày {date}"),
            }
        }
        Kind::Activity => match doc.str_of("title") {
            Some(t) => t.to_owned(),
            None => {
                let code = s("category");
                let label = lookup
                    .ref_items("activity_category")?
                    .iter()
                    .find(|i| i.code == code)
                    .map_or(code, |i| i.label.clone());
                let date = doc.date_of("date").map(date::display).unwrap_or_default();
                format!("{label} ngày {date}")
            }
        },
        Kind::Cert => super::cert::title(doc),
        Kind::Inspection => super::inspection::inspection_title(doc, lookup)?,
        Kind::Remedy => super::inspection::remedy_title(doc),
        Kind::RemedyReport => super::inspection::report_title(doc, lookup)?,
        Kind::Plan => match doc.str_of("title") {
            Some(t) => t.to_owned(),
            None => format!("Kế hoạch năm {}", doc.int_of("year").unwrap_or_default()),
        },
        Kind::KeyArea => s("name"),
        Kind::KeyAreaReview => {
            let date = doc.date_of("date").map(date::display).unwrap_or_default();
            let area = match doc.ids_of("key_area_id").first() {
                Some(id) => lookup.get(Kind::KeyArea, *id)?.and_then(|m| m.str_of("name").map(str::to_owned)),
                None => None,
            };
            match area {
                Some(a) => format!("Đánh giá ngày {date} – {a}"),
                None => format!("Đánh giá ngày {date}"),
            }
        }
        Kind::Commendation => {
            let form = COMMENDATION_FORMS.iter().find(|k| Some(k.0) == doc.str_of("form")).map_or("", |k| k.1);
            format!("{form}: {}", s("recipient"))
        }
    })
}

/// Why a record matched a search: one field whose value holds a word beginning with a word of the query.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchMatch {
    pub key: String,
    /// The field's Vietnamese label.
    pub label: String,
    /// The value as the officer wrote it (an option's label), or its words around the first match
    /// (with "…") when it is long.
    pub text: String,
}

/// The longest value [`search_matches`] shows whole, in characters.
const MATCH_SHOWN: usize = 80;

/// The fields of a record that made it match `query` (every word of the query is a word prefix of the
/// record's search text, see [`search_text`]): those of its searchable fields (texts, lists of texts,
/// options by label) holding a word that begins with one of the query's words, in the register's order.
/// Accents and case are ignored, as the search ignores them.
pub fn search_matches(doc: &Doc, fields: &[Field], query: &str) -> Vec<SearchMatch> {
    let wanted = crate::text::search_tokens(query);
    if wanted.is_empty() {
        return Vec::new();
    }
    let hits_word = |w: &str| crate::text::search_tokens(w).iter().any(|t| wanted.iter().any(|q| t.starts_with(q)));
    let mut out = Vec::new();
    for f in fields {
        let Some(v) = doc.get(&f.key) else { continue };
        let values: Vec<String> = match (&f.ty, v) {
            (FieldType::Text { .. }, Value::String(s)) => vec![s.clone()],
            (FieldType::TextList, Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            (FieldType::Enum { .. }, Value::String(code)) => {
                f.option_label(code).map(str::to_owned).into_iter().collect()
            }
            _ => continue,
        };
        let matching: Vec<String> =
            values.iter().filter(|s| s.split_whitespace().any(hits_word)).map(|s| excerpt(s, &hits_word)).collect();
        if !matching.is_empty() {
            out.push(SearchMatch { key: f.key.clone(), label: f.label.clone(), text: matching.join("; ") });
        }
    }
    out
}

/// `s` whole when short, else its words around the first word `hit` accepts.
fn excerpt(s: &str, hit: &dyn Fn(&str) -> bool) -> String {
    if s.chars().count() <= MATCH_SHOWN {
        return s.to_owned();
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let at = words.iter().position(|w| hit(w)).unwrap_or(0);
    let mut start = at.saturating_sub(4);
    let mut shown = String::new();
    let mut end = start;
    while end < words.len() && shown.chars().count() + words[end].chars().count() < MATCH_SHOWN {
        if !shown.is_empty() {
            shown.push(' ');
        }
        shown.push_str(words[end]);
        end += 1;
    }
    if shown.is_empty() {
        // One word longer than the excerpt: cut it.
        shown = words[at].chars().take(MATCH_SHOWN).collect();
        start = at;
        end = at + 1;
    }
    format!("{}{shown}{}", if start > 0 { "… " } else { "" }, if end < words.len() { " …" } else { "" })
}

/// The fields that name one record of a register among the others when no id is at hand: a row of an
/// officer's spreadsheet is the same record as a stored one when these values are the same (texts
/// compared without accents or case). `None` for the certification, which changes only by its steps.
pub fn natural_key(kind: Kind) -> Option<&'static [&'static str]> {
    Some(match kind {
        Kind::Area | Kind::Unit | Kind::Model | Kind::Team => &["name"],
        Kind::Member => &["full_name", "date_of_birth"],
        Kind::Review => &["model_id", "date", "kind"],
        Kind::Activity => &["category", "date", "title", "area_id"],
        Kind::Meeting => &["title", "starts_at"],
        Kind::Commendation => &["recipient", "form", "date"],
        Kind::Inspection => &["by", "starts_on", "area_id", "unit_id"],
        Kind::Remedy => &["inspection_id", "content"],
        Kind::RemedyReport => &["remedy_id", "date", "content"],
        Kind::Plan => &["year", "title"],
        Kind::KeyArea => &["name"],
        Kind::KeyAreaReview => &["key_area_id", "date"],
        Kind::Cert => return None,
    })
}

/// The value of [`natural_key`] for a record as stored (after [`validate`]).
pub fn natural_key_of(kind: Kind, doc: &Doc) -> Option<String> {
    let keys = natural_key(kind)?;
    let parts: Vec<String> = keys
        .iter()
        .map(|k| match doc.get(*k) {
            Some(Value::String(s)) => crate::text::fold(s),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
            Some(v) => v.to_string(),
            None => String::new(),
        })
        .collect();
    Some(parts.join("\u{1f}"))
}

/// Folded text the search index holds for a record: its texts and the labels of its options.
pub fn search_text(title: &str, doc: &Doc, fields: &[Field]) -> String {
    let mut parts = vec![title.to_owned()];
    for f in fields {
        let Some(v) = doc.get(&f.key) else { continue };
        match (&f.ty, v) {
            (FieldType::Text { .. }, Value::String(s)) => parts.push(s.clone()),
            (FieldType::TextList, Value::Array(a)) => {
                parts.extend(a.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            (FieldType::Enum { .. }, Value::String(code)) => parts.extend(f.option_label(code).map(str::to_owned)),
            _ => {}
        }
    }
    crate::text::fold(&parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_shown_around_its_first_match() {
        let long = "Tổ chức tuyên truyền pháp luật cho bà con trong thôn về phòng chống ma túy, trộm cắp tài sản \
                    và tệ nạn xã hội, vận động nhân dân tham gia giữ gìn an ninh trật tự tại Đắk Năng";
        let hit = |w: &str| crate::text::search_tokens(w).iter().any(|t| t.starts_with("nang"));
        let shown = excerpt(long, &hit);
        assert!(shown.starts_with("… ") && shown.ends_with("Đắk Năng"), "{shown}");
        assert!(shown.chars().count() <= MATCH_SHOWN + 2, "{shown}");
        let first = |w: &str| crate::text::search_tokens(w).iter().any(|t| t.starts_with("tuyen"));
        let shown = excerpt(long, &first);
        assert!(shown.starts_with("Tổ chức tuyên") && shown.ends_with(" …"), "{shown}");
        assert_eq!(excerpt("Thôn Đắk Năng", &hit), "Thôn Đắk Năng");
    }
}
