//! Segment files: the unit a replica writes to a folder or git remote.
//!
//! `rel-sync/v1/<replica>/<first>-<last>-<tag>.seg` holds that replica's operations
//! `first..=last`, sealed with the sync key and bound to exactly that replica and range. The tag
//! is taken from the sealed bytes, so two databases writing as one replica id (a restored
//! backup, a copied file) never write the same name: neither overwrites the other, and a cloud
//! drive never makes a "conflicted copy" (which readers ignore anyway). Names without a tag
//! (`<first>-<last>.seg`, what rel wrote before) are read too. A segment is written once and
//! never edited; `key-check` in the same folder is a tiny sealed file the first
//! `sync init` writes so a key can be checked before any operation exists.

use super::files::{MAX_REMOTE_FILE, SEGMENT_BUDGET};
use super::seal::{OpenError, SyncKey};
use crate::error::{Error, Result};
use crate::sync::remote::WireOp;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The folder under a remote's root that holds this format's files.
pub const LAYOUT_DIR: &str = "rel-sync/v1";
/// The name of the key-check file in each replica's folder.
pub const KEY_CHECK: &str = "key-check";
const KEY_CHECK_TEXT: &[u8] = b"rel sync key check v1";

/// One operation inside a segment; the replica is the folder's, so it is not repeated.
#[derive(Deserialize)]
struct StoredOp {
    seq: i64,
    hlc: i64,
    #[serde(default)]
    author: Option<String>,
    body: String,
}

/// A [`StoredOp`] as it is written, borrowing from the operation (a push holds no copy).
#[derive(Serialize)]
struct StoredOpRef<'a> {
    seq: i64,
    hlc: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    body: &'a str,
}

/// `first-last-tag.seg`, the tag being the start of the SHA-256 of the sealed bytes (random
/// per write: the seal's nonce), so names differ whenever contents do.
pub fn segment_name(first: i64, last: i64, sealed: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(sealed);
    let tag: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{first}-{last}-{tag}.seg")
}

/// Characters of a segment name's tag.
const TAG_LEN: usize = 16;

/// The range a segment file name covers; None for anything else (temp files, a cloud drive's
/// "conflicted copy", stray files), which readers ignore.
pub fn parse_segment_name(name: &str) -> Option<(i64, i64)> {
    let stem = name.strip_suffix(".seg")?;
    let (first, rest) = stem.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let last = match rest.split_once('-') {
        Some((last, tag)) => {
            let hex = tag.len() == TAG_LEN
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                return None;
            }
            last
        }
        None => rest,
    };
    if !digits(first) || !digits(last) {
        return None;
    }
    let (first, last) = (first.parse::<i64>().ok()?, last.parse::<i64>().ok()?);
    (first >= 1 && last >= first).then_some((first, last))
}

/// A replica folder name is a replica id: letters, digits and dashes only, so a name read from
/// a remote can never climb out of it.
pub fn is_replica_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn segment_context(replica: &str, first: i64, last: i64) -> Vec<u8> {
    format!("{LAYOUT_DIR}\0{replica}\0{first}\0{last}").into_bytes()
}

fn check_context(replica: &str) -> Vec<u8> {
    format!("{LAYOUT_DIR}\0{replica}\0{KEY_CHECK}").into_bytes()
}

/// Seals `ops` (one replica's, contiguous) as a segment.
pub fn encode(key: &SyncKey, ops: &[WireOp]) -> Result<(String, Vec<u8>)> {
    let (Some(first), Some(last)) = (ops.first(), ops.last()) else {
        return Err(Error::runtime("internal: an empty segment"));
    };
    let stored: Vec<StoredOpRef> = ops
        .iter()
        .map(|op| StoredOpRef {
            seq: op.seq,
            hlc: op.hlc,
            author: op.author.as_deref(),
            body: &op.body,
        })
        .collect();
    // About what the JSON takes: each body quoted again (a few of its characters escaped).
    let size = ops.iter().map(|op| op.body.len() * 9 / 8 + 48).sum();
    let sealed = key.seal_written(
        &segment_context(&first.replica, first.seq, last.seq),
        size,
        |out| Ok(serde_json::to_writer(out, &stored)?),
    )?;
    Ok((segment_name(first.seq, last.seq, &sealed), sealed))
}

/// Where `ops` (one replica's, contiguous) are cut into segments: one or, when they are many
/// bytes, several in a row, each well under [`MAX_REMOTE_FILE`], the largest file a reader
/// accepts. Checked whole before any is sealed, so a push that cannot fit sends nothing; the
/// pieces are then sealed and written one at a time ([`encode`]), so memory holds one.
pub fn pieces(ops: &[WireOp]) -> Result<Vec<Range<usize>>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, op) in ops.iter().enumerate() {
        // An upper bound of what the operation takes in the segment: its body is JSON packed
        // in a JSON string, which at most doubles it.
        let op_size = op.body.len() * 2 + 64;
        if op_size as u64 > MAX_REMOTE_FILE / 2 {
            return Err(Error::runtime(format!(
                "operation {} would make a segment larger than any reader accepts; it and the ones after it were not sent",
                op.seq
            )));
        }
        if i > start && size + op_size > SEGMENT_BUDGET {
            pieces.push(start..i);
            start = i;
            size = 0;
        }
        size += op_size;
    }
    if start < ops.len() {
        pieces.push(start..ops.len());
    }
    Ok(pieces)
}

