//! Stage 1, bytes: whatever an input is (gzip members, plain text, a size cap to respect),
//! turned into plain bytes and framed into JSON documents.

pub mod decode;
pub mod framing;
mod readahead;
