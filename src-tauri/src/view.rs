//! What crosses IPC besides errors: mirrors of the core's types (so the TypeScript bindings can be
//! generated without touching the core) and the view shapes of lists, records and the dashboard.
//! Values are shown as an officer reads them (dates dd/mm/yyyy, 1.234, option labels), computed by the
//! core's `display_value`.

use std::cell::RefCell;
use std::collections::HashMap;

use phongtrao::domain::{self, DocExt, FieldType};
use phongtrao::store::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

/// A register of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
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
    Cert,
}

impl From<Kind> for domain::Kind {
    fn from(k: Kind) -> domain::Kind {
        match k {
            Kind::Area => domain::Kind::Area,
            Kind::Unit => domain::Kind::Unit,
            Kind::Model => domain::Kind::Model,
            Kind::Review => domain::Kind::Review,
            Kind::Team => domain::Kind::Team,
            Kind::Member => domain::Kind::Member,
            Kind::Activity => domain::Kind::Activity,
            Kind::Meeting => domain::Kind::Meeting,
            Kind::Commendation => domain::Kind::Commendation,
            Kind::Cert => domain::Kind::Cert,
        }
    }
}

impl From<domain::Kind> for Kind {
    fn from(k: domain::Kind) -> Kind {
        match k {
            domain::Kind::Area => Kind::Area,
            domain::Kind::Unit => Kind::Unit,
            domain::Kind::Model => Kind::Model,
            domain::Kind::Review => Kind::Review,
            domain::Kind::Team => Kind::Team,
            domain::Kind::Member => Kind::Member,
            domain::Kind::Activity => Kind::Activity,
            domain::Kind::Meeting => Kind::Meeting,
            domain::Kind::Commendation => Kind::Commendation,
            domain::Kind::Cert => Kind::Cert,
        }
    }
}

/// The name of a register as a menu or a page title shows it.
pub fn register_title(k: domain::Kind) -> &'static str {
    match k {
        domain::Kind::Area => "Khu dân cư",
        domain::Kind::Unit => "Cơ quan, doanh nghiệp, trường học",
        domain::Kind::Model => "Mô hình tự quản",
        domain::Kind::Review => "Sơ kết, tổng kết mô hình",
        domain::Kind::Team => "Tổ bảo vệ ANTT",
        domain::Kind::Member => "Thành viên tổ bảo vệ ANTT",
        domain::Kind::Activity => "Hoạt động",
        domain::Kind::Meeting => "Cuộc họp",
        domain::Kind::Commendation => "Khen thưởng",
        domain::Kind::Cert => "Xét công nhận \"An toàn về ANTT\"",
    }
}

/// The columns a register's list shows after the record's title.
fn list_columns(k: domain::Kind) -> &'static [&'static str] {
    match k {
        domain::Kind::Area => &["kind", "households", "households_registered", "population", "head"],
        domain::Kind::Unit => &["kind", "category", "head", "staff_count"],
        domain::Kind::Model => &["kind", "model_type", "area_ids", "founded_on", "status"],
        domain::Kind::Review => &["model_id", "date", "kind", "rating"],
        domain::Kind::Team => &["area_ids", "decision_number", "decision_date"],
        domain::Kind::Member => &["team_id", "role", "date_of_birth", "appointed_on"],
        domain::Kind::Activity => &["category", "date", "area_id", "place"],
        domain::Kind::Meeting => &["kind", "starts_at", "place", "chair"],
        domain::Kind::Commendation => &["form", "recipient_kind", "issuer", "date"],
        domain::Kind::Cert => &["year", "subject", "step"],
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct RegisterInfo {
    pub kind: Kind,
    /// As a menu shows it (`Khu dân cư`).
    pub title: String,
    /// Lower case, inside a sentence (`khu dân cư`): "Thêm khu dân cư".
    pub noun: String,
    pub count: u32,
}

/// One choice of a select: a code and its Vietnamese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// How a form edits a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
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
}

/// A field of a form, from the core's field list.
#[derive(Debug, Clone, Serialize, Type)]
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
}

fn choices(store: &Store, ty: &FieldType) -> phongtrao::Result<Vec<Choice>> {
    Ok(match ty {
        FieldType::Enum { options } => {
            options.iter().map(|(c, l)| Choice { code: c.clone(), label: l.clone() }).collect()
        }
        FieldType::Ref { list } => {
            store.ref_items(list)?.into_iter().map(|i| Choice { code: i.code, label: i.label }).collect()
        }
        FieldType::Grades => {
            domain::GRADES.iter().map(|(c, l)| Choice { code: (*c).into(), label: (*l).into() }).collect()
        }
        _ => Vec::new(),
    })
}

