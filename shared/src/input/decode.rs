//! Byte layer: tells gzip from plain bytes by the magic number, inflates every gzip member
//! (Firehose objects are concatenations), and caps the decoded size (gzip bombs).
//!
//! Read errors keep their cause: a failure of the raw reader (a network read, a
//! missing file) is told apart from bad data, because the first is worth a retry and the
//! second is not.

use crate::input::readahead;
use flate2::bufread::MultiGzDecoder;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The two bytes every gzip member starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Default cap on decoded bytes per input: 4 GiB.
pub const DEFAULT_MAX_DECODED_BYTES: u64 = 4 << 30;

/// Size of the read buffers on each layer.
const BUFFER_BYTES: usize = 256 * 1024;

/// How an input is encoded, decided from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gzip,
    Plain,
}

/// Looks at the first bytes of a reader without consuming them.
pub fn sniff<R: BufRead>(reader: &mut R) -> io::Result<Encoding> {
    let head = reader.fill_buf()?;
    Ok(if head.starts_with(&GZIP_MAGIC) {
        Encoding::Gzip
    } else {
        Encoding::Plain
    })
}

/// Why an input could not be read to the end.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The reader of the raw bytes failed (S3 stream, file system): transient for remote
    /// inputs.
    #[error("reading the input failed: {0}")]
    Raw(#[source] io::Error),
    /// The bytes are not what they claim to be (corrupt or truncated gzip): permanent.
    #[error("the input is corrupt after {decoded} decoded bytes: {source}")]
    Corrupt {
        decoded: u64,
        #[source]
        source: io::Error,
    },
    /// More decoded bytes than the cap allows: permanent.
    #[error("the input decodes to more than the cap of {cap} bytes")]
    TooLarge { cap: u64 },
}

impl ReadError {
    /// True when trying again may succeed (the raw reader failed, not the data).
    pub fn is_transient(&self) -> bool {
        matches!(self, ReadError::Raw(_))
    }

    /// Sorts an I/O error raised anywhere in a reader stack built by [`open`].
    pub fn classify(error: io::Error, decoded: u64) -> ReadError {
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<RawFailure>())
        {
            let source = error
                .into_inner()
                .and_then(|inner| inner.downcast::<RawFailure>().ok())
                .map_or_else(
                    || io::Error::other("raw reader failure"),
                    |failure| failure.0,
                );
            return ReadError::Raw(source);
        }
        if let Some(cap) = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<CapExceeded>())
        {
            return ReadError::TooLarge { cap: cap.0 };
        }
        ReadError::Corrupt {
            decoded,
            source: error,
        }
    }
}

/// Marks an error as coming from the raw reader rather than from decoding.
#[derive(Debug)]
struct RawFailure(io::Error);

impl fmt::Display for RawFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RawFailure {}

/// Raised by [`Capped`] when the decoded size passes the cap.
#[derive(Debug)]
struct CapExceeded(u64);

impl fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "decoded size exceeds {} bytes", self.0)
    }
}

impl std::error::Error for CapExceeded {}

/// The raw bytes' reader: counts its bytes (shared with the caller) and tags its errors so they
/// can be told apart from decoding errors.
struct RawReader<R> {
    inner: R,
    raw: Arc<AtomicU64>,
}

impl<R: Read> Read for RawReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.raw.fetch_add(n as u64, Ordering::Relaxed);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io::Error::other(RawFailure(e))),
            }
        }
    }
}

/// Counts decoded bytes (shared with the caller) and fails once they pass the cap.
struct Capped<R> {
    inner: R,
    decoded: Arc<AtomicU64>,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.decoded.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.cap {
            return Err(io::Error::other(CapExceeded(self.cap)));
        }
        Ok(n)
    }
}

/// Reader over the decoded bytes of one input.
pub type DecodedReader = Box<dyn BufRead + Send>;

/// A decoded input: a buffered reader of plain bytes plus the counters of each layer.
pub struct Decoded {
    reader: DecodedReader,
    encoding: Encoding,
    raw: Arc<AtomicU64>,
    decoded: Arc<AtomicU64>,
}

impl Decoded {
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Decoded bytes produced so far (with read-ahead, possibly ahead of what was consumed).
    pub fn decoded_bytes(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    /// Raw (possibly compressed) bytes read so far.
    pub fn raw_bytes(&self) -> u64 {
        self.raw.load(Ordering::Relaxed)
    }

    pub fn reader(&mut self) -> &mut DecodedReader {
        &mut self.reader
    }
}

/// Opens raw bytes for decoding: sniffs gzip, inflates all members, caps the output.
///
/// Gzip is inflated on a read-ahead thread, so decompression and parsing use two cores;
/// memory stays bounded by the read-ahead depth. Errors from this call and from reads of
/// the result are sorted by [`ReadError::classify`].
pub fn open<R: Read + Send + 'static>(raw: R, cap: u64) -> Result<Decoded, ReadError> {
    let raw_bytes = Arc::new(AtomicU64::new(0));
    let decoded = Arc::new(AtomicU64::new(0));
    let raw = RawReader {
        inner: raw,
        raw: raw_bytes.clone(),
    };
    let mut buffered = BufReader::with_capacity(BUFFER_BYTES, raw);
    let encoding = sniff(&mut buffered).map_err(|e| ReadError::classify(e, 0))?;
    let reader: DecodedReader = match encoding {
        Encoding::Gzip => readahead::spawn(
            Capped {
                inner: MultiGzDecoder::new(buffered),
                decoded: decoded.clone(),
                cap,
            },
            BUFFER_BYTES,
        ),
        Encoding::Plain => Box::new(BufReader::with_capacity(
            BUFFER_BYTES,
            Capped {
                inner: buffered,
                decoded: decoded.clone(),
                cap,
            },
        )),
    };
    Ok(Decoded {
        reader,
        encoding,
        raw: raw_bytes,
        decoded,
    })
}

