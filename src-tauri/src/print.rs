//! "In" from the window: the forms a record fills, a blank form, the yearly report, the
//! certification's step forms and the key-registration form, previewed without a number, then
//! printed and saved by the core (`phongtrao::print::save`, numbered exactly as `phongtrao print`
//! numbers them: a reprint keeps its number), shown in the window and opened in the system's PDF
//! viewer; the register of issued documents and reprints from it. This only shapes input and output.

use phongtrao::print::fill::{Numbering, PrintRequest, Printed};
use phongtrao::print::forms::FormSpec;
use phongtrao::print::save;
use phongtrao::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::commands::base64;
use crate::view::Kind;

/// A form the officer may print.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FormChoice {
    /// The form's name (`bien-ban-hop`).
    pub name: String,
    /// Its Vietnamese title.
    pub title: String,
    /// Printing it takes the next number of the commune police's register (not for a blank form).
    pub numbered: bool,
}

fn choice(f: &FormSpec) -> FormChoice {
    FormChoice { name: f.name.into(), title: f.title.into(), numbered: f.numbered() }
}

/// What to print: a form from a record (`id`), a certification form (`id` of the unit or none for the
/// commune, with `year`), the key-registration form (`own_key`), or the blank form.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct PrintInput {
    pub form: String,
    pub id: Option<Uuid>,
    pub year: Option<i32>,
    pub blank: bool,
    /// The key-registration form of this installation's own key.
    pub own_key: bool,
    /// A new document: the next number even when the record's document has one (otherwise a
    /// reprint keeps it).
    pub new_number: bool,
}

/// A document shown before it is saved: no number taken, nothing written.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PreviewView {
    pub title: String,
    /// The number saving will print again ("01/BB-CAX"), or none when it is given on saving.
    pub number: Option<String>,
    /// The record's document was printed before: saving keeps its number.
    pub reprint: bool,
    /// Saving takes a number of the register (the first print of a numbered form).
    pub takes_number: bool,
    /// Which number saving prints, in Vietnamese.
    pub note: String,
    /// The PDF, base64.
    pub pdf: String,
}

/// One document of the register of issued documents.
#[derive(Debug, Clone, Serialize, Type)]
pub struct IssuedView {
    pub id: Uuid,
    pub number: String,
    pub form: String,
    pub form_title: String,
    /// What it is about: the record's title, "Năm 2025"…
    pub about: String,
    /// The record, to open it.
    pub kind: Option<Kind>,
    pub record: Option<Uuid>,
    pub issued_by: String,
    /// The date on the document, dd/mm/yyyy.
    pub issued_on: String,
    /// When the number was taken, "HH:MM dd/mm/yyyy".
    pub issued_at: String,
}

/// A printed and saved document.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PrintedView {
    pub title: String,
    /// "01/BB-CAX" when the document took a number.
    pub number: Option<String>,
    /// The saved PDF file.
    pub path: String,
    /// "Đã lưu … vào tệp …".
    pub message: String,
    /// The PDF, base64, for the preview.
    pub pdf: String,
}

/// The forms filled from a record, or every form (the blank forms' list) without one.
pub fn forms(s: &Store, record: Option<(Kind, Uuid)>) -> phongtrao::Result<Vec<FormChoice>> {
    Ok(match record {
        Some((kind, id)) => save::forms_for(s, kind, id)?.into_iter().map(choice).collect(),
        None => phongtrao::print::forms::FORMS.iter().map(choice).collect(),
    })
}

/// The certification forms of a unit (or the commune) at its step.
pub fn cert_forms(s: &Store, subject: Option<Uuid>, year: i32) -> phongtrao::Result<Vec<FormChoice>> {
    Ok(save::cert_forms(s, subject, year)?.into_iter().map(choice).collect())
}

fn request(s: &mut Store, input: PrintInput) -> phongtrao::Result<PrintRequest> {
    let key = if input.own_key && !input.blank { Some(save::own_key(s)?) } else { None };
    let numbering = if input.new_number { Numbering::New } else { Numbering::Keep };
    Ok(PrintRequest {
        form: input.form,
        id: input.id,
        year: input.year,
        key,
        blank: input.blank,
        date: save::today(),
        numbering,
    })
}

/// Shows the document as saving would print it, taking nothing.
pub fn preview(s: &mut Store, input: PrintInput) -> phongtrao::Result<PreviewView> {
    let blank = input.blank;
    let req = request(s, input)?;
    let p: Printed = save::preview(s, &req)?;
    Ok(PreviewView {
        title: p.form.title.into(),
        number: p.number.clone(),
        reprint: p.reprint,
        takes_number: !blank && p.number.is_none() && p.form.numbered(),
        note: save::preview_note(&p, blank),
        pdf: base64(&p.pdf),
    })
}

fn printed(saved: save::Saved) -> PrintedView {
    PrintedView {
        title: saved.printed.form.title.into(),
        number: saved.printed.number.clone(),
        path: saved.path.display().to_string(),
        message: saved.message(),
        pdf: base64(&saved.printed.pdf),
    }
}

/// Prints into the print folder.
pub fn print(s: &mut Store, input: PrintInput) -> phongtrao::Result<PrintedView> {
    let req = request(s, input)?;
    Ok(printed(save::print_to(s, &req, &save::default_dir())?))
}

/// Prints again an entry of the register, under its number and date.
pub fn reprint(s: &mut Store, id: Uuid) -> phongtrao::Result<PrintedView> {
    Ok(printed(save::reprint_to(s, id, &save::default_dir())?))
}

/// The register of issued documents, newest first.
pub fn issued(s: &Store) -> phongtrao::Result<Vec<IssuedView>> {
    Ok(save::register(s, 500)?
        .into_iter()
        .map(|l| IssuedView {
            id: l.id,
            number: l.number,
            form: l.form.into(),
            form_title: l.form_title,
            about: l.about,
            kind: l.record.map(|(k, _)| k),
            record: l.record.map(|(_, id)| id),
            issued_by: l.issued_by,
            issued_on: l.issued_on,
            issued_at: l.issued_at,
        })
        .collect())
}
