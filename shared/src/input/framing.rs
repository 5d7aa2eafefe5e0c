//! Framing: splits a stream of decoded bytes into JSON documents.
//!
//! Handles NDJSON, JSON documents concatenated with no separator (Firehose), and
//! pretty-printed documents, with no cap on a document's length. A document ends when its
//! outermost `{…}` or `[…]` closes; anything else at the top level runs to the end of its
//! line. A raw newline inside a string cannot be valid JSON, so it ends the document there
//! (the parser then reports it as bad) and framing starts again on the next line.
//!
//! [`salvage_frames_of`] frames text that did not parse for the engine's recovery: there,
//! text that is not a document also ends where the next `{` begins, so the documents after
//! garbage on the same line are found in one pass.

use memchr::memchr3;
use std::io::{self, BufRead};

/// One framed document: its bytes and the 1-based line where it starts.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub bytes: &'a [u8],
    pub line: u64,
}

#[derive(Default)]
struct State {
    /// Bytes of the document under way when it spans reads.
    pending: Vec<u8>,
    in_document: bool,
    /// The document under way is a scalar (or garbage) that runs to the end of its line.
    to_line_end: bool,
    /// Salvaging: such a scalar or garbage also ends before the next `{`.
    ends_at_brace: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
    line: u64,
    start_line: u64,
}

