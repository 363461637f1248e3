//! What the packages are built from (scripts/package.sh, scripts/windows.sh): checked in every test run,
//! because building the packages themselves takes far too long for it (README.md, "Packages").

use std::path::Path;

use serde_json::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn package_version(cargo_toml: &str) -> String {
    let line = cargo_toml.lines().find(|l| l.starts_with("version = ")).unwrap();
    line.trim_start_matches("version = ").trim_matches('"').to_owned()
}

/// One version everywhere: the packages are named from Cargo.toml's, Tauri stamps tauri.conf.json's.
#[test]
fn every_manifest_carries_the_same_version() {
    let version = package_version(&read("Cargo.toml"));
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(package_version(&read("src-tauri/Cargo.toml")), version);
    let conf: Value = serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap();
    assert_eq!(conf["version"], version.as_str());
    let ui: Value = serde_json::from_str(&read("ui/package.json")).unwrap();
    assert_eq!(ui["version"], version.as_str());
}

/// Tauri names the window's program after `mainBinaryName` (else the product name, "phongtrao"): it
/// must never take the command line's name, in /usr/bin or beside it in target/release.
#[test]
fn the_window_and_the_command_line_never_share_a_file_name() {
    let conf: Value = serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap();
    assert_eq!(conf["mainBinaryName"], "phongtrao-app");
    assert!(read("src-tauri/Cargo.toml").contains("[[bin]]\nname = \"phongtrao-app\""));
    let linux = &conf["bundle"]["linux"];
    for format in ["deb", "rpm"] {
        let files = linux[format]["files"].as_object().unwrap();
        assert_eq!(files["/usr/bin/phongtrao"], "../target/release/phongtrao", "{format}");
        let copyright = files["/usr/share/doc/phongtrao/copyright"].as_str().unwrap();
        assert!(read(&format!("src-tauri/{copyright}")).contains("License: MIT or Apache-2.0"), "{format}");
        assert_eq!(linux[format]["desktopTemplate"], "packaging/linux/phongtrao.desktop", "{format}");
    }
    let targets: Vec<&str> =
        conf["bundle"]["targets"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(targets, ["deb", "rpm"], "no AppImage: its bundler downloads from GitHub");
    // The window's icon is the first PNG listed: the large one.
    assert_eq!(conf["bundle"]["icon"][0], "icons/icon.png");
    for icon in conf["bundle"]["icon"].as_array().unwrap() {
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri").join(icon.as_str().unwrap()).is_file());
    }
    // Both scripts build the production window (Tauri's custom-protocol) with the command line.
    assert!(read("src-tauri/Cargo.toml").contains("custom-protocol = [\"tauri/custom-protocol\"]"));
    for script in ["scripts/package.sh", "scripts/windows.sh"] {
        let s = read(script);
        assert!(s.contains("nice -n 19 cargo build --release --locked"), "{script} builds at the lowest priority");
        assert!(s.contains("--features phongtrao-app/custom-protocol"), "{script}");
    }
}

/// The menu entry: a valid desktop entry, in Vietnamese (NFC, full diacritics), opening the window.
#[test]
fn the_menu_entry_is_vietnamese_and_opens_the_window() {
    let entry = read("src-tauri/packaging/linux/phongtrao.desktop");
    assert!(entry.starts_with("[Desktop Entry]\n"));
    let mut keys = std::collections::HashMap::new();
    for line in entry.lines().skip(1) {
        let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("not a key=value line: {line}"));
        assert!(keys.insert(k, v).is_none(), "{k} twice");
        assert_eq!(v, unicode_normalization::UnicodeNormalization::nfc(v).collect::<String>(), "{k} is not NFC");
    }
    assert_eq!(keys["Type"], "Application");
    assert_eq!(keys["Name"], "Phong trào bảo vệ an ninh Tổ quốc");
    assert_eq!(keys["Name[vi]"], keys["Name"]);
    assert!(keys["Comment"].contains("Công an xã, phường, đặc khu"));
    // Tauri's bundler fills these in: the window's program and its icon.
    assert_eq!((keys["Exec"], keys["Icon"], keys["Terminal"]), ("{{exec}}", "{{icon}}", "false"));
    // Found by typing without accents, too.
    assert!(keys["Keywords"].split(';').any(|k| k == "an ninh trat tu") && keys["Keywords"].ends_with(';'));
    assert!(keys["Categories"].ends_with(';'));
}

/// The Windows installer ships both programs and the WebView2 loader, per user, in Vietnamese, and
/// its uninstaller removes exactly what it installed (never the officer's data in %APPDATA%).
#[test]
fn the_windows_installer_script_installs_and_removes_the_same_files() {
    let nsi = read("src-tauri/packaging/windows/phongtrao.nsi");
    assert!(nsi.contains("RequestExecutionLevel user") && nsi.contains("!insertmacro MUI_LANGUAGE \"Vietnamese\""));
    let installed: Vec<&str> =
        nsi.lines().filter_map(|l| l.trim().strip_prefix("File \"${SRC}\\")).map(|f| f.trim_end_matches('"')).collect();
    assert_eq!(installed, ["phongtrao-app.exe", "phongtrao.exe", "WebView2Loader.dll"]);
    for f in installed.iter().chain(&["phongtrao.ico", "go-cai-dat.exe"]) {
        assert!(nsi.contains(&format!("Delete \"$INSTDIR\\{f}\"")), "the uninstaller leaves {f}");
    }
    assert!(!nsi.contains("$APPDATA"), "the installer never touches the officer's data");
    assert!(nsi.contains("HasWebView2"));
}
