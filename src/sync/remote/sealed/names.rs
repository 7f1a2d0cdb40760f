//! The name each replica publishes on a folder or git remote: a small file in its own folder,
//! sealed like everything else there, so the remote's host learns nothing (see
//! `replica_names.rs` for what a sync does with the names).

use super::folder::FolderStore;
use super::segment::LAYOUT_DIR;
use crate::error::Result;
use crate::sync::remote::usable_name;
use std::collections::BTreeMap;

/// The name file in each replica's folder.
pub const NAME_FILE: &str = "name";

fn name_context(replica: &str) -> Vec<u8> {
    format!("{LAYOUT_DIR}\0{replica}\0{NAME_FILE}").into_bytes()
}

impl FolderStore {
    /// The name `replica` published, if it did and it opens with the key.
    pub fn published_name(&self, replica: &str) -> Result<Option<String>> {
        let Some(bytes) = self.read(replica, NAME_FILE)? else {
            return Ok(None);
        };
        let Ok(plain) = self.key.open(&name_context(replica), &bytes) else {
            self.warn(super::folder::damaged(&Self::shown(replica, NAME_FILE)));
            return Ok(None);
        };
        let name = String::from_utf8_lossy(&plain).into_owned();
        Ok(usable_name(&name).then_some(name))
    }

    /// Publishes this replica's name (when it is not there already). Returns the path written.
    pub fn publish_name(&self, name: &str) -> Result<Vec<String>> {
        if self.published_name(&self.own)?.as_deref() != Some(name) {
            let sealed = self.key.seal(&name_context(&self.own), name.as_bytes())?;
            self.write_replacing(NAME_FILE, &sealed)?;
            self.take_own_warnings();
        }
        Ok(vec![Self::shown(&self.own, NAME_FILE)])
    }

    /// The names every other replica published.
    pub fn names(&self) -> Result<BTreeMap<String, String>> {
        let mut names = BTreeMap::new();
        for replica in self.replicas()? {
            if replica == self.own {
                continue;
            }
            if let Some(name) = self.published_name(&replica)? {
                names.insert(replica, name);
            }
        }
        Ok(names)
    }
}
