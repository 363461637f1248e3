// The app's own commands are declared here so that capabilities/main.json can allow exactly them.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(phongtrao_commands())),
    )
    .expect("tauri-build");
}

/// Every command of src/commands.rs (a test checks the list against the registered handlers).
fn phongtrao_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "setup",
        "open_demo",
        "find_provinces",
        "find_communes",
        "login",
        "logout",
        "registers",
        "fields",
        "list",
        "get_record",
        "create_record",
        "update_record",
        "delete_record",
        "model_history",
        "review_model",
        "replicate_model",
        "dissolve_model",
        "dashboard",
        "search",
        "accounts",
        "add_account",
        "set_role",
        "change_password",
        "remove_account",
        "backups",
        "backup_to",
        "restore_backup",
        "sync_view",
        "export_bundle",
        "verify_bundle",
        "import_bundle",
        "enroll",
        "cert_overview",
        "cert_view",
        "cert_advance",
        "cert_revert",
        "cert_settings",
        "cert_result",
        "print_forms",
        "print_cert_forms",
        "print_form",
        "open_printed",
    ]
}
