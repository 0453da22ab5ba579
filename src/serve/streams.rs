//! A cap on open live-reload streams. Each holds a connection, and so a file descriptor, for
//! as long as its page stays open; without a cap, enough tabs (or a client opening streams
//! in a loop) reach the process's descriptor limit and every new request hangs. Past the cap
//! the oldest stream is closed: a page still open reconnects, as event streams do.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Open streams at most; far below the usual descriptor limit of 1024.
pub(crate) const MAX_STREAMS: usize = 256;

/// The open streams, oldest first.
#[derive(Clone, Default)]
pub(crate) struct Streams {
    open: Arc<Mutex<Open>>,
}

#[derive(Default)]
struct Open {
    next: u64,
    /// Each stream's number and the sender that tells it to close.
    streams: VecDeque<(u64, oneshot::Sender<()>)>,
}

/// One open stream's place; dropping it (the stream ended) frees the place.
pub(crate) struct Ticket {
    id: u64,
    streams: Streams,
    /// Resolves when the stream must close to make room for a newer one.
    pub(crate) closed: oneshot::Receiver<()>,
}

impl Streams {
    /// Registers a new stream, closing the oldest ones past [`MAX_STREAMS`].
    pub(crate) fn open(&self) -> Ticket {
        let (close, closed) = oneshot::channel();
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while open.streams.len() >= MAX_STREAMS {
            if let Some((_, oldest)) = open.streams.pop_front() {
                let _ = oldest.send(());
            }
        }
        let id = open.next;
        open.next += 1;
        open.streams.push_back((id, close));
        Ticket { id, streams: self.clone(), closed }
    }

    /// How many streams are open.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.open.lock().map_or(0, |open| open.streams.len())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        open.streams.retain(|(id, _)| *id != self.id);
        // After a burst, give the queue's memory back.
        if open.streams.capacity() > 4 * open.streams.len() + 16 {
            open.streams.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_streams_close_past_the_cap() {
        let streams = Streams::default();
        let mut tickets: Vec<Ticket> = (0..MAX_STREAMS + 2).map(|_| streams.open()).collect();
        assert_eq!(streams.len(), MAX_STREAMS);
        assert!(tickets[0].closed.try_recv().is_ok());
        assert!(tickets[1].closed.try_recv().is_ok());
        assert!(tickets[2].closed.try_recv().is_err());
        tickets.truncate(10);
        assert_eq!(streams.len(), 8);
        drop(tickets);
        assert_eq!(streams.len(), 0);
    }
}
