//! The sync key and the sealing of everything rel writes to a folder or git remote.
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per file (random nonces of that size never
//! collide in practice, so no counter has to be kept anywhere). Each file's associated data names
//! where it belongs (replica, sequence range), so a file copied to another name or another
//! replica's folder fails to open instead of being read as something it is not.

use crate::error::{Error, Result};
use chacha20poly1305::aead::{AeadInOut, Generate, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Marks a sealed file and its format, so a stray file is told apart from a wrong key.
const MAGIC: &[u8; 8] = b"relseal1";
const NONCE_LEN: usize = 24;
/// Poly1305's tag, after the cipher text.
const TAG_LEN: usize = 16;

/// A 256-bit sync key. Printed and typed as 64 hexadecimal digits.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncKey([u8; 32]);

impl std::fmt::Debug for SyncKey {
    // Keys stay out of debug output and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncKey(…)")
    }
}

impl SyncKey {
    /// A fresh random key from the system's secure random source.
    pub fn generate() -> Result<SyncKey> {
        <[u8; 32]>::try_generate()
            .map(SyncKey)
            .map_err(|err| Error::runtime(format!("cannot make a sync key: {err}")))
    }

    /// Reads a key as `rel sync key` prints it; anything else is a usage error (exit 2).
    pub fn parse(text: &str) -> Result<SyncKey> {
        let text = text.trim();
        let malformed = || {
            Error::usage("malformed sync key")
                .with_hint("a key is the 64 hexadecimal digits 'rel sync key' prints")
        };
        // from_str_radix alone would take a sign ("+f"), so every digit is checked first.
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed());
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| malformed())?;
        }
        Ok(SyncKey(key))
    }

    /// The key as 64 lower-case hexadecimal digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        // A 32-byte key is the only length this cipher takes, and ours always is.
        XChaCha20Poly1305::new(&self.0.into())
    }

    /// Encrypts and authenticates `plain`, bound to `context`.
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        self.seal_written(context, plain.len(), |out| {
            out.extend_from_slice(plain);
            Ok(())
        })
    }

    /// Seals what `write` appends to the buffer (about `size` bytes), encrypted where it was
    /// written: a segment is serialized straight into the file's bytes, never held twice.
    /// The same bytes as [`SyncKey::seal`] of the same plain text: magic, nonce, cipher
    /// text, tag.
    pub fn seal_written(
        &self,
        context: &[u8],
        size: usize,
        write: impl FnOnce(&mut Vec<u8>) -> Result<()>,
    ) -> Result<Vec<u8>> {
        let nonce_bytes = <[u8; NONCE_LEN]>::try_generate()
            .map_err(|err| Error::runtime(format!("cannot make a nonce: {err}")))?;
        let nonce = XNonce::from(nonce_bytes);
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + size + TAG_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce_bytes);
        let start = out.len();
        write(&mut out)?;
        let tag = self
            .cipher()
            .encrypt_inout_detached(&nonce, context, (&mut out[start..]).into())
            .map_err(|_| Error::runtime("cannot encrypt a sync file"))?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Opens what [`SyncKey::seal`] made for the same `context`. A wrong key, a changed byte or
    /// a file moved to another name all fail the same way: the file cannot be authenticated.
    pub fn open(&self, context: &[u8], file: &[u8]) -> Result<Vec<u8>, OpenError> {
        self.open_owned(context, file.to_vec())
    }

    /// [`SyncKey::open`] in the file's own buffer: receiving holds each segment's bytes once,
    /// not once sealed and once opened (1.8 MB each for a segment of 2,500 operations).
    pub fn open_owned(&self, context: &[u8], mut file: Vec<u8>) -> Result<Vec<u8>, OpenError> {
        let header = MAGIC.len() + NONCE_LEN;
        if !file.starts_with(MAGIC) || file.len() < header {
            return Err(OpenError::NotSealed);
        }
        let Some(text_end) = file.len().checked_sub(TAG_LEN).filter(|&end| end >= header) else {
            return Err(OpenError::WrongKey);
        };
        let nonce: [u8; NONCE_LEN] = file[MAGIC.len()..header]
            .try_into()
            .map_err(|_| OpenError::NotSealed)?;
        let tag: [u8; TAG_LEN] = file[text_end..]
            .try_into()
            .map_err(|_| OpenError::NotSealed)?;
        self.cipher()
            .decrypt_inout_detached(
                &XNonce::from(nonce),
                context,
                (&mut file[header..text_end]).into(),
                &tag.into(),
            )
            .map_err(|_| OpenError::WrongKey)?;
        file.truncate(text_end);
        file.drain(..header);
        Ok(file)
    }
}

/// Why a sealed file did not open.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Not a file rel sealed (or cut short before its header).
    NotSealed,
    /// The key is not the one it was sealed with, or the file was changed or moved.
    WrongKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let key = SyncKey::generate().expect("key");
        let sealed = key.seal(b"a|1|3", b"hello").expect("seal");
        assert_eq!(key.open(b"a|1|3", &sealed).expect("open"), b"hello");
        assert_eq!(key.open(b"a|1|4", &sealed), Err(OpenError::WrongKey));
        let other = SyncKey::generate().expect("key");
        assert_eq!(other.open(b"a|1|3", &sealed), Err(OpenError::WrongKey));
        assert_eq!(key.open(b"a|1|3", b"junk"), Err(OpenError::NotSealed));
    }

    #[test]
    fn hex_round_trip_and_malformed() {
        let key = SyncKey::generate().expect("key");
        let hex = key.to_hex();
        assert_eq!(hex.len(), 64);
        assert_eq!(
            SyncKey::parse(&format!(" {}\n", hex.to_uppercase())).expect("parse"),
            key
        );
        for bad in [
            "",
            "abc",
            &hex[..63],
            &format!("{}zz", &hex[..62]),
            "é".repeat(32).as_str(),
        ] {
            assert!(SyncKey::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = SyncKey::parse(&text);
        }
    }
}
