//! [`StripeClient`]: requests, keys, retries, rate limit.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use super::error::{ApiError, StripeErrorBody};
use crate::api_key::ApiKey;
use crate::config::Config;
use crate::error_chain::error_chain;

/// Default `STRIPE_API_BASE`.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// Default client-side rate limit, requests per second per (key, account): under Stripe's
/// test-mode limit of 25/s.
pub const DEFAULT_RATE_LIMIT: u32 = 20;

/// Which key and account a call is made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Live mode (`STRIPE_LIVE_SECRET_KEY`) or test mode (`STRIPE_TEST_SECRET_KEY`).
    pub livemode: bool,
    /// A connected account (`acct_...`): sent as `Stripe-Account`, with the platform's key.
    pub account: Option<String>,
}

impl Scope {
    /// Test mode, the platform account.
    #[must_use]
    pub fn test() -> Self {
        Self::default()
    }

    /// `livemode`, and `account` when given.
    #[must_use]
    pub fn new(livemode: bool, account: Option<String>) -> Self {
        Self { livemode, account }
    }
}

/// What the client is built from.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `STRIPE_API_BASE`, e.g. `https://api.stripe.com` (no trailing `/v1`).
    pub base: String,
    /// `STRIPE_API_VERSION`, sent as `Stripe-Version`.
    pub version: String,
    /// `STRIPE_TEST_SECRET_KEY`.
    pub test_key: Option<ApiKey>,
    /// `STRIPE_LIVE_SECRET_KEY`.
    pub live_key: Option<ApiKey>,
    /// Requests per second per (key, account); also the burst allowed at once. Must be at
    /// least 1.
    pub rate_limit: u32,
    /// Retries after the first attempt on 429, 5xx and connection failures.
    pub max_retries: u32,
    /// First backoff delay; doubles per retry (with jitter), capped at `max_backoff`.
    pub initial_backoff: Duration,
    /// Longest single wait between attempts. A `Retry-After` longer than this ends the retries
    /// (the call fails as [`ApiError::Unavailable`]) rather than asking Stripe again sooner than
    /// it said.
    pub max_backoff: Duration,
    /// Timeout of one attempt (connect + response).
    pub timeout: Duration,
}

impl ApiSettings {
    /// The settings `config` holds, with the defaults for the rest (3 retries, 500 ms first
    /// backoff, 30 s max backoff, 30 s per attempt, [`DEFAULT_RATE_LIMIT`]).
    #[must_use]
    pub fn from_config(config: &Config) -> Self {
        Self {
            base: config.stripe_api_base.clone(),
            version: config.stripe_api_version.clone(),
            test_key: config.stripe_test_secret_key.clone(),
            live_key: config.stripe_live_secret_key.clone(),
            rate_limit: DEFAULT_RATE_LIMIT,
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
        }
    }
}

/// The rate limiter's clock: tokio's, so that a test with a paused clock sees waits in
/// virtual time (governor's own clocks read the system's monotonic clock).
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// Past this many rate-limit buckets, the idle ones are dropped.
const PRUNE_BUCKETS_ABOVE: usize = 1024;

/// One bucket per (live mode, connected account): one client holds one key per mode, so this
/// is a bucket per (key, account).
type LimiterKey = (bool, Option<String>);
type Limiter = RateLimiter<
    LimiterKey,
    DashMapStateStore<LimiterKey>,
    TokioClock,
    NoOpMiddleware<std::time::Instant>,
>;

/// The Stripe API client. Cheap to clone (one shared connection pool and rate limiter).
#[derive(Clone)]
pub struct StripeClient {
    inner: Arc<Inner>,
}

struct Inner {
    settings: ApiSettings,
    /// `settings.base` without a trailing `/`.
    base: String,
    http: reqwest::Client,
    limiter: Limiter,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.inner.settings.base)
            .field("version", &self.inner.settings.version)
            .finish_non_exhaustive()
    }
}

/// What one attempt came to.
enum Attempt {
    /// A 2xx body.
    Done(Bytes),
    /// Worth another attempt: 429, 5xx, a transport failure.
    Retry {
        status: Option<u16>,
        detail: String,
        /// `Retry-After`, in seconds, when the answer had one.
        retry_after: Option<Duration>,
        /// `Stripe-Should-Retry: false`: Stripe says another attempt cannot succeed.
        final_: bool,
    },
    /// Not worth another attempt.
    Fail(ApiError),
}

