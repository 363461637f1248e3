//! The movement's figures for a reporting period: the indicators of the yearly report list
//! (`report_indicator`), models by kind and status, teams and members, households registered and
//! committed, and the "An toàn về ANTT" results by unit kind.
//!
//! One pure computation over a commune's live records, used as it is by the commune (`phongtrao
//! figures`, from its store) and by the province (`phongtrao province figures`, from the records its
//! communes sent): for the same records both print the same JSON. The province's total is the sum
//! of its communes' figures ([`Figures::add`]).

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::domain::cert::{Cert, Subject};
use crate::domain::{Doc, DocExt, Kind, RefItem, RefSet};
use crate::period::Window;

/// The registers the figures read.
pub const KINDS: [Kind; 6] = [Kind::Activity, Kind::Model, Kind::Area, Kind::Team, Kind::Member, Kind::Cert];

/// One indicator of the report list and its value in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub code: String,
    pub label: String,
    pub value: i64,
    /// Out of how many (the recognised units: out of the registered ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<i64>,
}

/// Models of one kind at the end of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRow {
    pub kind: String,
    pub label: String,
    pub active: i64,
    pub dissolved: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Households {
    /// Households in the residential areas.
    pub total: i64,
    /// Of which registered in the movement.
    pub registered: i64,
    /// Households that signed a commitment (activities "cam kết" in the period).
    pub committed: i64,
}

/// "An toàn về ANTT" results of one kind of unit, for the certification year the period ends in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnttRow {
    pub subject: String,
    pub label: String,
    pub registered: i64,
    pub recognised: i64,
    /// recognised / registered, in percent with one decimal (`None` when none registered).
    pub percent: Option<f64>,
}

/// The figures of one commune (or of the province, summed) for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// `2026-11`.
    pub period: String,
    /// "Tháng 11/2026 (15/10/2026 – 14/11/2026)".
    pub label: String,
    /// First and last day of the period, `yyyy-mm-dd`.
    pub start: String,
    pub end: String,
    /// The certification year of [`Figures::antt`].
    pub cert_year: i32,
    pub indicators: Vec<Indicator>,
    pub models: Vec<ModelRow>,
    pub teams: i64,
    pub members: i64,
    pub households: Households,
    pub antt: Vec<AnttRow>,
}

/// The reference lists the figures name things with.
#[derive(Debug, Clone)]
pub struct Labels {
    pub indicators: Vec<RefItem>,
    pub model_kinds: Vec<RefItem>,
}

impl Labels {
    /// The lists this release ships.
    pub fn builtin() -> Labels {
        let set = RefSet::builtin();
        let list = |name: &str| set.lists.iter().find(|l| l.list == name).map(|l| l.items.clone()).unwrap_or_default();
        Labels { indicators: list("report_indicator"), model_kinds: list("model_kind") }
    }
}

/// What the figures read of a record: a field's text, number or yes/no (a whole record, or only the
/// fields the figures need, [`FigureFields`]).
pub trait Fields {
    fn text(&self, key: &str) -> Option<&str>;
    fn int(&self, key: &str) -> Option<i64>;
    /// `true` only for the JSON `true`.
    fn yes(&self, key: &str) -> bool;
}

impl Fields for Doc {
    fn text(&self, key: &str) -> Option<&str> {
        self.str_of(key)
    }
    fn int(&self, key: &str) -> Option<i64> {
        self.int_of(key)
    }
    fn yes(&self, key: &str) -> bool {
        self.get(key).and_then(|v| v.as_bool()) == Some(true)
    }
}

/// The only fields of an activity, a model or an area that the figures read, parsed from a record's
/// JSON text without building the others (the province reads every record of a hundred communes). A
/// field of another type than its register's makes the parse fail: [`Parsed::parse`] then reads the
/// whole record, so the figures are the same either way.
#[derive(Debug, Default, Deserialize)]
pub struct FigureFields<'a> {
    #[serde(borrow, default)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    date: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    end_date: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    item_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    founded_on: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    dissolved_on: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    attendances: Option<i64>,
    #[serde(default)]
    quantity: Option<i64>,
    #[serde(default)]
    households: Option<i64>,
    #[serde(default)]
    households_registered: Option<i64>,
    #[serde(default)]
    sites: Option<i64>,
    #[serde(default)]
    participants: Option<i64>,
    #[serde(default)]
    useful: Option<bool>,
    #[serde(default)]
    case_solved: Option<bool>,
}