pub fn field_spec(store: &Store, f: &domain::Field) -> phongtrao::Result<FieldSpec> {
    let (input, max_len, link) = match &f.ty {
        FieldType::Text { max, multiline: true } => (Input::Textarea, Some(*max as u32), None),
        FieldType::Text { max, .. } => (Input::Text, Some(*max as u32), None),
        FieldType::Int { .. } => (Input::Int, None, None),
        FieldType::Bool => (Input::Bool, None, None),
        FieldType::Date => (Input::Date, None, None),
        FieldType::DateTime => (Input::DateTime, None, None),
        FieldType::Enum { .. } | FieldType::Ref { .. } => (Input::Select, None, None),
        FieldType::Link { kind } => (Input::Link, None, Some((*kind).into())),
        FieldType::Links { kind } => (Input::Links, None, Some((*kind).into())),
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
    })
}

/// Shows values as an officer reads them, remembering reference lists and linked titles.
pub struct Display<'s> {
    store: &'s Store,
    refs: RefCell<HashMap<String, Vec<Choice>>>,
    titles: RefCell<HashMap<Uuid, Option<String>>>,
}

impl<'s> Display<'s> {
    pub fn new(store: &'s Store) -> Display<'s> {
        Display { store, refs: RefCell::default(), titles: RefCell::default() }
    }

    fn title_of(&self, id: Uuid) -> Option<String> {
        if let Some(t) = self.titles.borrow().get(&id) {
            return t.clone();
        }
        let t = self.store.get_any(id).ok().flatten().filter(|r| !r.meta.deleted).map(|r| r.title);
        self.titles.borrow_mut().insert(id, t.clone());
        t
    }

    fn ref_label(&self, list: &str, code: &str) -> Option<String> {
        if !self.refs.borrow().contains_key(list) {
            let items = self
                .store
                .ref_items(list)
                .unwrap_or_default()
                .into_iter()
                .map(|i| Choice { code: i.code, label: i.label })
                .collect();
            self.refs.borrow_mut().insert(list.to_owned(), items);
        }
        self.refs.borrow()[list].iter().find(|c| c.code == code).map(|c| c.label.clone())
    }

    pub fn value(&self, f: &domain::Field, v: &Value) -> String {
        let name_of = |ty: &FieldType, s: &str| -> Option<String> {
            match ty {
                FieldType::Ref { list } => self.ref_label(list, s),
                FieldType::Link { .. } | FieldType::Links { .. } => self.title_of(Uuid::parse_str(s).ok()?),
                _ => None,
            }
        };
        domain::display_value(f, v, &name_of)
    }

    pub fn links(&self, f: &domain::Field, doc: &domain::Doc) -> Vec<LinkRef> {
        let kind = match f.ty {
            FieldType::Link { kind } | FieldType::Links { kind } => kind,
            _ => return Vec::new(),
        };
        doc.ids_of(&f.key)
            .into_iter()
            .filter_map(|id| Some(LinkRef { kind: kind.into(), id, title: self.title_of(id)? }))
            .collect()
    }
}

/// A column of a register's list.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Column {
    pub key: String,
    pub label: String,
    /// Numbers are right-aligned.
    pub numeric: bool,
    pub sortable: bool,
    /// Non-empty when the list can be filtered on this column (a select of these choices).
    pub filter: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Row {
    pub id: Uuid,
    pub title: String,
    /// One cell per column, as displayed.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ListPage {
    /// How many records match the search and filters, whatever the paging.
    pub total: u32,
    pub offset: u32,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ge,
    Le,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct FilterArg {
    pub field: String,
    pub op: FilterOp,
    pub value: String,
}

/// What a list asks for: search words (accents ignored), filters, a sort (`field` or `-field`) and a page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct ListArgs {
    pub search: Option<String>,
    pub filters: Vec<FilterArg>,
    pub sort: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl ListArgs {
    pub fn query(&self) -> phongtrao::store::ListQuery {
        use phongtrao::store::{Filter, Op};
        phongtrao::store::ListQuery {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            filters: self
                .filters
                .iter()
                .map(|f| Filter {
                    field: f.field.clone(),
                    op: match f.op {
                        FilterOp::Eq => Op::Eq,
                        FilterOp::Ge => Op::Ge,
                        FilterOp::Le => Op::Le,
                    },
                    value: f.value.clone(),
                })
                .collect(),
            sort: self.sort.clone(),
            limit: Some(self.limit.clamp(1, 500)),
            offset: self.offset,
            include_deleted: false,
        }
    }
}

pub fn list_page(store: &Store, kind: domain::Kind, args: &ListArgs) -> phongtrao::Result<ListPage> {
    let page = store.list(kind, &args.query())?;
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
                sortable: !matches!(f.ty, FieldType::Link { .. } | FieldType::Links { .. }),
                filter: match f.ty {
                    FieldType::Enum { .. } | FieldType::Ref { .. } => choices(store, &f.ty)?,
                    _ => Vec::new(),
                },
            })
        })
        .collect::<phongtrao::Result<_>>()?;
    let d = Display::new(store);
    let rows = page
        .records
        .iter()
        .map(|r| Row {
            id: r.id,
            title: r.title.clone(),
            cells: fields.iter().map(|f| r.data.get(&f.key).map(|v| d.value(f, v)).unwrap_or_default()).collect(),
        })
        .collect();
    Ok(ListPage { total: page.total as u32, offset: args.offset, columns, rows })
}

/// A linked record, to open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct LinkRef {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
}

