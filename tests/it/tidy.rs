//! Tidy tests: rules about the sources themselves, checked by reading them (rust-analyzer's
//! `tidy.rs` is the model).
//!
//! The layering (ARCHITECTURE.md, "Layers"): the library's top-level modules stand in layers, and a
//! module may use only modules of its own layer or of a lower one. Every `crate::…` and `super::…`
//! path in `src/` (the command line in `src/bin` aside: it stands above the library) is resolved to
//! the top-level module it names; a path into a higher layer fails the test with the file, the line
//! and the rule it breaks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's layers, lowest first. A new top-level module must be placed here.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &["error", "text", "date", "hlc", "fsutil", "crypto", "ahead"]),
    ("domain", &["domain", "period", "units"]),
    ("store", &["keyring", "store"]),
    ("services", &["sync", "print", "backup", "dashboard", "demo", "figures", "province", "sheet", "steer"]),
    ("presentation", &["present"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// One use of a module of a higher layer.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    line: usize,
    from: String,
    to: String,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
    &s[..end]
}

/// The first identifier of each item of a `{a, b::c, self}` group that `s` starts after the `{`.
fn group_heads(s: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item = true;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item = true,
            c if at_item && is_ident(c) && depth == 0 => {
                heads.push(ident_at(&s[i..]));
                at_item = false;
            }
            _ => {}
        }
    }
    heads
}

/// The top-level modules `source` names through `crate::` and `super::` paths. `module` is the
/// file's module path (`["store", "cert"]` for `src/store/cert.rs`); `reexports` maps the names
/// `lib.rs` re-exports to the module they come from. Comment lines are skipped.
fn named_modules(source: &str, module: &[String], reexports: &BTreeMap<String, String>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut from = 0;
        while let Some(i) = ["crate::", "super::"].iter().filter_map(|p| line[from..].find(p)).min() {
            let start = from + i;
            let at = &line[start..];
            let (path, tail) = match at.strip_prefix("crate::") {
                Some(tail) => (Vec::new(), tail),
                None => {
                    let mut path = module.to_vec();
                    let mut tail = at;
                    while let Some(t) = tail.strip_prefix("super::") {
                        path.pop();
                        tail = t;
                    }
                    (path, tail)
                }
            };
            let standalone = line[..start].chars().next_back().is_none_or(|c| !is_ident(c));
            if standalone && path.is_empty() {
                let heads =
                    if let Some(group) = tail.strip_prefix('{') { group_heads(group) } else { vec![ident_at(tail)] };
                for head in heads {
                    let top = reexports.get(head).map_or(head, String::as_str);
                    if !top.is_empty() && top != "self" {
                        found.push((n + 1, top.to_owned()));
                    }
                }
            }
            from = line.len() - tail.len();
        }
    }
    found
}

fn check(source: &str, module: &[String], reexports: &BTreeMap<String, String>) -> Result<Vec<Violation>, String> {
    let from = &module[0];
    let own = layer_of(from).ok_or_else(|| format!("module `{from}` is in no layer of tidy.rs's LAYERS"))?;
    let mut bad = Vec::new();
    for (line, to) in named_modules(source, module, reexports) {
        match layer_of(&to) {
            Some(l) if l > own => bad.push(Violation { line, from: from.clone(), to }),
            Some(_) => {}
            None if to.chars().next().is_some_and(char::is_uppercase) => {
                return Err(format!("line {line}: `crate::{to}` is no module and no re-export of lib.rs"));
            }
            // A macro, a std path written `crate::…` in a doc test, or a module of no layer: the
            // last is caught by the check of lib.rs's modules.
            None => {}
        }
    }
    Ok(bad)
}