impl Fields for FigureFields<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        match key {
            "category" => &self.category,
            "date" => &self.date,
            "end_date" => &self.end_date,
            "item_type" => &self.item_type,
            "founded_on" => &self.founded_on,
            "dissolved_on" => &self.dissolved_on,
            "kind" => &self.kind,
            _ => &None,
        }
        .as_deref()
    }
    fn int(&self, key: &str) -> Option<i64> {
        match key {
            "attendances" => self.attendances,
            "quantity" => self.quantity,
            "households" => self.households,
            "households_registered" => self.households_registered,
            "sites" => self.sites,
            "participants" => self.participants,
            _ => None,
        }
    }
    fn yes(&self, key: &str) -> bool {
        let v = match key {
            "useful" => self.useful,
            "case_solved" => self.case_solved,
            _ => None,
        };
        v == Some(true)
    }
}

/// A record as the figures read it from its JSON text ([`Builder::add_parsed`]).
#[derive(Debug)]
pub enum Parsed<'a> {
    Fields(FigureFields<'a>),
    Doc(Doc),
    Cert(Box<Cert>),
    /// A register the figures do not read (or count without reading: teams, members).
    Nothing,
}

impl<'a> Parsed<'a> {
    /// Reads what the figures need of a record of `kind` stored as `text`. Fails only when the text
    /// is not a JSON object (as reading the whole record would).
    pub fn parse(kind: Kind, text: &'a str) -> serde_json::Result<Parsed<'a>> {
        Parsed::parse_bytes(kind, text.as_bytes())
    }

    /// As [`Parsed::parse`], from the text's bytes as stored: the UTF-8 of what is taken is checked,
    /// the rest is skipped (the province's records were written as text by its import).
    pub fn parse_bytes(kind: Kind, text: &'a [u8]) -> serde_json::Result<Parsed<'a>> {
        match kind {
            Kind::Activity | Kind::Model | Kind::Area => match serde_json::from_slice::<FigureFields<'a>>(text) {
                Ok(f) => Ok(Parsed::Fields(f)),
                Err(_) => serde_json::from_slice::<Doc>(text).map(Parsed::Doc),
            },
            Kind::Team | Kind::Member => Ok(Parsed::Fields(FigureFields::default())),
            Kind::Cert => match serde_json::from_slice::<Cert>(text) {
                Ok(c) => Ok(Parsed::Cert(Box::new(c))),
                Err(_) => serde_json::from_slice::<Doc>(text).map(Parsed::Doc),
            },
            _ => Ok(Parsed::Nothing),
        }
    }
}

/// A certification record's year and subject, read without the rest of it: a record that reads so
/// and that no window counts ([`Builder::counts_cert`]) counts nothing whatever the rest holds (a
/// whole [`Cert`] that reads has the same year and subject; one that does not read counts nothing).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct CertKey {
    pub year: i32,
    pub subject: Subject,
}

/// The running sums of a [`Builder`] while the records stream past: what a period's figures are
/// made of before they are named with the lists ([`Builder::finish`]). The province keeps them per
/// commune and period between reads (`province::figures`), as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    by_code: HashMap<Cow<'static, str>, i64>,
    models: HashMap<String, (i64, i64)>,
    teams: i64,
    members: i64,
    households: Households,
    antt: HashMap<Subject, (i64, i64)>,
}

impl Sums {
    /// Takes away sums counted of some of the same records (every figure is a sum over records, so
    /// the sums of the records less these are these sums less theirs). A count that comes to zero
    /// is dropped, as if never counted: a model kind no list names is shown only while counted.
    pub fn subtract(&mut self, o: &Sums) {
        for (k, v) in &o.by_code {
            *self.by_code.entry(k.clone()).or_default() -= v;
        }
        self.by_code.retain(|_, v| *v != 0);
        for (k, (a, d)) in &o.models {
            let e = self.models.entry(k.clone()).or_default();
            e.0 -= a;
            e.1 -= d;
        }
        self.models.retain(|_, v| *v != (0, 0));
        self.teams -= o.teams;
        self.members -= o.members;
        self.households.total -= o.households.total;
        self.households.registered -= o.households.registered;
        self.households.committed -= o.households.committed;
        for (k, (r, c)) in &o.antt {
            let e = self.antt.entry(*k).or_default();
            e.0 -= r;
            e.1 -= c;
        }
        self.antt.retain(|_, v| *v != (0, 0));
    }
}

/// Adds records one by one, then [`Builder::finish`]es.
pub struct Builder<'a> {
    window: Window,
    labels: &'a Labels,
    start: String,
    end: String,
    acc: Sums,
}

