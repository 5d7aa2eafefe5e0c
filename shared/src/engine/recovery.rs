//! Where to read on after text that does not parse: an unclosed bracket may swallow the lines
//! after it, and garbage may sit beside documents. Pure helpers for the scan's recovery.

use crate::records::document::{Document, Kind, ParseError};

/// True when a frame that did not parse is one line that opens with a bracket: framing it
/// again would find the very same document.
pub(super) fn is_one_line_document(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(b'{' | b'[')) && memchr::memchr(b'\n', bytes).is_none()
}

/// Cuts text that did not parse into stretches, each beginning where a document plausibly
/// starts: the first line, and each later line that opens an object at column 0 or holds a
/// whole document of a known kind by itself (an indented record). Passes each stretch with
/// the number of lines before it.
pub(super) fn for_each_stretch(bytes: &[u8], mut on_stretch: impl FnMut(u64, &[u8])) {
    let (mut start, mut start_line) = (0, 0);
    let (mut at, mut line) = (0, 0);
    for text in bytes.split(|b| *b == b'\n') {
        if at > 0 && starts_document(text) {
            on_stretch(start_line, bytes.get(start..at).unwrap_or_default());
            (start, start_line) = (at, line);
        }
        at += text.len() + 1;
        line += 1;
    }
    on_stretch(start_line, bytes.get(start..).unwrap_or_default());
}

fn starts_document(line: &[u8]) -> bool {
    match line.first() {
        Some(b'{') => true,
        Some(b' ' | b'\t') => {
            let line = line.trim_ascii();
            line.first() == Some(&b'{')
                && Document::parse(line).is_ok_and(|doc| doc.kind != Kind::Unknown)
        }
        _ => false,
    }
}

/// What salvaging one stretch found: how many documents (or healthy records) it read, and
/// the first frame that was not one, with that frame's line.
#[derive(Default)]
pub(super) struct Salvage {
    pub(super) read: u64,
    pub(super) broken: Option<(Option<u64>, ParseError)>,
}
