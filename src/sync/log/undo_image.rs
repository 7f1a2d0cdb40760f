//! What `rel undo` needs to put back, kept with each of this replica's own operations
//! (`sync_ops.undo`, never sent): typed here, JSON only where it is stored and read back.

use crate::db::entity::Fields;
use serde::{Deserialize, Serialize};

/// What one of this replica's operations changed, as `rel undo` needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub enum UndoImage {
    /// The fields it set, as they were before (list items and participants included).
    Fields(Fields),
    /// The record it removed, whole (what it comes back as).
    Deleted(Fields),
    /// It brought back a record that had been removed (nothing to put back: undoing it
    /// removes the record again, as any later change).
    Restored,
}

impl UndoImage {
    /// The fields as they were before, when the operation changed or removed the record.
    pub fn before(&self) -> Option<&Fields> {
        match self {
            UndoImage::Fields(fields) | UndoImage::Deleted(fields) => Some(fields),
            UndoImage::Restored => None,
        }
    }
}

/// The stored JSON, as rel has always written it: `{"fields":{…}}`, `{"deleted":{…}}` or
/// `{"restored":true}`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Stored {
    Fields(Fields),
    Deleted(Fields),
    Restored(bool),
}

impl From<Stored> for UndoImage {
    fn from(stored: Stored) -> UndoImage {
        match stored {
            Stored::Fields(fields) => UndoImage::Fields(fields),
            Stored::Deleted(fields) => UndoImage::Deleted(fields),
            Stored::Restored(_) => UndoImage::Restored,
        }
    }
}

impl From<UndoImage> for Stored {
    fn from(image: UndoImage) -> Stored {
        match image {
            UndoImage::Fields(fields) => Stored::Fields(fields),
            UndoImage::Deleted(fields) => Stored::Deleted(fields),
            UndoImage::Restored => Stored::Restored(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UndoImage;
    use crate::db::entity::Fields;
    use serde_json::{Value, json};

    fn fields() -> Fields {
        let mut fields = Fields::new();
        fields.insert("org".into(), json!("Acme \"Ltd\""));
        fields.insert("tag:vip".into(), json!(true));
        fields.insert("with:0190-a".into(), Value::Null);
        fields.insert("at".into(), json!(1_772_359_200));
        fields.insert("note".into(), json!("é\u{1}\n"));
        fields
    }

    /// Each image is stored byte for byte as the `json!` it replaced wrote it, and reads back.
    #[test]
    fn images_are_stored_as_before() {
        let before = fields();
        let cases = [
            (
                UndoImage::Fields(before.clone()),
                json!({ "fields": before.clone() }),
            ),
            (
                UndoImage::Deleted(before.clone()),
                json!({ "deleted": before.clone() }),
            ),
            (UndoImage::Restored, json!({ "restored": true })),
            (
                UndoImage::Fields(Fields::new()),
                json!({ "fields": Fields::new() }),
            ),
        ];
        for (image, old) in cases {
            let stored = serde_json::to_string(&image).expect("serialize");
            assert_eq!(stored, old.to_string());
            let read: UndoImage = serde_json::from_str(&stored).expect("read back");
            assert_eq!(read, image);
        }
    }
}