/// Reads `reader` to the end and calls `on_frame` for each document found.
///
/// Stops at the first read error; the frames passed before it stay valid findings.
pub fn for_each_frame<R, F>(reader: &mut R, on_frame: F) -> io::Result<()>
where
    R: BufRead + ?Sized,
    F: FnMut(Frame<'_>),
{
    frame_all(reader, State::default(), on_frame)
}

/// Frames a whole in-memory buffer.
pub fn frames_of<F: FnMut(Frame<'_>)>(bytes: &[u8], on_frame: F) {
    // Reading from memory cannot fail.
    let _ = for_each_frame(&mut io::Cursor::new(bytes), on_frame);
}

/// Frames text that did not parse as it stands, like [`frames_of`] except that text which is
/// not a document ends before the next `{` too: `x{…}x{…}` is four frames, not one.
pub fn salvage_frames_of<F: FnMut(Frame<'_>)>(bytes: &[u8], on_frame: F) {
    let state = State {
        ends_at_brace: true,
        ..State::default()
    };
    // Reading from memory cannot fail.
    let _ = frame_all(&mut io::Cursor::new(bytes), state, on_frame);
}

fn frame_all<R, F>(reader: &mut R, mut state: State, mut on_frame: F) -> io::Result<()>
where
    R: BufRead + ?Sized,
    F: FnMut(Frame<'_>),
{
    state.line = 1;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let consumed = chunk.len();
        scan_chunk(&mut state, chunk, &mut on_frame);
        reader.consume(consumed);
    }
    if state.in_document {
        on_frame(Frame {
            bytes: &state.pending,
            line: state.start_line,
        });
    }
    Ok(())
}

fn scan_chunk<F: FnMut(Frame<'_>)>(state: &mut State, chunk: &[u8], on_frame: &mut F) {
    let mut i = 0;
    // Start of the current document's bytes within this chunk.
    let mut span = 0;
    while i < chunk.len() {
        if !state.in_document {
            match chunk.get(i).copied() {
                Some(b'\n') => state.line += 1,
                // Whitespace, NUL padding, and the bytes of a UTF-8 byte-order mark.
                Some(b' ' | b'\t' | b'\r' | 0 | 0xEF | 0xBB | 0xBF) => {}
                Some(byte) => {
                    state.in_document = true;
                    state.to_line_end = byte != b'{' && byte != b'[';
                    state.depth = usize::from(!state.to_line_end);
                    state.in_string = false;
                    state.escaped = false;
                    state.start_line = state.line;
                    span = i;
                }
                None => break,
            }
            i += 1;
            continue;
        }
        if state.in_string {
            // Jump to the next byte that matters inside a string.
            //
            // The three JSON walkers (this framer, `rules/precheck.rs` and
            // `records/document/subscription.rs`) scan strings each their own way, on
            // purpose: the framer carries its place in a string across read chunks and
            // treats a raw line feed as a break; the pre-check sees one whole line and gives
            // up on anything unusual; the subscription reader unescapes as it goes and
            // tests words in registers, because there an escape comes every few bytes. What
            // they could share is one `memchr` call, which each would still wrap its own
            // way; sharing it would make none of them simpler.
            let rest = chunk.get(i..).unwrap_or_default();
            if state.escaped {
                state.escaped = false;
                i += 1;
                continue;
            }
            match memchr3(b'"', b'\\', b'\n', rest) {
                None => {
                    i = chunk.len();
                    continue;
                }
                Some(offset) => i += offset,
            }
            match chunk.get(i).copied() {
                Some(b'"') => state.in_string = false,
                Some(b'\\') => state.escaped = true,
                _ => {
                    // Raw newline inside a string: the document is broken here.
                    emit(state, chunk, span, i, on_frame);
                    state.line += 1;
                }
            }
            i += 1;
            continue;
        }
        let byte = chunk.get(i).copied().unwrap_or_default();
        if state.to_line_end {
            if byte == b'{' && state.ends_at_brace {
                // The `{` is read again as the start of the next document.
                emit(state, chunk, span, i, on_frame);
                continue;
            }
            if byte == b'\n' {
                emit(state, chunk, span, i, on_frame);
                state.line += 1;
            }
            i += 1;
            continue;
        }
        match byte {
            b'"' => state.in_string = true,
            b'{' | b'[' => state.depth += 1,
            b'}' | b']' => {
                state.depth = state.depth.saturating_sub(1);
                if state.depth == 0 {
                    emit(state, chunk, span, i + 1, on_frame);
                }
            }
            b'\n' => state.line += 1,
            _ => {}
        }
        i += 1;
    }
    if state.in_document {
        state
            .pending
            .extend_from_slice(chunk.get(span..).unwrap_or_default());
    }
}

/// Passes the document that ends at `end` (exclusive) in `chunk` and resets the state.
fn emit<F: FnMut(Frame<'_>)>(
    state: &mut State,
    chunk: &[u8],
    span: usize,
    end: usize,
    on_frame: &mut F,
) {
    let tail = chunk.get(span..end).unwrap_or_default();
    if state.pending.is_empty() {
        on_frame(Frame {
            bytes: tail,
            line: state.start_line,
        });
    } else {
        state.pending.extend_from_slice(tail);
        on_frame(Frame {
            bytes: &state.pending,
            line: state.start_line,
        });
        state.pending.clear();
    }
    state.in_document = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(frame: Frame<'_>) -> (String, u64) {
        (
            String::from_utf8_lossy(frame.bytes).into_owned(),
            frame.line,
        )
    }

    fn frames(input: &[u8], read_size: usize) -> Vec<(String, u64)> {
        let mut reader = io::BufReader::with_capacity(read_size, input);
        let mut out = Vec::new();
        for_each_frame(&mut reader, |frame| out.push(owned(frame))).unwrap();
        out
    }

    fn each_read_size(input: &[u8]) -> Vec<(String, u64)> {
        let expected = frames(input, 1 << 16);
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(frames(input, size), expected, "read size {size}");
        }
        expected
    }

    #[test]
    fn splits_ndjson_with_line_numbers() {
        let got = each_read_size(b"{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}");
        assert_eq!(
            got,
            vec![
                ("{\"a\":1}".into(), 1),
                ("{\"b\":2}".into(), 2),
                ("{\"c\":3}".into(), 4)
            ]
        );
    }

    #[test]
    fn splits_concatenated_documents_without_separator() {
        let got = each_read_size(b"{\"a\":\"}{\"}{\"b\":[1,{}]}[2]");
        assert_eq!(
            got.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
            vec!["{\"a\":\"}{\"}", "{\"b\":[1,{}]}", "[2]"]
        );
    }

    #[test]
    fn keeps_pretty_printed_documents_whole() {
        let got = each_read_size(b"{\n  \"a\": {\n    \"b\": 1\n  }\n}\n{\"c\":2}\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], ("{\"c\":2}".into(), 6));
    }

    #[test]
    fn escaped_quotes_and_backslashes_do_not_end_strings() {
        let got = each_read_size(br#"{"a":"x\"}\\"}{"b":"\\\""}"#);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, r#"{"a":"x\"}\\"}"#);
    }

    #[test]
    fn garbage_runs_to_the_end_of_its_line() {
        let got = each_read_size(b"not json at all\n{\"a\":1}\n42\n");
        assert_eq!(
            got,
            vec![
                ("not json at all".into(), 1),
                ("{\"a\":1}".into(), 2),
                ("42".into(), 3)
            ]
        );
    }

    fn salvaged(input: &[u8]) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        salvage_frames_of(input, |frame| out.push(owned(frame)));
        out
    }

    #[test]
    fn salvaging_ends_garbage_before_a_brace() {
        let got = salvaged(b"x{}, {\"a\":\"{\"} [ERROR] y\nz {\"b\":1} w\n42{");
        let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "x",
                "{}",
                ", ",
                "{\"a\":\"{\"}",
                "[ERROR]",
                "y",
                "z ",
                "{\"b\":1}",
                "w",
                "42",
                "{"
            ]
        );
        assert_eq!(got[6].1, 2);
        assert_eq!(got[9].1, 3);
        // Framing as usual leaves garbage whole to the end of its line.
        let mut plain = Vec::new();
        frames_of(b"x{}x{}", |frame| plain.push(frame.bytes.to_vec()));
        assert_eq!(plain, [b"x{}x{}".to_vec()]);
    }

    #[test]
    fn raw_newline_in_a_string_breaks_only_that_line() {
        let got = each_read_size(b"{\"a\":\"cut off\n{\"b\":2}\n");
        assert_eq!(
            got,
            vec![("{\"a\":\"cut off".into(), 1), ("{\"b\":2}".into(), 2)]
        );
    }

    #[test]
    fn truncated_last_document_is_still_passed_on() {
        let got = each_read_size(b"{\"a\":1}\n{\"b\":[1,2");
        assert_eq!(got[1], ("{\"b\":[1,2".into(), 2));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let got = each_read_size(b"\xEF\xBB\xBF{\"a\":1}\n");
        assert_eq!(got, vec![("{\"a\":1}".into(), 1)]);
    }

    #[test]
    fn has_no_line_length_cap() {
        let body = "x".repeat(600_000);
        let input = format!("{{\"big\":\"{body}\"}}\n{{\"small\":1}}\n");
        let got = frames(input.as_bytes(), 8192);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.len(), body.len() + 10);
    }
}
