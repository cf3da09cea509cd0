//! Secrets the server must read back (the TOTP seeds of the second factor) are kept in the
//! database sealed with XChaCha20-Poly1305 under a key that lives outside it, in configuration
//! or a key file: a copy of the database alone (a backup, a dump, a read-only leak) does not
//! yield anyone's second factor. Each sealed value is bound to the row it belongs to, so it
//! cannot be copied onto another account either.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::io::Write;
use std::path::Path;

/// Marks a sealed value (and its format version); anything else in a sealed column is plaintext
/// from before sealing existed.
const SEALED_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// The key that seals secrets at rest. Never printed: its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct SealingKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

/// Why a configured key or key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not 64 hexadecimal digits.
    #[error("the key must be 64 hexadecimal digits (32 bytes)")]
    Malformed,
    /// The key file could not be read or created.
    #[error("key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl SealingKey {
    fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&bytes.into()),
        }
    }

    /// A fresh random key (tests, and the key file written on first start).
    pub fn generate() -> Self {
        Self::from_bytes(random_key())
    }

    /// Parses a key written as 64 hexadecimal digits, as in configuration and the key file.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed)?;
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self::from_bytes(bytes))
    }

    /// Reads the key file at `path`, or creates it with a fresh key, readable by its owner only
    /// (0600), when it does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes = random_key();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(file_error)?;
                writeln!(file, "{}", hex::encode(bytes)).map_err(file_error)?;
                file.sync_all().map_err(file_error)?;
                Ok(Self::from_bytes(bytes))
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// Seals `secret` for the row named by `context` (e.g. `totp:42`).
    pub(crate) fn seal(&self, secret: &str, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .expect("XChaCha20-Poly1305 encrypts any message shorter than 256 GiB");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{SEALED_PREFIX}{}", STANDARD_NO_PAD.encode(bytes))
    }

    /// The secret sealed in `sealed` for `context`; `None` when it was sealed under another key
    /// or for another row, or was tampered with.
    pub(crate) fn open(&self, sealed: &str, context: &str) -> Option<String> {
        let bytes = STANDARD_NO_PAD
            .decode(sealed.strip_prefix(SEALED_PREFIX)?)
            .ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, message) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let payload = Payload {
            msg: message,
            aad: context.as_bytes(),
        };
        let plain = self.cipher.decrypt(&XNonce::from(nonce), payload).ok()?;
        String::from_utf8(plain).ok()
    }

    /// Whether a stored value is already sealed (rather than plaintext from before sealing).
    pub(crate) fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_PREFIX)
    }
}

fn random_key() -> [u8; KEY_LEN] {
    let mut bytes = [0u8; KEY_LEN];
    rand::fill(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_row() {
        let key = SealingKey::generate();
        let sealed = key.seal("JBSWY3DPEHPK3PXP", "totp:1");
        assert!(SealingKey::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            key.seal("JBSWY3DPEHPK3PXP", "totp:1"),
            "fresh nonce"
        );
        assert_eq!(
            key.open(&sealed, "totp:1").as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(key.open(&sealed, "totp:2"), None, "bound to its row");
        assert_eq!(SealingKey::generate().open(&sealed, "totp:1"), None);
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(key.open(&tampered, "totp:1"), None);
        assert_eq!(key.open("JBSWY3DPEHPK3PXP", "totp:1"), None);
        assert!(!SealingKey::is_sealed("JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn keys_parse_from_hex_and_persist_in_a_private_file() {
        assert!(matches!(SealingKey::parse("abc"), Err(KeyError::Malformed)));
        assert!(matches!(
            SealingKey::parse(&"zz".repeat(32)),
            Err(KeyError::Malformed)
        ));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("totp.key");
        let first = SealingKey::load_or_create(&path).unwrap();
        let again = SealingKey::load_or_create(&path).unwrap();
        let sealed = first.seal("secret", "totp:7");
        assert_eq!(again.open(&sealed, "totp:7").as_deref(), Some("secret"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(SealingKey::parse(&text).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
