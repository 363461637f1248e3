//! A minimal Tauri 2 window (a blank page, no commands), the baseline of docs/PERFORMANCE.md.
//! `cargo build --release -p phongtrao-app --example minimal`

fn main() {
    let mut context = tauri::generate_context!();
    // Not phongtrao's window: only the blank one below.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "minimal", tauri::WebviewUrl::App("minimal.html".into()))
                .title("Tauri tối giản")
                .inner_size(1366.0, 768.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("không mở được cửa sổ");
}
