//! Item keys: what lets an unlike find its like, without saying what was liked.
//!
//! ```text
//!  classify: site, kind, page address, element path / item id ──FNV──▶ material (never stored)
//!  ledger:   HMAC-SHA-256(install secret, material) ──▶ first 128 bits, hex ──▶ Event.item, items store
//! ```
//!
//! The secret is 32 random bytes made once per install and kept in the meta store under [`SECRET_KEY`].
//! It never leaves the profile: no API answer carries it and backups do not hold it, so a key in a backup
//! or a leaked history cannot be tested against a list of candidate URLs or item ids (an unsalted hash
//! could: a Hacker News item id was recovered from its FNV key by brute force in seconds). Keys from
//! another install (an imported backup) are kept as they are, opaque: they never match this install's
//! keys, so an unlike here cannot cancel a like counted elsewhere (see docs/backup-format.md).

use crate::error::{Error, Result};
use crate::store::Store;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Meta key of the per-install secret (hex).
pub const SECRET_KEY: &str = "item_secret";

/// Keys items with the install's secret.
#[derive(Clone)]
pub struct ItemKeys {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for ItemKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemKeys(secret hidden)")
    }
}

impl ItemKeys {
    pub fn new(secret: &[u8; 32]) -> ItemKeys {
        ItemKeys { mac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length") }
    }

    /// The stored key of an item: 128 bits of HMAC-SHA-256 of the classifier's material, as hex.
    pub fn key(&self, material: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(material.as_bytes());
        let digest = mac.finalize().into_bytes();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The install's keys: the secret from meta, made with `entropy` the first time.
    pub async fn load_or_create<S: Store>(store: &S, entropy: impl FnOnce() -> [u8; 32]) -> Result<ItemKeys> {
        if let Some(json) = store.meta(SECRET_KEY).await? {
            let hex: String = serde_json::from_str(&json).map_err(|e| Error::Storage(format!("{SECRET_KEY}: {e}")))?;
            return Ok(ItemKeys::new(&from_hex(&hex).ok_or_else(|| Error::Storage(format!("{SECRET_KEY}: not 32 bytes of hex")))?));
        }
        let secret = entropy();
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        // A full disk must not stop the core: nothing can be recorded then anyway, and the next wake
        // makes and keeps a secret.
        match store.put_meta(SECRET_KEY, &serde_json::to_string(&hex)?).await {
            Ok(()) => {}
            Err(e) if e.is_retryable() => {}
            Err(e) => return Err(e),
        }
        Ok(ItemKeys::new(&secret))
    }
}

fn from_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Entropy for native programs (tests, the research tool): the operating system's random keys that seed
/// `std`'s hash maps, stretched with SHA-256. On wasm32-unknown-unknown `std` has no randomness, so the
/// browser build never uses this: it passes `crypto.getRandomValues` (`Core::load_with_entropy`).
pub fn os_entropy() -> [u8; 32] {
    use sha2::Digest;
    use std::hash::{BuildHasher, Hasher};
    let mut digest = Sha256::new();
    for i in 0..4u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        digest.update(h.finish().to_le_bytes());
    }
    digest.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn keys_depend_on_the_secret_and_are_stable() {
        let a = ItemKeys::new(&[1; 32]);
        let b = ItemKeys::new(&[2; 32]);
        assert_eq!(a.key("x"), a.key("x"));
        assert_ne!(a.key("x"), b.key("x"));
        assert_ne!(a.key("x"), a.key("y"));
        assert_eq!(a.key("x").len(), 32);
    }

    #[test]
    fn the_secret_is_made_once_and_kept() {
        let store = MemoryStore::new();
        let first = futures::executor::block_on(ItemKeys::load_or_create(&store, || [7; 32])).unwrap();
        let again = futures::executor::block_on(ItemKeys::load_or_create(&store, || [9; 32])).unwrap();
        assert_eq!(first.key("m"), again.key("m"));
        assert_eq!(first.key("m"), ItemKeys::new(&[7; 32]).key("m"));
        assert_ne!(os_entropy(), os_entropy());
    }
}
