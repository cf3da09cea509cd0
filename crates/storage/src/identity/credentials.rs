//! Password hashing (argon2id) and opaque random tokens. Secrets are never stored: passwords as
//! argon2id PHC strings, session and API tokens as SHA-256 digests.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Hashes `password` with argon2id and a fresh random salt. CPU-heavy: call through
/// [`hash_password_blocking`] from async code.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters and a random salt cannot fail")
        .to_string()
}

/// Whether `password` matches the stored PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] off the async executor.
pub async fn hash_password_blocking(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .expect("password hashing task panicked")
}

/// [`verify_password`] off the async executor.
pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .expect("password verification task panicked")
}

/// A hash that matches no password, verified when a user name is unknown so that the response
/// time does not reveal which user names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that nobody can know"))
}

/// A fresh unguessable token of 256 random bits, URL-safe, with a readable `prefix`.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 digest of a token, as stored in the database.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("Minxin2026!");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Minxin2026!", &h));
        assert!(!verify_password("minxin2026!", &h));
        assert!(!verify_password("Minxin2026!", "not a hash"));
        assert_ne!(h, hash_password("Minxin2026!"), "salts must differ");
    }

    #[test]
    fn tokens_are_unique_and_digested() {
        let a = new_token("mx_");
        let b = new_token("mx_");
        assert!(a.starts_with("mx_") && a.len() > 40);
        assert_ne!(a, b);
        assert_eq!(token_digest(&a).len(), 64);
        assert_eq!(token_digest(&a), token_digest(&a));
    }
}
