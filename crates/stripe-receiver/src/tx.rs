//! The transaction handle receivers get.

use std::future::Future;

use crate::boxed::BoxError;
use crate::db::{Backend, TxConn};
use crate::effects::Effects;

/// The webhook's database transaction, as seen by a receiver (`tx: &mut Tx<'_>`).
///
/// Everything a receiver writes through it commits together with the event row and every other
/// receiver's writes, or rolls back with them. Do not `COMMIT` or `ROLLBACK` through it: the
/// runtime owns the transaction's end (it may be a savepoint inside a larger transaction).
///
/// Run your own SQL in the webhook's transaction, on whichever backend it is, with
/// [`Tx::query`] (`$N` placeholders, values both backends encode):
///
/// ```ignore
/// tx.query("INSERT INTO receipts (charge_id, amount) VALUES ($1, $2)")
///     .bind(charge_id).bind(amount)
///     .execute()
///     .await?;
/// ```
///
/// For `sqlx::query!` (checked against one backend at compile time), reach the backend's native
/// sqlx connection with [`Tx::sqlite`] or [`Tx::postgres`].
///
/// A receiver written for one backend can take that backend's connection directly instead
/// (`conn: &mut sqlx::PgConnection` or `&mut sqlx::SqliteConnection`); a process on the other
/// backend then refuses to start, naming the receiver.
pub struct Tx<'c> {
    conn: TxConn<'c>,
    effects: &'c mut Effects,
}

/// A receiver asked for a backend the process is not running on.
#[derive(Debug, thiserror::Error)]
#[error("this receiver needs the {wanted} backend, but the database is {actual}")]
pub struct WrongBackend {
    /// The backend the receiver asked for.
    pub wanted: Backend,
    /// The backend in use.
    pub actual: Backend,
}

impl<'c> Tx<'c> {
    /// A shorter-lived handle on the same transaction, for one receiver call.
    pub(crate) fn reborrow(&mut self) -> Tx<'_> {
        Tx {
            conn: self.conn.reborrow(),
            effects: &mut *self.effects,
        }
    }

    pub(crate) fn new(conn: TxConn<'c>, effects: &'c mut Effects) -> Self {
        Self { conn, effects }
    }

    pub(crate) fn effects(&mut self) -> &mut Effects {
        self.effects
    }

    /// Registers `action` to run once this webhook's transaction has committed — never if it
    /// rolls back (a later receiver fails, a panic, a timeout), and not for an attempt that a
    /// retry replaces. Django's `transaction.on_commit`.
    ///
    /// Actions run after the commit, concurrently with the response (which does not wait for
    /// them), in the order they were registered. An action's error is logged and recorded on the
    /// delivery (`after_commit_error`); it does not change the 200: the event is committed, and a
    /// retry from Stripe would only be a duplicate. So an action is *at most once*: if the process
    /// stops before it runs, or it fails, it is not run again. For a side effect that must not be
    /// lost, enqueue a job in the same transaction instead ([`Tx::enqueue_job`]), which a worker
    /// runs at least once.
    ///
    /// ```ignore
    /// let mailer = mailer.clone();
    /// tx.after_commit(async move { mailer.send(receipt).await.map_err(Into::into) });
    /// ```
    pub fn after_commit(
        &mut self,
        action: impl Future<Output = Result<(), BoxError>> + Send + 'static,
    ) {
        self.effects.push(action);
    }

    pub(crate) fn conn_mut(&mut self) -> &mut TxConn<'c> {
        &mut self.conn
    }

    /// The backend this transaction runs on.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

// The native connections, one per backend this build has.

#[cfg(feature = "sqlite")]
impl Tx<'_> {
    /// The native SQLite connection, inside the webhook's transaction.
    ///
    /// # Errors
    /// [`WrongBackend`] when the process runs on another backend.
    pub fn sqlite(&mut self) -> Result<&mut sqlx::SqliteConnection, WrongBackend> {
        match self.conn_mut() {
            TxConn::Sqlite(conn) => Ok(conn),
            #[allow(unreachable_patterns)]
            other => Err(WrongBackend {
                wanted: Backend::Sqlite,
                actual: other.backend(),
            }),
        }
    }
}

#[cfg(feature = "postgres")]
impl Tx<'_> {
    /// The native PostgreSQL connection, inside the webhook's transaction. `sqlx::query!` and
    /// `query_as!` work on it.
    ///
    /// # Errors
    /// [`WrongBackend`] when the process runs on another backend.
    pub fn postgres(&mut self) -> Result<&mut sqlx::PgConnection, WrongBackend> {
        match self.conn_mut() {
            TxConn::Postgres(conn) => Ok(conn),
            #[allow(unreachable_patterns)]
            other => Err(WrongBackend {
                wanted: Backend::Postgres,
                actual: other.backend(),
            }),
        }
    }
}