impl<'a> Builder<'a> {
    pub fn new(window: Window, labels: &'a Labels) -> Builder<'a> {
        Builder {
            window,
            labels,
            start: crate::date::iso(window.start),
            end: crate::date::iso(window.end),
            acc: Sums::default(),
        }
    }

    /// A builder that starts from sums counted before (by [`Builder::into_sums`] for the same window).
    pub fn with_sums(window: Window, labels: &'a Labels, sums: Sums) -> Builder<'a> {
        Builder { acc: sums, ..Builder::new(window, labels) }
    }

    /// The sums counted so far, unnamed.
    pub fn into_sums(self) -> Sums {
        self.acc
    }

    /// Adds one live record.
    pub fn add(&mut self, kind: Kind, d: &Doc) {
        match kind {
            Kind::Cert => {
                if let Ok(c) = Cert::from_doc(d) {
                    self.cert(&c)
                }
            }
            _ => self.fields(kind, d),
        }
    }

    /// Adds one live record read by [`Parsed::parse`].
    pub fn add_parsed(&mut self, kind: Kind, r: &Parsed<'_>) {
        match r {
            Parsed::Fields(f) => self.fields(kind, f),
            Parsed::Doc(d) => self.add(kind, d),
            Parsed::Cert(c) => self.cert(c),
            Parsed::Nothing => {}
        }
    }

    fn fields<F: Fields>(&mut self, kind: Kind, d: &F) {
        match kind {
            Kind::Activity => self.activity(d),
            Kind::Model => {
                // As the yearly report counts them: founded by the end, dissolved by the end.
                let founded = d.text("founded_on").is_some_and(|f| f <= self.end.as_str());
                if founded {
                    let dissolved = d.text("dissolved_on").is_some_and(|x| x <= self.end.as_str());
                    let kind = d.text("kind").unwrap_or_default();
                    let e = match self.acc.models.get_mut(kind) {
                        Some(e) => e,
                        None => self.acc.models.entry(kind.to_owned()).or_default(),
                    };
                    if dissolved { e.1 += 1 } else { e.0 += 1 }
                }
            }
            Kind::Area => {
                self.acc.households.total += d.int("households").unwrap_or(0);
                self.acc.households.registered += d.int("households_registered").unwrap_or(0);
            }
            Kind::Team => self.acc.teams += 1,
            Kind::Member => self.acc.members += 1,
            _ => {}
        }
    }

    /// Whether a certification record of `year` and `subject` counts in this builder's figures.
    pub fn counts_cert(&self, year: i32, subject: Subject) -> bool {
        year == self.window.end.year() && subject != Subject::Xa
    }

    fn cert(&mut self, c: &Cert) {
        if self.counts_cert(c.year, c.subject) {
            let e = self.acc.antt.entry(c.subject).or_default();
            e.0 += c.registered() as i64;
            e.1 += (c.registered() && c.recognised()) as i64;
        }
    }

    fn activity<F: Fields>(&mut self, d: &F) {
        fn bump(acc: &mut Sums, code: &'static str, n: i64) {
            *acc.by_code.entry(Cow::Borrowed(code)).or_default() += n;
        }
        let category = d.text("category").unwrap_or_default();
        let yes = |k: &str| d.yes(k) as i64;
        let int = |k: &str| d.int(k).unwrap_or(0);
        let (start, end, acc) = (self.start.as_str(), self.end.as_str(), &mut self.acc);
        let within = |k: &str| d.text(k).and_then(|x| x.get(..10)).is_some_and(|x| start <= x && x <= end);
        if category == "giao_duc_cong_dong" && within("end_date") {
            bump(acc, "giao_duc_ket_thuc", 1);
        }
        if !within("date") {
            return;
        }
        match category {
            "tuyen_truyen" => {
                bump(acc, "tuyen_truyen_buoi", 1);
                bump(acc, "tuyen_truyen_luot", int("attendances"));
            }
            "tin_bao" => {
                bump(acc, "tin_bao", 1);
                bump(acc, "tin_bao_gia_tri", yes("useful"));
                bump(acc, "vu_viec_giai_quyet", yes("case_solved"));
            }
            "thu_hoi_vu_khi" => match d.text("item_type") {
                Some("vu_khi") => bump(acc, "vu_khi", int("quantity")),
                Some("vat_lieu_no") => bump(acc, "vat_lieu_no", int("quantity")),
                Some("cong_cu_ho_tro") => bump(acc, "cong_cu_ho_tro", int("quantity")),
                _ => {}
            },
            "cam_ket" => {
                bump(acc, "ho_cam_ket", int("households"));
                acc.households.committed += int("households");
            }
            "giao_duc_cong_dong" => bump(acc, "giao_duc_tiep_nhan", 1),
            "kiem_diem" => bump(acc, "kiem_diem", 1),
            "ngay_hoi" => {
                bump(acc, "ngay_hoi_diem", int("sites"));
                bump(acc, "ngay_hoi_nguoi", int("participants"));
            }
            _ => {}
        }
    }

    pub fn finish(self) -> Figures {
        let Builder { window, labels, start, end, acc } = self;
        let mut models: Vec<ModelRow> = labels
            .model_kinds
            .iter()
            .map(|k| {
                let (active, dissolved) = acc.models.get(&k.code).copied().unwrap_or_default();
                ModelRow { kind: k.code.clone(), label: k.label.clone(), active, dissolved }
            })
            .collect();
        let mut others: Vec<_> =
            acc.models.iter().filter(|(k, _)| !labels.model_kinds.iter().any(|m| &&m.code == k)).collect();
        others.sort();
        // A kind the province withdrew: still counted, under its code.
        models.extend(others.into_iter().map(|(k, (a, d))| ModelRow {
            kind: k.clone(),
            label: k.clone(),
            active: *a,
            dissolved: *d,
        }));
        let antt: Vec<AnttRow> = Subject::ALL
            .into_iter()
            .filter(|s| *s != Subject::Xa)
            .map(|s| {
                let (registered, recognised) = acc.antt.get(&s).copied().unwrap_or_default();
                AnttRow {
                    subject: s.code().to_owned(),
                    label: s.label().to_owned(),
                    registered,
                    recognised,
                    percent: percent(recognised, registered),
                }
            })
            .collect();
        let active_models: i64 = models.iter().map(|m| m.active).sum();
        let (registered, recognised) = antt.iter().fold((0, 0), |(a, b), r| (a + r.registered, b + r.recognised));
        let indicators = labels
            .indicators
            .iter()
            .map(|i| {
                let (value, of) = match i.code.as_str() {
                    "mo_hinh_theo_loai" => (active_models, None),
                    "antt_cong_nhan" => (recognised, Some(registered)),
                    code => (acc.by_code.get(code).copied().unwrap_or(0), None),
                };
                Indicator { code: i.code.clone(), label: i.label.clone(), value, of }
            })
            .collect();
        Figures {
            period: window.period.to_string(),
            label: window.label(),
            start,
            end,
            cert_year: window.end.year(),
            indicators,
            models,
            teams: acc.teams,
            members: acc.members,
            households: acc.households,
            antt,
        }
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl Figures {
    /// Adds another commune's figures of the same period (the province's total).
    pub fn add(&mut self, o: &Figures) {
        for i in &o.indicators {
            match self.indicators.iter_mut().find(|x| x.code == i.code) {
                Some(x) => {
                    x.value += i.value;
                    x.of = match (x.of, i.of) {
                        (None, None) => None,
                        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
                    };
                }
                None => self.indicators.push(i.clone()),
            }
        }
        for m in &o.models {
            match self.models.iter_mut().find(|x| x.kind == m.kind) {
                Some(x) => {
                    x.active += m.active;
                    x.dissolved += m.dissolved;
                }
                None => self.models.push(m.clone()),
            }
        }
        self.teams += o.teams;
        self.members += o.members;
        self.households.total += o.households.total;
        self.households.registered += o.households.registered;
        self.households.committed += o.households.committed;
        for a in &o.antt {
            match self.antt.iter_mut().find(|x| x.subject == a.subject) {
                Some(x) => {
                    x.registered += a.registered;
                    x.recognised += a.recognised;
                    x.percent = percent(x.recognised, x.registered);
                }
                None => self.antt.push(a.clone()),
            }
        }
    }

    /// The value of an indicator by code (0 if the list has no such indicator).
    pub fn value(&self, code: &str) -> i64 {
        self.indicators.iter().find(|i| i.code == code).map_or(0, |i| i.value)
    }
}

/// Figures of a set of records.
pub fn compute<'d>(window: Window, labels: &Labels, records: impl IntoIterator<Item = (Kind, &'d Doc)>) -> Figures {
    let mut b = Builder::new(window, labels);
    for (k, d) in records {
        b.add(k, d);
    }
    b.finish()
}

/// The figures of the commune's store for a period (its own reporting rules, else the defaults).
pub fn of_store(store: &crate::Store, period: crate::period::Period) -> crate::Result<Figures> {
    let rules = crate::period::Rules::from_items(&store.ref_items(crate::period::LIST)?);
    let labels = Labels {
        indicators: nonempty(store.ref_items("report_indicator")?, || Labels::builtin().indicators),
        model_kinds: nonempty(store.ref_items("model_kind")?, || Labels::builtin().model_kinds),
    };
    let mut b = Builder::new(rules.window(period), &labels);
    for kind in KINDS {
        for r in store.list(kind, &crate::ListQuery::default())?.records {
            b.add(kind, &r.data);
        }
    }
    Ok(b.finish())
}

fn nonempty(v: Vec<RefItem>, or: impl FnOnce() -> Vec<RefItem>) -> Vec<RefItem> {
    if v.is_empty() { or() } else { v }
}
