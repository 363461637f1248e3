//! The registers and their records as the window and the CLI show them: names, list columns, form
//! fields, displayed values, links and whether a record may be edited.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::{self, DocExt, FieldType, Kind, Record};
use crate::error::Result;
use crate::store::{ListQuery, ModelHistory, Names, Store};

/// The name of a register as a menu or a page title shows it (inside a sentence: [`Kind::label`]).
pub fn register_title(k: Kind) -> &'static str {
    match k {
        Kind::Area => "Khu dân cư",
        Kind::Unit => "Cơ quan, doanh nghiệp, cơ sở giáo dục",
        Kind::Model => "Mô hình tự quản",
        Kind::Review => "Sơ kết, tổng kết mô hình",
        Kind::Team => "Tổ bảo vệ ANTT",
        Kind::Member => "Thành viên tổ bảo vệ ANTT",
        Kind::Activity => "Hoạt động",
        Kind::Meeting => "Cuộc họp",
        Kind::Commendation => "Khen thưởng",
        Kind::Cert => "Xét công nhận \"An toàn về ANTT\"",
        Kind::Inspection => "Kiểm tra, khắc phục",
        Kind::Remedy => "Nhiệm vụ khắc phục",
        Kind::RemedyReport => "Báo cáo kết quả khắc phục",
        Kind::Plan => "Kế hoạch, chỉ tiêu năm",
        Kind::KeyArea => "Địa bàn trọng điểm, phức tạp",
        Kind::KeyAreaReview => "Đánh giá địa bàn trọng điểm",
    }
}

/// The columns a register's list shows after the record's title.
pub fn list_columns(k: Kind) -> &'static [&'static str] {
    match k {
        Kind::Area => &["kind", "households", "households_registered", "population", "head"],
        Kind::Unit => &["kind", "category", "head", "staff_count"],
        Kind::Model => &["kind", "model_type", "area_ids", "founded_on", "status"],
        Kind::Review => &["model_id", "date", "kind", "rating"],
        Kind::Team => &["area_ids", "decision_number", "decision_date"],
        Kind::Member => &["team_id", "role", "date_of_birth", "appointed_on"],
        Kind::Activity => &["category", "date", "area_id", "place"],
        Kind::Meeting => &["kind", "starts_at", "place", "chair"],
        Kind::Commendation => &["form", "recipient_kind", "issuer", "date"],
        Kind::Cert => &["year", "subject", "step"],
        Kind::Inspection => &["by", "area_id", "unit_id", "starts_on", "leader"],
        Kind::Remedy => &["inspection_id", "responsible", "deadline"],
        Kind::RemedyReport => &["remedy_id", "date", "verdict"],
        Kind::Plan => &["year", "number", "issued_on", "signer"],
        Kind::KeyArea => &["area_ids", "officer", "deadline", "status"],
        Kind::KeyAreaReview => &["key_area_id", "date", "progress", "assessed_by"],
    }
}

/// A register with its names and how many records it holds.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RegisterInfo {
    pub kind: Kind,
    /// As a menu shows it (`Khu dân cư`).
    pub title: String,
    /// Lower case, inside a sentence (`khu dân cư`): "Thêm khu dân cư".
    pub noun: String,
    pub count: u32,
}

/// A count as the window's numbers take it (`u32`; what does not fit reads as the largest).
pub fn count(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The values a new record of `kind` starts from on `today`: a plan starts as the current year's,
/// with the targets the province sent for this commune; other registers start empty.
pub fn new_values(store: &Store, kind: Kind, today: chrono::NaiveDate) -> Result<crate::domain::Doc> {
    match kind {
        Kind::Plan => crate::steer::plan_defaults(store, crate::steer::current_year(store, today)?),
        _ => Ok(crate::domain::Doc::new()),
    }
}

/// The registers the logged-in officer may read, with their counts (a viewer sees the key areas
/// only when the chief allowed it).
pub fn registers(store: &Store) -> Result<Vec<RegisterInfo>> {
    let mut out = Vec::new();
    for (k, n) in store.counts()? {
        if store.may_read(k)? {
            out.push(register_info(k, n));
        }
    }
    Ok(out)
}

pub fn register_info(kind: Kind, n: i64) -> RegisterInfo {
    RegisterInfo { kind, title: register_title(kind).into(), noun: kind.label().into(), count: count(n) }
}

/// One choice of a select: a code and its Vietnamese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// Offered only while the field [`FieldSpec::choices_follow`] has this value (a unit's category
    /// follows its kind).
    pub parent: Option<String>,
}

/// How a form edits a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Input {
    Text,
    Textarea,
    Int,
    Bool,
    Date,
    DateTime,
    Select,
    Link,
    Links,
    TextList,
    Grades,
    /// Several of the choices (check boxes).
    Choices,
    /// A year (a whole number in 1900..=2100): written without a thousands separator.
    Year,
}

