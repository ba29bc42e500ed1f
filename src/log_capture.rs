//! Every log line of a test binary, captured in memory, for tests that assert what is (and what
//! is never) logged: secrets, failure classes, warnings.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;

/// The captured log of this process: the text a `tracing_subscriber::fmt` subscriber wrote
/// (no ANSI colours; span close events included, with their fields).
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs the process's global subscriber, writing every event at `level` and above into
    /// one capture, and returns that capture. The first call installs; later calls return the
    /// same capture (whatever `level` they pass). Panics if another global subscriber was
    /// installed first.
    pub fn install(level: tracing::Level) -> &'static LogCapture {
        static CAPTURE: OnceLock<LogCapture> = OnceLock::new();
        CAPTURE.get_or_init(|| {
            let capture = LogCapture::default();
            tracing_subscriber::fmt()
                .with_writer(capture.clone())
                .with_ansi(false)
                .with_max_level(level)
                .with_span_events(FmtSpan::CLOSE)
                .init();
            capture
        })
    }

    /// Everything captured so far, as text (bytes that are not UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
