//! The desktop window of phongtrao: a Tauri 2 shell over the core library.
//!
//! - [`admin`]: accounts and backups as the window shows them.
//! - [`commands`]: the Tauri commands (parse, call the core, map the error).
//! - [`error`]: the one error shape crossing IPC, `{code, message, fields?}`.
//! - [`print`]: "In": forms printed and saved by the core, previewed, opened in the system viewer.
//! - [`sync`]: the sync with the province (bundles by USB stick) as the window shows it.
//! - [`session`]: the officer's session over the core's accounts (setup checks, login names).
//! - [`view`]: the names of what crosses IPC; every one of those types (register names, lists and their
//!   arguments, records, forms, the certification's pages, the dashboard) is `phongtrao::present`'s.
//!
//! The TypeScript bindings (`ui/src/bindings.ts`) are generated from these commands and types by
//! tauri-specta; `cargo test -p phongtrao-app` fails when the checked-in file is stale, and
//! `PHONGTRAO_WRITE_BINDINGS=1 cargo test -p phongtrao-app bindings` rewrites it.

pub mod admin;
pub mod commands;
pub mod error;
pub mod inspections;
pub mod print;
pub mod province;
pub mod review;
pub mod session;
pub mod sync;
pub mod view;

use std::path::PathBuf;
use std::sync::Mutex;

/// The store file: `PHONGTRAO_DB`, else the platform's data folder (as the command line).
pub fn store_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PHONGTRAO_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    phongtrao::fsutil::default_store_path().unwrap_or_else(|| PathBuf::from("phongtrao.db"))
}

/// The province's store folder: `PHONGTRAO_PROVINCE_DIR`, else `cong-an-tinh` beside the commune's store.
pub fn province_dir(store: &std::path::Path) -> PathBuf {
    if let Some(p) = std::env::var_os("PHONGTRAO_PROVINCE_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    store.parent().map_or_else(|| PathBuf::from("cong-an-tinh"), |d| d.join("cong-an-tinh"))
}

/// The commands and their types, for the invoke handler and the bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            app_info,
            setup,
            open_demo,
            find_provinces,
            find_communes,
            login,
            logout,
            registers,
            fields,
            list,
            get_record,
            create_record,
            update_record,
            delete_record,
            model_history,
            review_model,
            inspection_page,
            remedy_list,
            answer_remedy,
            review_remedy,
            replicate_model,
            dissolve_model,
            dashboard,
            new_values,
            key_areas_for_viewers,
            set_key_areas_for_viewers,
            search,
            accounts,
            add_account,
            set_role,
            change_password,
            remove_account,
            backups,
            backup_to,
            restore_backup,
            sync_view,
            export_bundle,
            verify_bundle,
            import_bundle,
            enroll,
            peers_view,
            read_invitation,
            join_commune,
            peer_invite,
            peer_exchange,
            peer_conflicts,
            peer_locked_merges,
            peer_hand_over,
            peer_remove,
            resolve_conflict,
            cert_overview,
            cert_view,
            cert_advance,
            cert_revert,
            cert_settings,
            cert_result,
            print_forms,
            print_cert_forms,
            print_form,
            preview_form,
            issued_documents,
            reprint_document,
            open_printed,
            sheet_import,
            sheet_export,
            sheet_template,
            sheet_export_table,
            sheet_sources,
            province::province_setup,
            province::open_demo_province,
            province::province_login,
            province::province_drives,
            province::province_scan,
            province::province_intake_start,
            province::province_intake_next,
            province::province_intake_finish,
            province::province_intake_cut,
            province::province_roster,
            province::province_enrolled,
            province::province_key_check,
            province::province_register,
            province::province_revoke,
            province::province_enrollment,
            province::province_receipt,
            province::province_export,
            province::province_late_pdf,
            province::province_quarantine_pdf,
            province::province_report_print,
            province::province_reference,
            province::province_reference_changes,
            province::province_reference_send,
            province::province_trend,
            province::province_quarantine,
            province::province_decide,
            province::province_figures,
            province::province_targets,
            province::province_set_targets,
            province::province_send_targets,
            province::province_key_areas,
            province::province_behind,
            province::province_report_preview,
            inspections::province_inspections,
            inspections::province_inspection,
            inspections::province_add_inspection,
            inspections::province_review_answer,
            inspections::province_inspection_send,
            inspections::province_inspection_pdf,
            inspections::province_inspection_save,
            review::province_review_rows,
            review::province_review_records,
            review::province_review_decide,
            review::province_review_decided,
            review::province_review_send,
            review::province_held,
            review::province_held_decide,
            review::review_view,
            review::review_done,
            pick_path,
        ])
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // Only serde_json::Value (a record's fields) carries 64-bit numbers; its counts fit in a JS number.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (no separate _Serialize/_Deserialize shapes).
        .disable_serde_phases()
}