/// One field of a record as the detail page shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ValueView {
    pub key: String,
    pub label: String,
    pub text: String,
    /// The records a link field points to.
    pub links: Vec<LinkRef>,
}

#[derive(Debug, Clone, Serialize, Type)]
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

pub fn record_view(store: &Store, r: &domain::Record) -> phongtrao::Result<RecordView> {
    let fields = store.fields_for(r.kind, &r.data)?;
    let d = Display::new(store);
    let values = fields
        .iter()
        .filter_map(|f| {
            let v = r.data.get(&f.key)?;
            Some(ValueView {
                key: f.key.clone(),
                label: f.label.clone(),
                text: d.value(f, v),
                links: d.links(f, &r.data),
            })
        })
        .collect();
    let read_only = match r.kind {
        domain::Kind::Model => domain::model::is_dissolved(&r.data),
        domain::Kind::Review => match r.data.ids_of("model_id").first() {
            Some(m) => store.get(domain::Kind::Model, *m).is_ok_and(|m| domain::model::is_dissolved(&m.data)),
            None => false,
        },
        _ => false,
    };
    Ok(RecordView {
        id: r.id,
        kind: r.kind.into(),
        title: r.title.clone(),
        read_only,
        values,
        data: Value::Object(r.data.clone()),
    })
}

/// A model with its life cycle: reviews (oldest first), the model it was replicated from, its replicas.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ModelView {
    pub model: RecordView,
    pub dissolved: bool,
    pub reviews: Vec<RecordView>,
    pub origin: Option<LinkRef>,
    pub replicas: Vec<LinkRef>,
}

fn link(r: &domain::Record) -> LinkRef {
    LinkRef { kind: r.kind.into(), id: r.id, title: r.title.clone() }
}

pub fn model_view(store: &Store, h: &phongtrao::store::ModelHistory) -> phongtrao::Result<ModelView> {
    Ok(ModelView {
        model: record_view(store, &h.model)?,
        dissolved: domain::model::is_dissolved(&h.model.data),
        reviews: h.reviews.iter().map(|r| record_view(store, r)).collect::<phongtrao::Result<_>>()?,
        origin: h.origin.as_ref().map(link),
        replicas: h.replicas.iter().map(link).collect(),
    })
}

/// The result of a write: the record's id and warnings the officer should read.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Saved {
    pub id: Uuid,
    pub warnings: Vec<String>,
}

impl From<phongtrao::Saved> for Saved {
    fn from(s: phongtrao::Saved) -> Saved {
        Saved { id: s.id, warnings: s.warnings }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Hit {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
}

// --- Dashboard (mirrors phongtrao::dashboard) ---

#[derive(Debug, Clone, Serialize, Type)]
pub struct Dashboard {
    /// `yyyy-mm-dd`.
    pub today: String,
    pub year: i32,
    pub totals: Vec<RegisterInfo>,
    pub models_by_kind: Vec<ModelKindRow>,
    pub activities_by_month: Vec<u32>,
    pub activities_by_category: Vec<CategoryCount>,
    pub members_by_team: Vec<TeamRow>,
    pub alerts: Vec<Alert>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ModelKindRow {
    pub kind: String,
    pub label: String,
    pub active: u32,
    pub dissolved: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: u32,
    pub leaders: u32,
    pub deputies: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Alert {
    pub code: String,
    pub message: String,
    pub count: u32,
    pub items: Vec<LinkRef>,
}

fn n(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

pub fn register_info(kind: domain::Kind, count: i64) -> RegisterInfo {
    RegisterInfo { kind: kind.into(), title: register_title(kind).into(), noun: kind.label().into(), count: n(count) }
}

impl From<phongtrao::dashboard::Dashboard> for Dashboard {
    fn from(d: phongtrao::dashboard::Dashboard) -> Dashboard {
        Dashboard {
            today: d.today,
            year: d.year,
            totals: d.totals.into_iter().map(|t| register_info(t.kind, t.count)).collect(),
            models_by_kind: d
                .models_by_kind
                .into_iter()
                .map(|r| ModelKindRow { kind: r.kind, label: r.label, active: n(r.active), dissolved: n(r.dissolved) })
                .collect(),
            activities_by_month: d.activities_by_month.into_iter().map(|m| n(m.count)).collect(),
            activities_by_category: d
                .activities_by_category
                .into_iter()
                .map(|c| CategoryCount { category: c.category, label: c.label, count: n(c.count) })
                .collect(),
            members_by_team: d
                .members_by_team
                .into_iter()
                .map(|t| TeamRow {
                    id: t.id,
                    name: t.name,
                    members: n(t.members),
                    leaders: n(t.leaders),
                    deputies: n(t.deputies),
                })
                .collect(),
            alerts: d
                .alerts
                .into_iter()
                .map(|a| Alert {
                    code: a.code.into(),
                    message: a.message,
                    count: n(a.count),
                    items: a
                        .items
                        .into_iter()
                        .map(|i| LinkRef { kind: i.kind.into(), id: i.id, title: i.title })
                        .collect(),
                })
                .collect(),
        }
    }
}
