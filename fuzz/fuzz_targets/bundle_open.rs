//! Feeds arbitrary bytes to the bundle reader, as a hostile USB stick would: decryption (age),
//! the tar archive, the manifest, the signature check, the payload hashes and decompression.
//! It must never panic, hang or allocate without bound; it may only return an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phongtrao::crypto::PublicKey;
use phongtrao::sync::bundle;

/// A fixed identity so that seeds encrypted to it reach the archive parser.
const IDENTITY: &str = "AGE-SECRET-KEY-1PH0NP946Y85TEZVKLJRF95P8YSVVRJVCE9X7W7ADGCAMA5PNPWMSPXNK0U";

fuzz_target!(|data: &[u8]| {
    let id: age::x25519::Identity = IDENTITY.parse().expect("valid identity");
    if let Ok(opened) = bundle::open(data, &[id]) {
        let _ = opened.hash();
        if let Some(k) = opened.signer_key_id() {
            let _ = k.len();
        }
        // Any key: the check must fail cleanly or pass, never panic.
        if let Ok(pk) = PublicKey::parse("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3") {
            let _ = opened.check(&pk);
        }
        let _ = opened.check_expiry(chrono::Utc::now());
        for data in opened.files.values() {
            let _ = bundle::decompress(data);
        }
    }
});
