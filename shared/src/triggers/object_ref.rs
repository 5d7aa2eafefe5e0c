//! S3 object keys: decoding them from event notifications and deciding which objects to read.

use percent_encoding::percent_decode_str;

/// An S3 object named by a trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub bucket: String,
    /// The decoded key.
    pub key: String,
    /// Another spelling to try if `key` does not exist (sources disagree on encoding).
    pub alternate_key: Option<String>,
    pub size: Option<u64>,
    pub version_id: Option<String>,
}

impl ObjectRef {
    /// From a key as notifications carry it: form-URL-encoded (`+` is a space).
    pub fn from_encoded(bucket: &str, encoded_key: &str, size: Option<u64>) -> ObjectRef {
        let key = decode_key(encoded_key);
        let alternate_key = (key != encoded_key).then(|| encoded_key.to_owned());
        ObjectRef {
            bucket: bucket.to_owned(),
            key,
            alternate_key,
            size,
            version_id: None,
        }
    }

    /// `s3://bucket/key`
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// Form-URL decoding: `+` becomes a space, then `%XX` sequences are decoded. Invalid UTF-8
/// after decoding falls back to the key as given.
pub fn decode_key(encoded: &str) -> String {
    let spaced = encoded.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map_or_else(|_| encoded.to_owned(), |k| k.into_owned())
}

/// Why an object is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Bedrock's zero-byte `amazon-bedrock-logs-permission-check` object.
    PermissionCheck,
    /// Zero-size objects hold no records.
    Empty,
    /// `…/HH/data/…`: prompt/response bodies offloaded from large records, not log batches.
    BodyOffload,
    /// A "folder" placeholder key ending in `/`.
    Folder,
    /// Left out by the configured include/exclude filters.
    Filtered,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::PermissionCheck => "permission-check object",
            Skip::Empty => "empty object",
            Skip::BodyOffload => "body offload object under data/",
            Skip::Folder => "folder marker",
            Skip::Filtered => "excluded by key filters",
        }
    }
}

/// Which keys to read, beyond the built-in skips. Empty include lists admit everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFilter {
    pub include_prefixes: Vec<String>,
    pub exclude_prefixes: Vec<String>,
    pub include_suffixes: Vec<String>,
    pub exclude_suffixes: Vec<String>,
}

impl KeyFilter {
    /// `None` when the object should be read.
    pub fn skip(&self, object: &ObjectRef) -> Option<Skip> {
        let key = object.key.as_str();
        let name = key.rsplit('/').next().unwrap_or(key);
        if name.starts_with("amazon-bedrock-logs-permission-check") {
            return Some(Skip::PermissionCheck);
        }
        if key.ends_with('/') {
            return Some(Skip::Folder);
        }
        if object.size == Some(0) {
            return Some(Skip::Empty);
        }
        if is_body_offload(key) {
            return Some(Skip::BodyOffload);
        }
        let admitted = (self.include_prefixes.is_empty()
            || self
                .include_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str())))
            && (self.include_suffixes.is_empty()
                || self
                    .include_suffixes
                    .iter()
                    .any(|s| key.ends_with(s.as_str())))
            && !self
                .exclude_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
            && !self
                .exclude_suffixes
                .iter()
                .any(|s| key.ends_with(s.as_str()));
        (!admitted).then_some(Skip::Filtered)
    }
}

/// True for `…/YYYY/MM/DD/HH/data/…`, where Bedrock puts offloaded bodies and media.
fn is_body_offload(key: &str) -> bool {
    let segments: Vec<&str> = key.split('/').collect();
    segments.windows(5).any(|w| {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        matches!(w, [y, m, d, h, "data"] if digits(y, 4) && digits(m, 2) && digits(d, 2) && digits(h, 2))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_encoded_keys() {
        assert_eq!(
            decode_key("kb+logs%2B2026/kb%3D1.json.gz"),
            "kb logs+2026/kb=1.json.gz"
        );
        assert_eq!(decode_key("a%2Fb"), "a/b");
        assert_eq!(decode_key("caf%C3%A9.json"), "café.json");
        assert_eq!(decode_key("plain/key.json.gz"), "plain/key.json.gz");
        assert_eq!(decode_key("bad%FFutf8"), "bad%FFutf8");
    }

    #[test]
    fn keeps_the_raw_spelling_as_an_alternate() {
        let object = ObjectRef::from_encoded("b", "a+b.json", Some(3));
        assert_eq!(object.key, "a b.json");
        assert_eq!(object.alternate_key.as_deref(), Some("a+b.json"));
        assert_eq!(
            ObjectRef::from_encoded("b", "ab.json", None).alternate_key,
            None
        );
    }

    fn skip(key: &str, size: Option<u64>) -> Option<Skip> {
        KeyFilter::default().skip(&ObjectRef::from_encoded("b", key, size))
    }

    #[test]
    fn skips_what_holds_no_log_records() {
        let base = "AWSLogs/111122223333/BedrockModelInvocationLogs";
        assert_eq!(
            skip(
                &format!("{base}/amazon-bedrock-logs-permission-check"),
                Some(0)
            ),
            Some(Skip::PermissionCheck)
        );
        assert_eq!(
            skip("amazon-bedrock-logs-permission-check.json", None),
            Some(Skip::PermissionCheck)
        );
        assert_eq!(
            skip(
                &format!("{base}/us-east-1/2026/11/20/14/data/r_input.json.gz"),
                Some(9)
            ),
            Some(Skip::BodyOffload)
        );
        assert_eq!(
            skip(
                &format!("{base}/us-east-1/2026/11/20/14/data/r_input_media_00.pdf"),
                None
            ),
            Some(Skip::BodyOffload)
        );
        assert_eq!(
            skip(
                &format!("{base}/us-east-1/2026/11/20/14/x.json.gz"),
                Some(0)
            ),
            Some(Skip::Empty)
        );
        assert_eq!(skip("folder/", None), Some(Skip::Folder));
        assert_eq!(
            skip(
                &format!(
                    "{base}/us-east-1/2026/11/20/14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
                ),
                Some(9)
            ),
            None
        );
        assert_eq!(
            skip(
                "firehose/2026/11/20/14/stream-1-2026-11-20-14-00-00-abc",
                Some(9)
            ),
            None
        );
        assert_eq!(skip("my/data/file.json.gz", Some(9)), None);
    }

    #[test]
    fn include_and_exclude_filters() {
        let filter = KeyFilter {
            include_prefixes: vec!["logs/".into()],
            exclude_suffixes: vec![".tmp".into()],
            ..KeyFilter::default()
        };
        let object = |key: &str| ObjectRef::from_encoded("b", key, Some(1));
        assert_eq!(filter.skip(&object("logs/a.json.gz")), None);
        assert_eq!(
            filter.skip(&object("other/a.json.gz")),
            Some(Skip::Filtered)
        );
        assert_eq!(filter.skip(&object("logs/a.tmp")), Some(Skip::Filtered));
    }
}