impl StripeClient {
    /// A client for `settings`.
    ///
    /// # Errors
    /// [`ApiError::Config`] when the base URL does not parse or is not http(s), the rate limit
    /// is 0, or the HTTP client cannot be built.
    pub fn new(settings: ApiSettings) -> Result<Self, ApiError> {
        let base = settings.base.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&base)
            .map_err(|e| ApiError::Config(format!("STRIPE_API_BASE {base:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(ApiError::Config(format!(
                "STRIPE_API_BASE {base:?}: expected an http:// or https:// URL"
            )));
        }
        let rate = NonZeroU32::new(settings.rate_limit)
            .ok_or_else(|| ApiError::Config("the rate limit must be at least 1/s".into()))?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("stripe-receiver/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.timeout)
            // Stripe does not redirect; an answer that does is not Stripe's.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(format!("HTTP client: {e}")))?;
        let limiter = RateLimiter::dashmap_with_clock(Quota::per_second(rate), TokioClock);
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                base,
                http,
                limiter,
            }),
        })
    }

    /// The settings the client was built with.
    #[must_use]
    pub fn settings(&self) -> &ApiSettings {
        &self.inner.settings
    }

    /// `GET <base><path>` (path starts with `/v1/`), with `query` pairs. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn get(
        &self,
        scope: &Scope,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Bytes, ApiError> {
        self.call(Method::GET, scope, path, query, &[]).await
    }

    /// `POST <base><path>`, form-encoded `form` pairs (Stripe's encoding: `a[]=x`,
    /// `metadata[k]=v`), with a fresh `Idempotency-Key` kept across retries. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn post(
        &self,
        scope: &Scope,
        path: &str,
        form: &[(String, String)],
    ) -> Result<Bytes, ApiError> {
        self.call(Method::POST, scope, path, &[], form).await
    }

    /// `DELETE <base><path>`. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn delete(&self, scope: &Scope, path: &str) -> Result<Bytes, ApiError> {
        self.call(Method::DELETE, scope, path, &[], &[]).await
    }

    /// The key of `livemode`'s mode.
    fn key(&self, livemode: bool) -> Result<&ApiKey, ApiError> {
        let settings = &self.inner.settings;
        if livemode {
            settings.live_key.as_ref()
        } else {
            settings.test_key.as_ref()
        }
        .ok_or(ApiError::NoKey { livemode })
    }

    /// Waits until the (mode, account) bucket lets one more request through.
    async fn acquire(&self, scope: &Scope) {
        let key: LimiterKey = (scope.livemode, scope.account.clone());
        let limiter = &self.inner.limiter;
        while let Err(not_until) = limiter.check_key(&key) {
            let wait = not_until.wait_time_from(limiter.clock().now());
            tracing::debug!(
                wait_ms = wait.as_millis(),
                "client-side rate limit: waiting"
            );
            tokio::time::sleep(wait).await;
        }
        // One bucket per connected account ever called: drop the idle ones (a bucket back to
        // its full burst is the same as none) once there are many.
        if limiter.len() > PRUNE_BUCKETS_ABOVE {
            limiter.retain_recent();
        }
    }

    /// One call, with its retries. The span names method, path, mode, account and
    /// idempotency key, never the API key.
    async fn call(
        &self,
        method: Method,
        scope: &Scope,
        path: &str,
        query: &[(&str, String)],
        form: &[(String, String)],
    ) -> Result<Bytes, ApiError> {
        check_path(path)?;
        let key = self.key(scope.livemode)?;
        let idempotency_key = (method == Method::POST).then(|| uuid::Uuid::new_v4().to_string());
        let span = tracing::debug_span!(
            "stripe_api",
            method = %method,
            path,
            livemode = scope.livemode,
            account = scope.account.as_deref(),
            idempotency_key = idempotency_key.as_deref(),
        );
        async {
            let settings = &self.inner.settings;
            let url = format!("{}{path}", self.inner.base);
            let mut attempt: u32 = 0;
            loop {
                self.acquire(scope).await;
                let mut request = self
                    .inner
                    .http
                    .request(method.clone(), &url)
                    .bearer_auth(key.expose())
                    .header("Stripe-Version", &settings.version)
                    .timeout(settings.timeout);
                if let Some(account) = &scope.account {
                    request = request.header("Stripe-Account", account);
                }
                if let Some(idempotency_key) = &idempotency_key {
                    request = request.header("Idempotency-Key", idempotency_key);
                }
                if !query.is_empty() {
                    request = request.query(query);
                }
                if method == Method::POST {
                    request = request.form(form);
                }
                let (status, detail, retry_after, final_) = match attempt_once(request).await {
                    Attempt::Done(body) => {
                        tracing::debug!(attempt, "Stripe answered");
                        return Ok(body);
                    }
                    Attempt::Fail(error) => {
                        tracing::debug!(attempt, %error, "Stripe refused");
                        return Err(error);
                    }
                    Attempt::Retry {
                        status,
                        detail,
                        retry_after,
                        final_,
                    } => (status, detail, retry_after, final_),
                };
                let unavailable = || ApiError::Unavailable {
                    status,
                    detail: detail.clone(),
                };
                if final_ || attempt >= settings.max_retries {
                    tracing::warn!(attempt, status, %detail, "Stripe unavailable; giving up");
                    return Err(unavailable());
                }
                let Some(wait) = next_wait(
                    attempt,
                    settings.initial_backoff,
                    settings.max_backoff,
                    retry_after,
                    rand::random_range(0.0..=1.0),
                ) else {
                    tracing::warn!(
                        attempt,
                        status,
                        retry_after_s = retry_after.map(|d| d.as_secs()),
                        "Stripe asked to wait longer than the longest backoff; giving up"
                    );
                    return Err(ApiError::Unavailable {
                        status,
                        detail: format!(
                            "{detail} (Retry-After {} s exceeds the {} s longest wait)",
                            retry_after.unwrap_or_default().as_secs(),
                            settings.max_backoff.as_secs()
                        ),
                    });
                };
                tracing::info!(
                    attempt,
                    status,
                    %detail,
                    wait_ms = wait.as_millis(),
                    "Stripe unavailable; retrying"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }
}

/// Sends one attempt and sorts its outcome.
async fn attempt_once(request: reqwest::RequestBuilder) -> Attempt {
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) if error.is_builder() => {
            return Attempt::Fail(ApiError::Config(error_chain(&error)));
        }
        Err(error) => {
            return Attempt::Retry {
                status: None,
                detail: error_chain(&error),
                retry_after: None,
                final_: false,
            };
        }
    };
    let status = response.status();
    let headers = response.headers().clone();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => {
            // The answer broke off (or timed out) mid-body: a transport failure.
            return Attempt::Retry {
                status: Some(status.as_u16()),
                detail: error_chain(&error),
                retry_after: None,
                final_: false,
            };
        }
    };
    if status.is_success() {
        return Attempt::Done(body);
    }
    let error = parse_error_body(status, &body);
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return Attempt::Retry {
            status: Some(status.as_u16()),
            detail: format!(
                "HTTP {}: {}",
                status.as_u16(),
                error.message.as_deref().unwrap_or(&error.type_)
            ),
            retry_after: retry_after(&headers),
            final_: should_not_retry(&headers),
        };
    }
    Attempt::Fail(ApiError::Refused {
        status: status.as_u16(),
        error,
        request_id: headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    })
}

