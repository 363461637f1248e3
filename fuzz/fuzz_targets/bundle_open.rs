//! Feeds arbitrary bytes to the bundle reader, as a hostile USB stick would: decryption (age),
//! the tar archive, the manifest, the signature check, the payload hashes, the validity window, and
//! the streamed decompression of change lines.
//! It must never panic, hang or allocate without bound; it may only return an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phongtrao::crypto::PublicKey;
use phongtrao::sync::bundle;

/// A fixed identity so that seeds encrypted to it reach the archive parser.
const IDENTITY: &str = "AGE-SECRET-KEY-1PH0NP946Y85TEZVKLJRF95P8YSVVRJVCE9X7W7ADGCAMA5PNPWMSPXNK0U";
const ANY_KEY: &str = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";

fuzz_target!(|data: &[u8]| {
    let id: age::x25519::Identity = IDENTITY.parse().expect("valid identity");
    if let Ok(opened) = bundle::open(data, &[id]) {
        let _ = opened.hash();
        if let Some(k) = opened.signer_key_id() {
            let _ = k.len();
        }
        let _ = bundle::check_time(&opened.manifest, chrono::Utc::now());
        // Reads every payload entry (as the enrollment check does), then any key: the check must
        // fail cleanly or pass, never panic. What a payload holds goes to the line reader.
        let _ = opened.verify_self_signed("changes.jsonl.zst", |payload| {
            for line in bundle::lines(payload)?.take(100_000) {
                let _ = line?;
            }
            PublicKey::parse(ANY_KEY)
        });
    }
    // The line reader on the raw bytes as a zstd stream.
    if let Ok(lines) = bundle::lines(data) {
        for line in lines.take(100_000) {
            if line.is_err() {
                break;
            }
        }
    }
});