/// A field of a form, from the core's field list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldSpec {
    pub key: String,
    pub label: String,
    pub input: Input,
    pub required: bool,
    /// Set only by an operation (dissolve, replicate): shown, never edited.
    pub system: bool,
    /// Longest text accepted, in characters.
    pub max_len: Option<u32>,
    /// Choices of a select (options, reference list) or of a yearly grade.
    pub choices: Vec<Choice>,
    /// The register a link points to.
    pub link: Option<Kind>,
    /// The field whose value decides which choices are offered (see [`Choice::parent`]).
    pub choices_follow: Option<String>,
    /// A yes/no field's starting value in a new record, and how another field's value changes it.
    pub bool_default: Option<BoolDefault>,
    /// Required only while another field has a value (marked then, refused empty by the core).
    pub required_if: Option<RequiredIf>,
}

/// A yes/no field's default: `value`, or the one of `follows`'s value in `by`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoolDefault {
    pub value: bool,
    pub follows: String,
    pub by: Vec<BoolBy>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoolBy {
    pub code: String,
    pub value: bool,
}

/// "Required while `key` is `value`", and what the form says about it ("khi kết quả là Đạt").
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredIf {
    pub key: String,
    pub value: String,
    pub text: String,
}

fn choices(store: &Store, ty: &FieldType) -> Result<Vec<Choice>> {
    Ok(match ty {
        FieldType::Enum { options } => {
            options.iter().map(|(c, l)| Choice { code: c.clone(), label: l.clone(), parent: None }).collect()
        }
        FieldType::Ref { list } | FieldType::Refs { list } => {
            store.ref_items(list)?.into_iter().map(|i| Choice { code: i.code, label: i.label, parent: None }).collect()
        }
        FieldType::Grades => {
            domain::GRADES.iter().map(|(c, l)| Choice { code: (*c).into(), label: (*l).into(), parent: None }).collect()
        }
        _ => Vec::new(),
    })
}

pub fn field_spec(store: &Store, f: &domain::Field) -> Result<FieldSpec> {
    let (input, max_len, link) = match &f.ty {
        FieldType::Text { max, multiline: true } => (Input::Textarea, Some(*max as u32), None),
        FieldType::Text { max, .. } => (Input::Text, Some(*max as u32), None),
        FieldType::Int { min, max } if *min >= 1900 && *max <= 2100 => (Input::Year, None, None),
        FieldType::Int { .. } => (Input::Int, None, None),
        FieldType::Bool => (Input::Bool, None, None),
        FieldType::Date => (Input::Date, None, None),
        FieldType::DateTime => (Input::DateTime, None, None),
        FieldType::Enum { .. } | FieldType::Ref { .. } => (Input::Select, None, None),
        FieldType::Refs { .. } => (Input::Choices, None, None),
        FieldType::Link { kind } => (Input::Link, None, Some(*kind)),
        FieldType::Links { kind } => (Input::Links, None, Some(*kind)),
        FieldType::TextList => (Input::TextList, None, None),
        FieldType::Grades => (Input::Grades, None, None),
    };
    Ok(FieldSpec {
        key: f.key.clone(),
        label: f.label.clone(),
        input,
        required: f.required,
        system: f.system,
        max_len,
        choices: choices(store, &f.ty)?,
        link,
        choices_follow: None,
        bool_default: None,
        required_if: None,
    })
}

/// The form of a register for a record with the values `doc`: its fields, with what the rules let
/// a form know before saving (choices that follow another field, a default that follows one).
pub fn register_fields(store: &Store, kind: Kind, doc: &crate::domain::Doc) -> Result<Vec<FieldSpec>> {
    use crate::domain::registers::hints;
    store
        .fields_for(kind, doc)?
        .iter()
        .map(|f| {
            let mut spec = field_spec(store, f)?;
            for c in &mut spec.choices {
                if let Some((parent, value)) = hints::choice_parent(kind, &f.key, &c.code) {
                    spec.choices_follow = Some(parent.to_owned());
                    c.parent = Some(value.to_owned());
                }
            }
            spec.bool_default = hints::bool_default(kind, &f.key).map(|d| BoolDefault {
                value: d.value,
                follows: d.follows.to_owned(),
                by: d.by.into_iter().map(|(code, value)| BoolBy { code: code.to_owned(), value }).collect(),
            });
            Ok(spec)
        })
        .collect()
}

/// The form fields of `fields`.
pub fn field_specs(store: &Store, fields: &[domain::Field]) -> Result<Vec<FieldSpec>> {
    fields.iter().map(|f| field_spec(store, f)).collect()
}

