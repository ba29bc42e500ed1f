//! `stripe-receiver jobs ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::output::{self, Listing};
use super::CliError;
use crate::jobs::{self, JobFilter, JobStatus};
use crate::runtime::{shutdown_signal, Runtime};

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run a job worker in this process until Ctrl-C (beside or instead of the one in `serve`;
    /// on PostgreSQL any number of workers share the jobs).
    Work,
    /// List jobs, newest first.
    List {
        /// Only dead jobs (failed every attempt).
        #[arg(long, conflicts_with = "status")]
        dead: bool,
        /// Only jobs in this status: queued, running, done, dead.
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        listing: Listing,
    },
    /// Requeue a dead job for a fresh set of attempts, due at once.
    Retry {
        /// The job id (a UUID, from `jobs list`).
        id: uuid::Uuid,
    },
}

pub(super) async fn run(runtime: &Runtime, cmd: JobsCommand) -> Result<ExitCode, CliError> {
    match cmd {
        JobsCommand::Work => runtime.run_jobs(shutdown_signal()).await,
        JobsCommand::List {
            dead,
            status,
            listing: Listing { limit, json },
        } => {
            let status = match (dead, status) {
                (true, _) => Some(JobStatus::Dead),
                (false, Some(s)) => Some(JobStatus::parse(&s).ok_or_else(|| {
                    format!("--status {s:?}: one of queued, running, done, dead")
                })?),
                (false, None) => None,
            };
            let list = jobs::list(runtime.db(), &JobFilter { status, limit }).await?;
            if json {
                output::json(&list);
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|j| {
                    vec![
                        j.id.to_string(),
                        j.name.clone(),
                        j.status.as_str().to_owned(),
                        format!("{}/{}", j.attempts, j.max_attempts),
                        output::or_dash(j.event_id.as_deref()),
                        j.run_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        output::or_dash(j.last_error.as_deref()),
                    ]
                })
                .collect();
            output::table(
                &[
                    "JOB",
                    "NAME",
                    "STATUS",
                    "ATTEMPTS",
                    "EVENT",
                    "RUN AT (UTC)",
                    "LAST ERROR",
                ],
                &rows,
            );
        }
        JobsCommand::Retry { id } => {
            if !jobs::retry(runtime.db(), id).await? {
                return Err(format!("no dead job {id}").into());
            }
            outln!("job {id} requeued");
        }
    }
    Ok(ExitCode::SUCCESS)
}