/// A path the client may call: `/v1/` then segments of letters, digits, `_`, `-`, `.` or `~`,
/// none empty and none `.` or `..` (so that an id taken from a request body cannot point the
/// call elsewhere, nor add a query).
fn check_path(path: &str) -> Result<(), ApiError> {
    let ok = path.strip_prefix("/v1/").is_some_and(|rest| {
        rest.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~'))
        })
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::Config(format!(
            "not a Stripe API path: {path:?} (expected /v1/ and segments of letters, digits, _ - . ~)"
        )))
    }
}

/// Stripe's error object from a 4xx/5xx body (`{"error": {...}}`). A body that is not one (a
/// proxy's HTML page, say) gives type `unknown` and the start of the body as its message.
pub(crate) fn parse_error_body(status: StatusCode, body: &[u8]) -> StripeErrorBody {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: StripeErrorBody,
    }
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
        return envelope.error;
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let snippet: String = text.chars().take(200).collect();
    StripeErrorBody {
        type_: "unknown".into(),
        code: None,
        param: None,
        message: Some(if snippet.is_empty() {
            format!("HTTP {} with no Stripe error body", status.as_u16())
        } else {
            format!("HTTP {}: {snippet}", status.as_u16())
        }),
    }
}

/// `Retry-After` in seconds (the form Stripe sends). The HTTP-date form and anything else
/// unparsable count as absent: the backoff applies.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// `Stripe-Should-Retry: false`: Stripe says a retry cannot succeed (Stripe: "Error handling").
fn should_not_retry(headers: &HeaderMap) -> bool {
    headers
        .get("stripe-should-retry")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

/// The wait before retry number `attempt + 1` (`attempt` counts from 0 for the first failed
/// attempt): `initial * 2^attempt` capped at `max`, of which the upper half is scaled by
/// `jitter` in `[0, 1]` ("equal jitter": between half and all of it), and never less than
/// `retry_after`. `None` when `retry_after` exceeds `max`: the caller gives up rather than
/// asking again sooner than Stripe said.
pub(crate) fn next_wait(
    attempt: u32,
    initial: Duration,
    max: Duration,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Option<Duration> {
    if retry_after.is_some_and(|r| r > max) {
        return None;
    }
    let factor = 2u32.saturating_pow(attempt.min(31));
    let backoff = initial.saturating_mul(factor).min(max);
    let half = backoff / 2;
    let jittered = half + half.mul_f64(jitter.clamp(0.0, 1.0));
    Some(jittered.max(retry_after.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn backoff_doubles_and_is_capped() {
        let initial = 500 * MS;
        let max = Duration::from_secs(30);
        // No jitter: the lower half; full jitter: the whole.
        assert_eq!(next_wait(0, initial, max, None, 0.0), Some(250 * MS));
        assert_eq!(next_wait(0, initial, max, None, 1.0), Some(500 * MS));
        assert_eq!(next_wait(1, initial, max, None, 1.0), Some(1000 * MS));
        assert_eq!(next_wait(2, initial, max, None, 1.0), Some(2000 * MS));
        assert_eq!(next_wait(2, initial, max, None, 0.5), Some(1500 * MS));
        assert_eq!(next_wait(6, initial, max, None, 1.0), Some(max));
        assert_eq!(next_wait(200, initial, max, None, 1.0), Some(max));
        assert_eq!(next_wait(200, initial, max, None, 0.0), Some(max / 2));
        // Out-of-range jitter is clamped.
        assert_eq!(next_wait(0, initial, max, None, 7.0), Some(500 * MS));
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_gives_up() {
        let initial = 500 * MS;
        let max = Duration::from_secs(30);
        let two = Some(Duration::from_secs(2));
        assert_eq!(next_wait(0, initial, max, two, 1.0), two);
        // A backoff longer than Retry-After wins.
        assert_eq!(
            next_wait(4, initial, max, Some(Duration::from_secs(1)), 1.0),
            Some(Duration::from_secs(8))
        );
        assert_eq!(
            next_wait(0, initial, max, Some(Duration::from_secs(30)), 0.0),
            Some(max)
        );
        assert_eq!(
            next_wait(0, initial, max, Some(Duration::from_secs(31)), 0.0),
            None
        );
    }

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(
            retry_after(&headers("retry-after", "3")),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("retry-after", " 0 ")),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("retry-after", "-1")), None);
        assert_eq!(retry_after(&headers("retry-after", "1.5")), None);
        assert_eq!(
            retry_after(&headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn stripe_should_retry_false() {
        assert!(should_not_retry(&headers("stripe-should-retry", "false")));
        assert!(!should_not_retry(&headers("stripe-should-retry", "true")));
        assert!(!should_not_retry(&HeaderMap::new()));
    }

    #[test]
    fn error_body_parsing() {
        let body = br#"{"error":{"type":"invalid_request_error","code":"url_invalid","param":"url","message":"Invalid URL: must be https","doc_url":"https://stripe.com/docs/error-codes/url-invalid"}}"#;
        let error = parse_error_body(StatusCode::BAD_REQUEST, body);
        assert_eq!(error.type_, "invalid_request_error");
        assert_eq!(error.code.as_deref(), Some("url_invalid"));
        assert_eq!(error.param.as_deref(), Some("url"));
        assert_eq!(error.message.as_deref(), Some("Invalid URL: must be https"));

        let minimal = parse_error_body(
            StatusCode::UNAUTHORIZED,
            br#"{"error":{"type":"invalid_request_error"}}"#,
        );
        assert_eq!(minimal.type_, "invalid_request_error");
        assert_eq!(minimal.code, None);
        assert_eq!(minimal.message, None);

        let html = parse_error_body(StatusCode::BAD_GATEWAY, b"<html>Bad gateway</html>\n");
        assert_eq!(html.type_, "unknown");
        assert_eq!(
            html.message.as_deref(),
            Some("HTTP 502: <html>Bad gateway</html>")
        );

        let empty = parse_error_body(StatusCode::FORBIDDEN, b"");
        assert_eq!(
            empty.message.as_deref(),
            Some("HTTP 403 with no Stripe error body")
        );
    }

    #[test]
    fn paths() {
        assert!(check_path("/v1/events/evt_1Abc").is_ok());
        assert!(check_path("/v1/webhook_endpoints").is_ok());
        assert!(check_path("/v1/products/gold-plan.v2").is_ok());
        for bad in [
            "/v1/events/../webhook_endpoints",
            "/v1/events/.",
            "/v1/events/",
            "/v1//x",
            "/v2/events/evt_1",
            "v1/events/evt_1",
            "/v1/events/evt_1?expand[]=data",
            "/v1/events/evt_1#x",
            "/v1/events/evt 1",
            "/v1/events/evt%2F1",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    fn settings(rate_limit: u32) -> ApiSettings {
        ApiSettings {
            base: "http://127.0.0.1:9/".into(),
            version: "2026-10-28.endive".into(),
            test_key: Some(ApiKey::parse("sk_test_123").unwrap()),
            live_key: None,
            rate_limit,
            max_retries: 3,
            initial_backoff: 500 * MS,
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
        }
    }

    #[test]
    fn settings_from_config() {
        let config = Config::from_lookup(|var| match var {
            "STRIPE_API_BASE" => Some("http://127.0.0.1:12111".into()),
            "STRIPE_TEST_SECRET_KEY" => Some("sk_test_abc".into()),
            _ => None,
        })
        .unwrap();
        let settings = ApiSettings::from_config(&config);
        assert_eq!(settings.base, "http://127.0.0.1:12111");
        assert_eq!(settings.version, "2026-10-28.endive");
        assert_eq!(settings.test_key.as_ref().unwrap().expose(), "sk_test_abc");
        assert!(settings.live_key.is_none());
        assert_eq!(settings.rate_limit, DEFAULT_RATE_LIMIT);
        assert_eq!(settings.max_retries, 3);
        assert_eq!(settings.initial_backoff, 500 * MS);
        assert_eq!(settings.max_backoff, Duration::from_secs(30));
        assert_eq!(settings.timeout, Duration::from_secs(30));
    }

    #[test]
    fn settings_checked() {
        assert!(matches!(
            StripeClient::new(settings(0)),
            Err(ApiError::Config(_))
        ));
        let mut bad = settings(5);
        bad.base = "ftp://example.com".into();
        assert!(matches!(StripeClient::new(bad), Err(ApiError::Config(_))));
        let client = StripeClient::new(settings(5)).unwrap();
        assert_eq!(client.inner.base, "http://127.0.0.1:9");
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_per_mode_and_account() {
        let client = StripeClient::new(settings(5)).unwrap();
        let platform = Scope::test();
        let connected = Scope::new(false, Some("acct_1".into()));
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            client.acquire(&platform).await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a burst of 5 passes at once"
        );
        // Another account has its own bucket.
        client.acquire(&connected).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        // The sixth waits one emission interval (1/5 s).
        client.acquire(&platform).await;
        assert_eq!(start.elapsed(), 200 * MS);
        client.acquire(&platform).await;
        assert_eq!(start.elapsed(), 400 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_buckets_are_dropped() {
        let client = StripeClient::new(settings(5)).unwrap();
        for i in 0..=PRUNE_BUCKETS_ABOVE {
            client
                .acquire(&Scope::new(false, Some(format!("acct_{i}"))))
                .await;
        }
        assert_eq!(client.inner.limiter.len(), PRUNE_BUCKETS_ABOVE + 1);
        // A second later every bucket is full again: the next call drops them all but its own.
        tokio::time::advance(Duration::from_secs(1)).await;
        client.acquire(&Scope::test()).await;
        assert_eq!(client.inner.limiter.len(), 1);
    }
}
