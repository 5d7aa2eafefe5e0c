//! Read-ahead: runs a reader (the gzip decoder) on its own thread and hands its output over
//! in chunks, so inflating and parsing proceed on two cores at once. At most [`DEPTH`]
//! chunks are in flight and buffers are recycled, so memory does not grow with the input.
//! Errors (with their original cause) and the end of input arrive in order after the data.

use std::io::{self, BufRead, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError};

/// Chunks that may wait between the producer and the consumer.
const DEPTH: usize = 4;

/// Reads `inner` on a new thread; the returned reader yields the same bytes and errors.
/// Falls back to reading in place if no thread can be started.
pub fn spawn<R: Read + Send + 'static>(inner: R, chunk: usize) -> Box<dyn BufRead + Send> {
    let (full_tx, full_rx) = sync_channel::<io::Result<Vec<u8>>>(DEPTH);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(DEPTH + 2);
    let producer = Producer {
        inner,
        chunk,
        full: full_tx,
        empty: empty_rx,
    };
    // The producer owns `inner` until it ends; give it back if the thread cannot start.
    let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(producer)));
    let taken = slot.clone();
    let started = std::thread::Builder::new()
        .name("readahead".into())
        .spawn(move || {
            let producer = taken.lock().ok().and_then(|mut p| p.take());
            if let Some(producer) = producer {
                producer.run();
            }
        });
    if started.is_err() {
        let producer = slot.lock().ok().and_then(|mut p| p.take());
        if let Some(producer) = producer {
            return Box::new(io::BufReader::with_capacity(chunk, producer.inner));
        }
    }
    Box::new(Consumer {
        full: full_rx,
        empty: empty_tx,
        current: Vec::new(),
        position: 0,
        finished: false,
    })
}

struct Producer<R> {
    inner: R,
    chunk: usize,
    full: SyncSender<io::Result<Vec<u8>>>,
    empty: Receiver<Vec<u8>>,
}

impl<R: Read> Producer<R> {
    fn run(mut self) {
        loop {
            let mut buffer = match self.empty.try_recv() {
                Ok(buffer) => buffer,
                Err(TryRecvError::Empty) => Vec::with_capacity(self.chunk),
                // The consumer is gone: stop.
                Err(TryRecvError::Disconnected) => return,
            };
            buffer.resize(self.chunk, 0);
            let (filled, error) = fill(&mut self.inner, &mut buffer);
            // Data read before an error goes first, then the error, as a plain reader would.
            if filled > 0 {
                buffer.truncate(filled);
                if self.full.send(Ok(buffer)).is_err() {
                    return;
                }
            }
            if let Some(error) = error {
                let _ = self.full.send(Err(error));
                return;
            }
            if filled == 0 {
                return; // dropping `full` signals the end of input
            }
        }
    }
}

/// Reads until `buffer` is full, the input ends or an error occurs.
fn fill<R: Read>(reader: &mut R, buffer: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while let Some(rest) = buffer.get_mut(filled..).filter(|r| !r.is_empty()) {
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

struct Consumer {
    full: Receiver<io::Result<Vec<u8>>>,
    empty: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    position: usize,
    finished: bool,
}

impl BufRead for Consumer {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position >= self.current.len() && !self.finished {
            let used = std::mem::take(&mut self.current);
            if used.capacity() > 0 {
                let _ = self.empty.try_send(used);
            }
            self.position = 0;
            match self.full.recv() {
                Ok(Ok(chunk)) => self.current = chunk,
                Ok(Err(error)) => {
                    self.finished = true;
                    return Err(error);
                }
                Err(_) => self.finished = true,
            }
        }
        Ok(self.current.get(self.position..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.position = (self.position + amount).min(self.current.len());
    }
}

impl Read for Consumer {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(target), Some(source)) = (buf.get_mut(..n), available.get(..n)) {
            target.copy_from_slice(source);
        }
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yields_the_same_bytes() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        spawn(io::Cursor::new(data.clone()), 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }

    struct FailsAfter(usize);
    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::new(io::ErrorKind::ConnectionReset, "gone"));
            }
            let n = self.0.min(buf.len()).min(1000);
            buf.get_mut(..n).unwrap().fill(b'x');
            self.0 -= n;
            Ok(n)
        }
    }

    #[test]
    fn data_before_an_error_arrives_then_the_error_itself() {
        let mut reader = spawn(FailsAfter(10_500), 4096);
        let mut out = Vec::new();
        let error = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(out.len(), 10_500);
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
    }

    #[test]
    fn an_early_drop_stops_the_producer() {
        let mut reader = spawn(io::repeat(b'a'), 4096);
        let mut first = [0u8; 10];
        reader.read_exact(&mut first).unwrap();
        drop(reader); // the thread ends once its send fails; nothing hangs
    }
}
