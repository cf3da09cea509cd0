//! How many photo uploads are decoded at once (issue 15 finding 6). Decoding a photo takes a
//! good part of a second and up to a few hundred megabytes, so an unbounded number of uploads at
//! once could exhaust the server's memory. Each submission's photos are decoded under one slot,
//! on a blocking thread; a submission that finds no slot free within a short wait is answered
//! 503 with `Retry-After` rather than queued without bound.

use crate::kernel::error::Failure;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The seconds a busy client is asked to wait before trying again.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// The decode slots of this process.
#[derive(Debug)]
pub struct DecodeSlots {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl DecodeSlots {
    /// `slots` decodes at once; a submission waits at most `wait` for one.
    pub fn new(slots: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            wait,
        }
    }

    /// A slot, held until the permit is dropped (move it into the blocking task that decodes,
    /// so that a client going away does not free it early); 503 when none is free in time.
    pub async fn acquire(&self) -> Result<OwnedSemaphorePermit, Failure> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Failure::busy(RETRY_AFTER_SECONDS)),
        }
    }
}

/// The default number of slots: one per processor, since decoding keeps one busy.
pub fn default_slots() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}