/// The names `lib.rs` re-exports (`pub use domain::{Doc, Kind}` → Doc: domain, Kind: domain).
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(stmt) = stmt.trim().strip_prefix("pub use ") else { continue };
        let top = ident_at(stmt).to_owned();
        let names = match stmt.find('{') {
            Some(b) => stmt[b + 1..].trim_end_matches('}').split(',').map(str::trim).collect(),
            None => vec![stmt.rsplit("::").next().unwrap_or_default()],
        };
        for name in names {
            let name = name.rsplit(" as ").next().unwrap_or(name).trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), top.clone());
            }
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/store/cert.rs` → `["store", "cert"]`; `src/store/mod.rs` → `["store"]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

#[test]
fn lower_layers_never_use_upper_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = reexports(&lib);

    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod ")))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    for m in &declared {
        assert!(layer_of(m).is_some(), "src/lib.rs declares `{m}`, which is in no layer: add it to LAYERS in tidy.rs");
    }
    for (_, mods) in LAYERS {
        for m in *mods {
            assert!(declared.contains(m), "LAYERS names `{m}`, which src/lib.rs does not declare");
        }
    }

    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel == Path::new("lib.rs") || rel.starts_with("bin") {
            continue;
        }
        let source = std::fs::read_to_string(file).unwrap();
        match check(&source, &module_path(rel), &reexports) {
            Ok(bad) => problems.extend(bad.into_iter().map(|v| {
                format!(
                    "src/{}:{}: `{}` ({}) uses `{}` ({}), a higher layer",
                    rel.display(),
                    v.line,
                    v.from,
                    LAYERS[layer_of(&v.from).unwrap()].0,
                    v.to,
                    LAYERS[layer_of(&v.to).unwrap()].0
                )
            })),
            Err(e) => problems.push(format!("src/{}: {e}", rel.display())),
        }
        checked += 1;
    }
    assert!(checked > 50, "the sources were not found ({checked} files read)");
    assert!(
        problems.is_empty(),
        "Lower layers never use upper ones (ARCHITECTURE.md, Layers). Move what both need into the lower module:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_layering_check_finds_every_way_to_name_a_module() {
    let reexports = reexports("pub use store::{Commune, Store};\npub use error::{Error, Result};");
    let store = |f: &str| f.split('/').map(str::to_owned).collect::<Vec<_>>();
    let bad = |source: &str, module: &str| {
        check(source, &store(module), &reexports).unwrap().into_iter().map(|v| (v.line, v.to)).collect::<Vec<_>>()
    };
    // Every spelling of a path into a higher layer is found, on its line.
    assert_eq!(bad("use crate::print::doc_number;", "store/documents"), [(1, "print".to_owned())]);
    assert_eq!(bad("let x = 1;\n    crate::sync::bundle::open(b)?;", "store"), [(2, "sync".to_owned())]);
    assert_eq!(
        bad("use crate::{error::Result, sync::{keys, bundle}, backup};", "store/bundles"),
        [(1, "sync".to_owned()), (1, "backup".to_owned())]
    );
    assert_eq!(bad("use super::super::dashboard::Figures;", "store/cert"), [(1, "dashboard".to_owned())]);
    assert_eq!(bad("use super::print;", "domain"), [(1, "print".to_owned())]);
    assert_eq!(bad("fn f(_: crate::Store) {}", "domain/cert"), [(1, "store".to_owned())]);
    assert_eq!(bad("use crate::present::record::RecordView;", "print/fill"), [(1, "present".to_owned())]);
    // Lower and same layers, comments, and names merely ending in `crate`, pass.
    assert!(bad("use crate::{Error, Result, text, domain::Kind};\nuse super::query;", "store").is_empty());
    assert!(bad("// uses crate::sync for bundles\n/// see [`crate::print`]", "store").is_empty());
    assert!(bad("use mycrate::print;\nuse super::super::store::Store;", "sync/bundle").is_empty());
    assert!(bad("use crate::store::Store;\nuse crate::demo::generate;", "dashboard").is_empty());
    // A module in no layer and a name lib.rs does not export are errors, not passes.
    assert!(check("", &store("newmodule"), &reexports).is_err());
    assert!(check("use crate::Mystery;", &store("store"), &reexports).is_err());
}