/// Decodes an in-memory payload whole (CloudWatch subscription data, Kinesis records) on
/// the calling thread: for a payload of a few megabytes a read-ahead thread costs more than
/// it saves.
pub fn decode_all(bytes: &[u8], cap: u64) -> Result<Vec<u8>, ReadError> {
    let encoding = sniff(&mut &*bytes).map_err(|e| ReadError::classify(e, 0))?;
    let source: Box<dyn Read + '_> = match encoding {
        Encoding::Gzip => Box::new(MultiGzDecoder::new(bytes)),
        Encoding::Plain => Box::new(bytes),
    };
    let mut capped = Capped {
        inner: source,
        decoded: Arc::new(AtomicU64::new(0)),
        cap,
    };
    let expected = match encoding {
        Encoding::Gzip => gzip_size_hint(bytes),
        Encoding::Plain => bytes.len(),
    }
    .min(EXPECTED_PAYLOAD_MAX);
    let mut out = Vec::with_capacity(expected.min(usize::try_from(cap).unwrap_or(usize::MAX)));
    capped
        .read_to_end(&mut out)
        .map_err(|e| ReadError::classify(e, out.len() as u64))?;
    Ok(out)
}

/// The decoded size of gzip data as its trailer gives it (that of the last member, modulo
/// 2³²): a hint that saves growing and copying the output, not a limit. Tenfold, as logs
/// compress, when there is no trailer.
fn gzip_size_hint(bytes: &[u8]) -> usize {
    let trailer = bytes
        .len()
        .checked_sub(4)
        .and_then(|start| bytes.get(start..))
        .and_then(|last| <[u8; 4]>::try_from(last).ok());
    match trailer {
        Some(size) => usize::try_from(u32::from_le_bytes(size)).unwrap_or(usize::MAX),
        None => bytes.len().saturating_mul(10),
    }
}

/// Upper bound of the first allocation for a decoded payload.
const EXPECTED_PAYLOAD_MAX: usize = 16 << 20;

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    pub fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn the_gzip_trailer_hints_the_decoded_size() {
        let data = vec![b'x'; 100_000];
        assert_eq!(gzip_size_hint(&gzip(&data)), data.len());
        assert_eq!(gzip_size_hint(&[0x1f, 0x8b]), 20);
    }

    #[test]
    fn sniffs_gzip_by_magic_bytes_not_name() {
        let mut gz = io::Cursor::new(gzip(b"{}"));
        assert_eq!(sniff(&mut gz).unwrap(), Encoding::Gzip);
        let mut plain = io::Cursor::new(b"{}".to_vec());
        assert_eq!(sniff(&mut plain).unwrap(), Encoding::Plain);
        let mut empty = io::Cursor::new(Vec::new());
        assert_eq!(sniff(&mut empty).unwrap(), Encoding::Plain);
    }

    #[test]
    fn inflates_every_concatenated_member() {
        let mut data = gzip(b"first\n");
        data.extend(gzip(b"second\n"));
        data.extend(gzip(b"third"));
        assert_eq!(decode_all(&data, 1 << 20).unwrap(), b"first\nsecond\nthird");
    }

    #[test]
    fn passes_plain_bytes_through() {
        assert_eq!(decode_all(b"plain", 100).unwrap(), b"plain");
    }

    #[test]
    fn stops_a_gzip_bomb_at_the_cap() {
        let bomb = gzip(&vec![b'a'; 10 << 20]);
        assert!(
            bomb.len() * 100 < 10 << 20,
            "a bomb is small: {}",
            bomb.len()
        );
        let error = decode_all(&bomb, 1 << 20).unwrap_err();
        assert!(matches!(error, ReadError::TooLarge { cap } if cap == 1 << 20));
        assert!(!error.is_transient());
    }

    #[test]
    fn truncated_gzip_is_corrupt_not_transient() {
        let data = gzip(&b"0123456789".repeat(1000));
        let error = decode_all(&data[..data.len() / 2], 1 << 20).unwrap_err();
        assert!(matches!(error, ReadError::Corrupt { .. }), "{error:?}");
        assert!(!error.is_transient());
    }

    #[test]
    fn corrupt_middle_member_is_corrupt() {
        let mut data = gzip(b"one\n");
        let mut middle = gzip(b"two two two two\n");
        let n = middle.len();
        middle[n / 2] ^= 0xff;
        middle[n / 2 + 1] ^= 0xff;
        data.extend(middle);
        data.extend(gzip(b"three\n"));
        let error = decode_all(&data, 1 << 20).unwrap_err();
        assert!(!error.is_transient(), "{error:?}");
    }

    struct FailingReader;
    impl Read for FailingReader {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"))
        }
    }

    #[test]
    fn raw_reader_failures_are_transient() {
        let error = open(FailingReader, 100).err().unwrap();
        assert!(matches!(error, ReadError::Raw(_)));
        assert!(error.is_transient());
    }

    #[test]
    fn counts_raw_and_decoded_bytes() {
        let data = gzip(&vec![b'x'; 5000]);
        let raw_len = data.len() as u64;
        let mut decoded = open(io::Cursor::new(data), 1 << 20).unwrap();
        let mut out = Vec::new();
        decoded.reader().read_to_end(&mut out).unwrap();
        assert_eq!(decoded.decoded_bytes(), 5000);
        assert_eq!(decoded.raw_bytes(), raw_len);
        assert_eq!(decoded.encoding(), Encoding::Gzip);
    }
}
