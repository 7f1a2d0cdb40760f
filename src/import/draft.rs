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
