// The desktop window of phongtrao. No console window on Windows release builds.
#![cfg_attr(all(not(debug_assertions), target_os = "windows"), windows_subsystem = "windows")]

fn main() {
    phongtrao_app::run();
}