/// Why a sealed file of the remote did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unopened {
    /// It did not authenticate: another key sealed it, or a byte of it was changed, or it was
    /// copied to another name. Which one is told by whether the key opens anything else.
    Unauthentic,
    /// It is not a file rel sealed (cut short, or not rel's), or it opens but does not hold
    /// what its name says.
    Damaged,
}

/// Opens a segment of `replica` covering `first..=last` and checks it holds exactly that range.
pub fn decode(
    key: &SyncKey,
    replica: &str,
    range: (i64, i64),
    bytes: &[u8],
) -> Result<Vec<WireOp>, Unopened> {
    decode_owned(key, replica, range, bytes.to_vec())
}

/// [`decode`] of a file read for it, opened in its own buffer (see [`SyncKey::open_owned`]).
pub fn decode_owned(
    key: &SyncKey,
    replica: &str,
    range: (i64, i64),
    bytes: Vec<u8>,
) -> Result<Vec<WireOp>, Unopened> {
    let plain = key
        .open_owned(&segment_context(replica, range.0, range.1), bytes)
        .map_err(unopened)?;
    let (first, last) = range;
    let stored: Vec<StoredOp> = serde_json::from_slice(&plain).map_err(|_| Unopened::Damaged)?;
    let in_order = stored
        .iter()
        .enumerate()
        .all(|(i, op)| op.seq == first + i as i64);
    if !in_order || stored.len() as i64 != last - first + 1 {
        return Err(Unopened::Damaged);
    }
    Ok(stored
        .into_iter()
        .map(|op| WireOp {
            replica: replica.to_string(),
            seq: op.seq,
            hlc: op.hlc,
            author: op.author,
            body: op.body,
        })
        .collect())
}

fn unopened(err: OpenError) -> Unopened {
    match err {
        OpenError::WrongKey => Unopened::Unauthentic,
        OpenError::NotSealed => Unopened::Damaged,
    }
}

/// The sealed key-check file of `replica`.
pub fn encode_key_check(key: &SyncKey, replica: &str) -> Result<Vec<u8>> {
    key.seal(&check_context(replica), KEY_CHECK_TEXT)
}

/// Whether `bytes` is `replica`'s key-check sealed with `key`.
pub fn verify_key_check(key: &SyncKey, replica: &str, bytes: &[u8]) -> Result<(), Unopened> {
    match key.open(&check_context(replica), bytes) {
        Ok(text) if text == KEY_CHECK_TEXT => Ok(()),
        Ok(_) => Err(Unopened::Damaged),
        Err(err) => Err(unopened(err)),
    }
}

/// The error for a well-formed key that is not this remote's (exit 1).
pub fn wrong_key() -> Error {
    Error::runtime("the sync key does not open this remote's data; nothing was changed")
        .with_hint("use the key 'rel sync key' prints on a machine already syncing with it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_segment_name("1-5.seg"), Some((1, 5)));
        assert_eq!(parse_segment_name(&segment_name(7, 7, b"x")), Some((7, 7)));
        assert_ne!(segment_name(7, 7, b"x"), segment_name(7, 7, b"y"));
        for bad in [
            "1-5-0123456789abcdeg.seg",
            "1-5-0123456789abcdef (conflicted copy).seg",
            "1-5-0123.seg",
            "5-1.seg",
            "0-1.seg",
            "1-5.seg.tmp",
            ".1-5.seg",
            "1-5 (1).seg",
            "+1-5.seg",
        ] {
            assert_eq!(parse_segment_name(bad), None, "{bad}");
        }
        assert!(is_replica_name("0190e4c2-aaaa-7bbb-8ccc-0123456789ab"));
        assert!(!is_replica_name("..") && !is_replica_name("a/b") && !is_replica_name(""));
    }

    #[test]
    fn segment_round_trip_is_bound_to_its_place() {
        let key = SyncKey::generate().expect("key");
        let ops: Vec<WireOp> = (3..=5)
            .map(|seq| WireOp {
                replica: "r1".into(),
                seq,
                hlc: seq * 10,
                author: None,
                body: format!("{{\"n\":{seq}}}"),
            })
            .collect();
        let (name, bytes) = encode(&key, &ops).expect("encode");
        assert_eq!(parse_segment_name(&name), Some((3, 5)));
        assert_eq!(decode(&key, "r1", (3, 5), &bytes).ok(), Some(ops));
        assert!(decode(&key, "r2", (3, 5), &bytes).is_err());
        assert!(decode(&key, "r1", (3, 6), &bytes).is_err());
        let check = encode_key_check(&key, "r1").expect("check");
        assert!(verify_key_check(&key, "r1", &check).is_ok());
        assert!(verify_key_check(&key, "r2", &check).is_err());
    }
}