/// A column of a register's list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Column {
    pub key: String,
    pub label: String,
    /// Numbers are right-aligned.
    pub numeric: bool,
    pub sortable: bool,
    /// Non-empty when the list can be filtered on this column (a select of these choices).
    pub filter: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Row {
    pub id: Uuid,
    pub title: String,
    /// One cell per column, as displayed.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListPage {
    /// How many records match the search and filters, whatever the paging.
    pub total: u32,
    pub offset: u32,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// Whether a list sorts by a column of this type: not by a link to other records (their ids).
pub fn sortable(ty: &FieldType) -> bool {
    !matches!(ty, FieldType::Link { .. } | FieldType::Links { .. })
}

/// A page of a register's list: its columns and each record's cells as displayed.
pub fn list_page(store: &Store, kind: Kind, q: &ListQuery) -> Result<ListPage> {
    let page = store.list(kind, q)?;
    let all = domain::fields(kind);
    let fields: Vec<&domain::Field> =
        list_columns(kind).iter().filter_map(|k| all.iter().find(|f| f.key == *k)).collect();
    let columns = fields
        .iter()
        .map(|f| {
            Ok(Column {
                key: f.key.clone(),
                label: f.label.clone(),
                numeric: matches!(f.ty, FieldType::Int { .. }),
                sortable: sortable(&f.ty),
                filter: match f.ty {
                    FieldType::Enum { .. } | FieldType::Ref { .. } => choices(store, &f.ty)?,
                    _ => Vec::new(),
                },
            })
        })
        .collect::<Result<_>>()?;
    let names = Names::new(store);
    let rows = page
        .records
        .iter()
        .map(|r| Row {
            id: r.id,
            title: r.title.clone(),
            cells: fields.iter().map(|f| r.data.get(&f.key).map(|v| names.value(f, v)).unwrap_or_default()).collect(),
        })
        .collect();
    Ok(ListPage { total: page.total as u32, offset: q.offset, columns, rows })
}

/// A linked record, to open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LinkRef {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
}

impl From<&Record> for LinkRef {
    fn from(r: &Record) -> LinkRef {
        LinkRef { kind: r.kind, id: r.id, title: r.title.clone() }
    }
}

/// The live records a link field of `doc` points to.
pub fn links(names: &Names<'_>, f: &domain::Field, doc: &domain::Doc) -> Vec<LinkRef> {
    names.links(f, doc).into_iter().map(|(kind, id, title)| LinkRef { kind, id, title }).collect()
}

/// One field of a record as the detail page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValueView {
    pub key: String,
    pub label: String,
    pub text: String,
    /// The records a link field points to.
    pub links: Vec<LinkRef>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordView {
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
    /// A dissolved model and its reviews can only be read.
    pub read_only: bool,
    pub values: Vec<ValueView>,
    /// The stored fields (ISO dates, codes, ids), to fill the edit form.
    pub data: Value,
}

/// Whether a record can only be read: a dissolved model, and the reviews of one; an ended key area,
/// and its assessments.
pub fn read_only(store: &Store, r: &Record) -> bool {
    match r.kind {
        Kind::Model => domain::model::is_dissolved(&r.data),
        Kind::KeyArea => domain::registers::key_area_ended(&r.data),
        // The province's inspection and its tasks change only through its signed bundle.
        Kind::Inspection | Kind::Remedy if store.signed_by_province(r.id).unwrap_or(false) => true,
        Kind::KeyAreaReview => match r.data.ids_of("key_area_id").first() {
            Some(a) => store.get(Kind::KeyArea, *a).is_ok_and(|a| domain::registers::key_area_ended(&a.data)),
            None => false,
        },
        Kind::Review => match r.data.ids_of("model_id").first() {
            Some(m) => store.get(Kind::Model, *m).is_ok_and(|m| domain::model::is_dissolved(&m.data)),
            None => false,
        },
        // A task accepted as done, and an answer already judged (see `domain::inspection`).
        Kind::Remedy => {
            let q = ListQuery {
                filters: vec![crate::store::Filter {
                    field: "remedy_id".into(),
                    op: crate::store::Op::Eq,
                    value: r.id.to_string(),
                }],
                ..ListQuery::default()
            };
            store
                .list(Kind::RemedyReport, &q)
                .is_ok_and(|p| p.records.iter().any(|a| a.data.str_of("verdict") == Some("dat")))
        }
        Kind::RemedyReport => r.data.contains_key("verdict"),
        _ => false,
    }
}

pub fn record_view(store: &Store, r: &Record) -> Result<RecordView> {
    let fields = store.fields_for(r.kind, &r.data)?;
    let names = Names::new(store);
    let values = fields
        .iter()
        .filter_map(|f| {
            let v = r.data.get(&f.key)?;
            Some(ValueView {
                key: f.key.clone(),
                label: f.label.clone(),
                text: names.value(f, v),
                links: links(&names, f, &r.data),
            })
        })
        .collect();
    Ok(RecordView {
        id: r.id,
        kind: r.kind,
        title: r.title.clone(),
        read_only: read_only(store, r),
        values,
        data: Value::Object(r.data.clone()),
    })
}

/// A model with its life cycle: reviews (oldest first), the model it was replicated from, its replicas.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelView {
    pub model: RecordView,
    pub dissolved: bool,
    pub reviews: Vec<RecordView>,
    pub origin: Option<LinkRef>,
    pub replicas: Vec<LinkRef>,
}

pub fn model_view(store: &Store, h: &ModelHistory) -> Result<ModelView> {
    Ok(ModelView {
        model: record_view(store, &h.model)?,
        dissolved: domain::model::is_dissolved(&h.model.data),
        reviews: h.reviews.iter().map(|r| record_view(store, r)).collect::<Result<_>>()?,
        origin: h.origin.as_ref().map(LinkRef::from),
        replicas: h.replicas.iter().map(LinkRef::from).collect(),
    })
}