/// The bindings' header: they are generated, not edited.
pub const BINDINGS_HEADER: &str = "// Generated from src-tauri by tauri-specta: do not edit.\n// Rewrite: PHONGTRAO_WRITE_BINDINGS=1 cargo test -p phongtrao-app bindings\n";

pub fn run() {
    let builder = specta_builder();
    let path = store_path();
    let province = province_dir(&path);
    let app = commands::App::start(path, province);
    tauri::Builder::default()
        .manage(Mutex::new(app))
        // The native file and folder dialogs, opened only by the `pick_path` command: the capability
        // grants the page none of the plugin's own commands (no dialog:*, no fs plugin).
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .build(tauri::generate_context!())
        .expect("không mở được cửa sổ ứng dụng")
        .run(|handle, event| {
            // The window closed during an intake of a stick: the receipts of the bundles it imported
            // are written before the program ends (the next intake of the stick writes any it lost).
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                if let Ok(mut app) = handle.state::<Mutex<commands::App>>().lock() {
                    app.end_intake();
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn export() -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bindings.ts");
        super::specta_builder()
            .export(specta_typescript::Typescript::default().header(super::BINDINGS_HEADER), &path)
            .unwrap();
        std::fs::read_to_string(&path).unwrap()
    }

    /// The checked-in bindings are what the Rust side generates (rewrite: PHONGTRAO_WRITE_BINDINGS=1).
    #[test]
    fn bindings_are_up_to_date() {
        let fresh = export();
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        if std::env::var_os("PHONGTRAO_WRITE_BINDINGS").is_some() {
            std::fs::write(&file, &fresh).unwrap();
            return;
        }
        let old = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            old == fresh,
            "ui/src/bindings.ts is stale: run PHONGTRAO_WRITE_BINDINGS=1 cargo test -p phongtrao-app bindings and commit it"
        );
    }

    /// Every registered command is allowed by the capability and declared in build.rs, and no more.
    #[test]
    fn capability_allows_exactly_the_commands() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("capabilities/main.json")).unwrap()).unwrap();
        let mut allowed: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().trim_start_matches("allow-").replace('-', "_"))
            .collect();
        allowed.sort();
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let bindings = export();
        let mut registered: Vec<String> = Vec::new();
        for name in allowed.iter() {
            assert!(build.contains(&format!("\"{name}\"")), "{name} missing from build.rs");
            assert!(
                bindings.contains(&format!("invoke(\"{name}\"")) || bindings.contains(&format!("\"{name}\"")),
                "{name} not a command"
            );
            registered.push(name.clone());
        }
        let declared = build.matches("\",").count();
        assert_eq!(declared, allowed.len(), "build.rs and capabilities/main.json list different commands");
    }

    /// The page is granted no plugin's permission (the dialog plugin is opened by `pick_path` only; no
    /// `dialog:*`, `fs:*`, `core:*`), and the content security policy forbids anything from outside.
    #[test]
    fn the_page_gets_no_plugin_permission_and_no_remote_content() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("capabilities/main.json")).unwrap()).unwrap();
        for p in cap["permissions"].as_array().unwrap() {
            let p = p.as_str().expect("a permission by name, no scope object");
            assert!(p.starts_with("allow-") && !p.contains(':'), "{p}");
        }
        let files: Vec<_> = std::fs::read_dir(root.join("capabilities")).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "one capability file");
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        let csp = &conf["app"]["security"]["csp"];
        assert_eq!(csp["default-src"], "'self'");
        assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost");
        for (k, v) in csp.as_object().unwrap() {
            let v = v.as_str().unwrap();
            assert!(!v.contains("http://") || v == "ipc: http://ipc.localhost", "{k}: {v}");
            assert!(!v.contains("https:") && !v.contains('*'), "{k}: {v}");
        }
    }
}
