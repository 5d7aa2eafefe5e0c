//! Decompress-only baseline for the benchmarks: the engine's own byte layer (gzip sniffing,
//! every member, same flate2 backend, same buffers) reading a file to the end with no framing
//! or parsing. `cargo run --release --example inflate -- FILE`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrock_alerts::input::decode::{self, DEFAULT_MAX_DECODED_BYTES};
use std::io::BufRead;

fn main() {
    let path = std::env::args().nth(1).expect("usage: inflate FILE");
    let file = std::fs::File::open(&path).expect("cannot open the file");
    let mut decoded = decode::open(file, DEFAULT_MAX_DECODED_BYTES).expect("cannot read the file");
    let reader = decoded.reader();
    let mut total = 0u64;
    loop {
        let chunk = reader.fill_buf().expect("read error");
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        total += n as u64;
        reader.consume(n);
    }
    eprintln!("{total} bytes decoded");
}
