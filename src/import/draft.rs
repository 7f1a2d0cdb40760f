/// A contact as read from an import file, before it is matched against the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub uid: Option<String>,
    pub name: String,
    pub org: Option<String>,
    pub role: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub every: Option<String>,
    pub birthday: Option<String>, // "YYYY-MM-DD" or "--MM-DD"
    pub note: Option<String>,
    /// rel's own CSV columns, so `export --to csv --contacts` comes back whole.
    pub handle: Option<String>,
    pub via: Option<String>,
    pub created_at: Option<String>,
    pub archived_at: Option<String>,
    pub snoozed_until: Option<String>,
    /// `Some` for a group card (vCard 4 `KIND:group`, iCloud's
    /// `X-ADDRESSBOOKSERVER-KIND:group`): the uids of its members, who get the group's
    /// name as a tag. A group is never a contact.
    pub members: Option<Vec<String>>,
    /// What could not be read and was left out (a birthday without a day…), for stderr.
    pub warnings: Vec<String>,
    /// 1-based line where the record starts, when known.
    pub line: Option<usize>,
}

/// Why one record of an import file was refused; `line` is 1-based where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub record: usize,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "record {} (line {}): {}",
                self.record, line, self.message
            ),
            None => write!(f, "record {}: {}", self.record, self.message),
        }
    }
}

impl std::error::Error for RecordError {}
