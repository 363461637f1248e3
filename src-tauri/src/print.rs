//! "In" from the window: the forms a record fills, a blank form, the certification's step forms and
//! the key-registration form, printed and saved by the core (`phongtrao::print::save`, numbered
//! exactly as `phongtrao print` numbers them), shown in the window and opened in the system's PDF
//! viewer. This only shapes input and output.

use base64::Engine;
use phongtrao::print::fill::PrintRequest;
use phongtrao::print::forms::FormSpec;
use phongtrao::print::save;
use phongtrao::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

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

/// Prints into the print folder.
pub fn print(s: &mut Store, input: PrintInput) -> phongtrao::Result<PrintedView> {
    let key = if input.own_key && !input.blank { Some(save::own_key(s)?) } else { None };
    let req =
        PrintRequest { form: input.form, id: input.id, year: input.year, key, blank: input.blank, date: save::today() };
    let saved = save::print_to(s, &req, &save::default_dir())?;
    Ok(PrintedView {
        title: saved.printed.form.title.into(),
        number: saved.printed.issued.as_ref().map(|d| d.number_text()),
        path: saved.path.display().to_string(),
        message: saved.message(),
        pdf: base64::engine::general_purpose::STANDARD.encode(&saved.printed.pdf),
    })
}
