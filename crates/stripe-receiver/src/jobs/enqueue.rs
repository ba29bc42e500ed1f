//! `Tx::enqueue_job`: a job written in the webhook's transaction.

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::store;
use crate::Tx;

/// Why a job could not be enqueued. Returned to the receiver, whose `?` then fails (and rolls
/// back) the webhook.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// No `#[stripe_job]` fn of this name is linked into the binary.
    #[error("no #[stripe_job(\"{0}\")] fn is linked into this binary")]
    UnknownJob(String),
    /// The payload does not serialize to JSON.
    #[error("the payload of job {name:?} does not serialize: {source}")]
    Payload {
        /// The job name.
        name: String,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
    /// The database refused the row.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Tx<'_> {
    /// Enqueues a job of kind `name` (a `#[stripe_job("name")]` fn) with `payload`, in this
    /// webhook's transaction: it exists if and only if the webhook commits, and a worker runs it
    /// after the commit — at least once, with retries (see [`crate::jobs`]). Returns the job's
    /// id, the idempotency key its fn receives.
    ///
    /// # Errors
    /// [`EnqueueError::UnknownJob`] when no job fn of that name is linked in,
    /// [`EnqueueError::Payload`] when the payload does not serialize, [`EnqueueError::Db`].
    pub async fn enqueue_job<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        payload: &T,
    ) -> Result<Uuid, EnqueueError> {
        let settings = self.effects().jobs.clone();
        if !settings.known(name) {
            return Err(EnqueueError::UnknownJob(name.to_owned()));
        }
        let payload = serde_json::to_string(payload).map_err(|source| EnqueueError::Payload {
            name: name.to_owned(),
            source,
        })?;
        let id = Uuid::now_v7();
        let event_id = self.effects().event_id.clone();
        let max_attempts = settings.max_attempts();
        store::insert(
            self,
            id,
            name,
            &payload,
            max_attempts,
            event_id.as_deref(),
            Utc::now(),
        )
        .await?;
        self.effects().jobs_enqueued += 1;
        Ok(id)
    }
}
