//! What an operator watches a running instance by: Prometheus metrics (`metrics.rs`), the
//! liveness and readiness probes (`health.rs`), the request id every response and log line of
//! a request carries (`request_id.rs`), and the [`Lifecycle`] that tells them — and the job
//! worker — that the process is draining before it stops.

pub mod health;
pub mod metrics;
pub mod request_id;

use tokio::sync::watch;

/// Whether the process is running or draining. `minxin serve` calls [`Lifecycle::drain`] on
/// SIGTERM or Ctrl-C: `/readyz` then answers 503 so the load balancer sends no new work, and
/// whatever waits on [`Lifecycle::stopping`] (the job worker) winds down.
#[derive(Debug)]
pub struct Lifecycle {
    draining: watch::Sender<bool>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            draining: watch::Sender::new(false),
        }
    }
}

impl Lifecycle {
    /// From now on the process is draining (it cannot run again).
    pub fn drain(&self) {
        self.draining.send_replace(true);
    }

    /// Whether [`Lifecycle::drain`] was called.
    pub fn is_draining(&self) -> bool {
        *self.draining.borrow()
    }

    /// Resolves once the process is draining (at once if it already is).
    pub async fn stopping(&self) {
        let mut seen = self.draining.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail while we borrow it.
        let _ = seen.wait_for(|draining| *draining).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn draining_is_seen_by_those_already_waiting_and_those_who_come_later() {
        let lifecycle = std::sync::Arc::new(Lifecycle::default());
        assert!(!lifecycle.is_draining());
        let waiting = tokio::spawn({
            let lifecycle = lifecycle.clone();
            async move { lifecycle.stopping().await }
        });
        lifecycle.drain();
        waiting.await.unwrap();
        assert!(lifecycle.is_draining());
        lifecycle.stopping().await;
    }
}
