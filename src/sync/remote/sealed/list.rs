//! Listing a replica's folder in a folder or git remote: which segment files it holds (range
//! and name) and whether its key-check is there, reading nothing but the directory and never
//! following a link.

use super::files::{self, Kind, MAX_REMOTE_FILE};
use super::folder::FolderStore;
use super::ranges::Named;
use super::segment::{self, KEY_CHECK};
use crate::error::Result;
use std::fs;
use std::io::ErrorKind;

impl FolderStore {
    /// The segment ranges in `replica`'s folder, and whether its key-check file is there.
    pub(super) fn listing(&self, replica: &str) -> Result<(Vec<(i64, i64)>, bool)> {
        let (named, has_check) = self.listing_named(replica)?;
        Ok((
            named.into_iter().map(|(range, _)| range).collect(),
            has_check,
        ))
    }

    /// The segments in `replica`'s folder (range and file name), and whether its key-check
    /// file is there. Only regular files no larger than any rel writes count; anything else
    /// named like them is named in a warning and counts as missing (so what follows it waits).
    pub(super) fn listing_named(&self, replica: &str) -> Result<(Vec<Named>, bool)> {
        let dir = self.replica_dir(replica);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok((Vec::new(), false)),
            Err(err) => return Err(self.io_error("read", &dir, err)),
        };
        let mut ranges = Vec::new();
        let mut has_check = false;
        for entry in entries {
            let entry = entry.map_err(|err| self.io_error("read", &dir, err))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let range = segment::parse_segment_name(&name);
            if name != KEY_CHECK && range.is_none() {
                // Temp files, a cloud drive's "conflicted copy", stray files: not rel's.
                continue;
            }
            // Not followed: DirEntry::metadata looks at the entry itself.
            let meta = entry
                .metadata()
                .map_err(|err| self.io_error("read", &entry.path(), err))?;
            let kind = files::kind_of_type(meta.file_type());
            if kind != Kind::File || meta.len() > MAX_REMOTE_FILE {
                self.warn(format!(
                    "{} on the remote {}; nothing is read from it",
                    Self::shown(replica, &name),
                    files::refusal(kind)
                ));
                continue;
            }
            match range {
                Some(range) => ranges.push((range, name.into_owned())),
                None => has_check = true,
            }
        }
        // The same order on every machine, whatever order the folder lists them in.
        ranges.sort();
        Ok((ranges, has_check))
    }
}
