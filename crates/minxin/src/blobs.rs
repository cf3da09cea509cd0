//! The blob store the configuration names, opened with its start-up checks, and
//! `minxin blobs copy`, which moves every file to another store with a progress bar (progress
//! lines when the output is not a terminal) and checks the count at the end.

use crate::config::Config;
use indicatif::{ProgressBar, ProgressStyle};
use minxin_storage::kernel::blobs::{BlobUrl, CopyReport, ObjectBlobStore, copy};
use std::io::IsTerminal;

/// The configured blob store; a bucket that does not exist, refused credentials or an
/// unreachable endpoint stop here with a message naming the setting to correct.
pub async fn open(config: &Config) -> anyhow::Result<ObjectBlobStore> {
    let store = config.blobs()?.open().await?;
    tracing::info!(blobs = store.label(), "blob store opened");
    Ok(store)
}

/// `minxin blobs copy --to URL`.
pub async fn copy_to(config: &Config, to: &str) -> anyhow::Result<()> {
    let target =
        BlobUrl::parse(Some(to), &config.data_dir).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    let from = open(config).await?;
    let to = target.open().await?;
    if from.label() == to.label() {
        anyhow::bail!(
            "--to names the configured blob store itself ({})",
            to.label()
        );
    }
    println!("copying the blobs of {} to {}", from.label(), to.label());
    let mut progress = Progress::new();
    let report = copy(&from, &to, |r| progress.show(r)).await?;
    progress.finish();
    println!(
        "listed {}, copied {} ({} bytes), skipped {} already there, found in the target {}",
        report.listed, report.copied, report.bytes, report.skipped, report.verified
    );
    if !report.complete() {
        anyhow::bail!(
            "the count does not add up: copied {} + skipped {} of {} listed, {} found in the \
             target; run the copy again",
            report.copied,
            report.skipped,
            report.listed,
            report.verified
        );
    }
    println!(
        "done: set blob_url = \"{}\" to serve from the target",
        to.label()
    );
    Ok(())
}

/// A bar on a terminal; otherwise a line at every twentieth of the way.
enum Progress {
    Bar(Option<ProgressBar>),
    Lines { every: u64 },
}

impl Progress {
    fn new() -> Self {
        if std::io::stderr().is_terminal() {
            Progress::Bar(None)
        } else {
            Progress::Lines { every: 0 }
        }
    }

    fn show(&mut self, r: &CopyReport) {
        let done = r.copied + r.skipped;
        match self {
            Progress::Bar(bar) => {
                let bar = bar.get_or_insert_with(|| {
                    let bar = ProgressBar::new(r.listed);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} blobs, {msg} [{elapsed_precise}, ~{eta} left]",
                    ) {
                        bar.set_style(style);
                    }
                    bar
                });
                bar.set_position(done);
                bar.set_message(format!("{} copied, {} skipped", r.copied, r.skipped));
            }
            Progress::Lines { every } => {
                if *every == 0 {
                    *every = r.listed.div_ceil(20).max(1);
                    println!("{} blobs to copy", r.listed);
                } else if done.is_multiple_of(*every) || done == r.listed {
                    println!(
                        "{done}/{} blobs: {} copied, {} skipped",
                        r.listed, r.copied, r.skipped
                    );
                }
            }
        }
    }

    fn finish(self) {
        if let Progress::Bar(Some(bar)) = self {
            bar.finish();
        }
    }
}
