//! The HTTP side: `/v1/...` as Stripe answers it, and the `/_test/...` controls.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::fixtures::{fixture, is_event_type, overlay, plural_path};
use crate::{Fault, KeyMode, RecordedRequest, Saved, Scope, Shared};

type Shared_ = Arc<Shared>;

pub(crate) fn router(shared: Shared_) -> Router {
    Router::new()
        .route(
            "/_test/requests",
            get(control_requests).delete(control_clear),
        )
        .route("/_test/fail_next", post(control_fail_next))
        .route("/_test/delay_next", post(control_delay_next))
        .route("/_test/events", post(control_events))
        .route("/_test/objects", post(control_objects))
        .route("/_test/webhook_endpoints", get(control_endpoints))
        .fallback(api)
        .with_state(shared)
}

/// `n` random lowercase hex digits (from v4 UUIDs).
pub(crate) fn random_hex(n: usize) -> String {
    let mut out = String::with_capacity(n + 32);
    while out.len() < n {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(n);
    out
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// An error answer in Stripe's shape.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    type_: &'static str,
    code: Option<&'static str>,
    param: Option<String>,
    message: String,
}

impl ApiError {
    fn invalid(code: Option<&'static str>, param: Option<&str>, message: String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            type_: "invalid_request_error",
            code,
            param: param.map(str::to_owned),
            message,
        }
    }

    fn missing(resource: &str, id: &str, param: Option<&str>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            type_: "invalid_request_error",
            code: Some("resource_missing"),
            param: param.map(str::to_owned),
            message: format!("No such {resource}: '{id}'"),
        }
    }

    fn unrecognized(method: &Method, path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            type_: "invalid_request_error",
            code: None,
            param: None,
            message: format!("Unrecognized request URL ({method}: {path})."),
        }
    }

    fn body(&self) -> Value {
        let mut error = json!({"type": self.type_, "message": self.message});
        if let Some(code) = self.code {
            error["code"] = json!(code);
        }
        if let Some(param) = &self.param {
            error["param"] = json!(param);
        }
        json!({ "error": error })
    }
}

fn with_request_id(status: StatusCode, body: &Value, extra: &[(&'static str, String)]) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("req_{}", random_hex(14))) {
        headers.insert(HeaderName::from_static("request-id"), v);
    }
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
    (status, headers, Json(body.clone())).into_response()
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The key's mode from `Authorization: Bearer <key>`: `Err` with Stripe's 401 when the header
/// is missing or the key is not a secret or restricted key.
fn key_mode(headers: &HeaderMap) -> Result<KeyMode, ApiError> {
    let unauthorized = |message: String| ApiError {
        status: StatusCode::UNAUTHORIZED,
        type_: "invalid_request_error",
        code: None,
        param: None,
        message,
    };
    let Some(value) = header(headers, "authorization") else {
        return Err(unauthorized(
            "You did not provide an API key. Send it as 'Authorization: Bearer sk_test_...'."
                .into(),
        ));
    };
    let key = value.strip_prefix("Bearer ").map(str::trim).unwrap_or("");
    let mode = match key.get(..8) {
        Some("sk_test_" | "rk_test_") if key.len() > 8 => KeyMode::Test,
        Some("sk_live_" | "rk_live_") if key.len() > 8 => KeyMode::Live,
        _ => {
            let shown = key.get(..8).unwrap_or("");
            return Err(unauthorized(format!(
                "Invalid API Key provided: {shown}****. An API key starts with sk_test_, \
                 sk_live_, rk_test_ or rk_live_ and is sent as 'Authorization: Bearer <key>'."
            )));
        }
    };
    Ok(mode)
}

fn pairs(raw: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_bytes(raw)
        .map_err(|e| ApiError::invalid(None, None, format!("Invalid form encoding: {e}")))
}

/// `params` into `T`, after checking every name (the part of a key before `[`) is in
/// `allowed`: Stripe's `parameter_unknown` otherwise.
fn parse_params<T: DeserializeOwned>(
    raw: &[u8],
    pairs: &[(String, String)],
    allowed: &[&str],
) -> Result<T, ApiError> {
    for (key, _) in pairs {
        let name = key.split('[').next().unwrap_or(key);
        if !allowed.contains(&name) {
            return Err(ApiError::invalid(
                Some("parameter_unknown"),
                Some(key),
                format!("Received unknown parameter: {key}"),
            ));
        }
    }
    serde_qs::Config::new()
        .use_form_encoding(true)
        .deserialize_bytes(raw)
        .map_err(|e| ApiError::invalid(None, None, format!("Invalid request parameters: {e}")))
}

/// The answer and what goes into the request log.
struct Answer {
    status: StatusCode,
    body: Value,
    extra: Vec<(&'static str, String)>,
    replayed: bool,
}

impl From<ApiError> for Answer {
    fn from(error: ApiError) -> Self {
        Self {
            status: error.status,
            body: error.body(),
            extra: Vec::new(),
            replayed: false,
        }
    }
}

fn ok(body: Value) -> Answer {
    Answer {
        status: StatusCode::OK,
        body,
        extra: Vec::new(),
        replayed: false,
    }
}

/// Every request that is not a control: logged, then a fault if one is queued, then Stripe's
/// answer.
async fn api(
    AxumState(shared): AxumState<Shared_>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query_raw = uri.query().unwrap_or("").as_bytes().to_vec();
    let query = pairs(&query_raw).unwrap_or_default();
    let form = if method == Method::POST {
        pairs(&body).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mode = key_mode(&headers);
    let index = {
        let mut state = shared.lock();
        let at = shared.started.elapsed();
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            form: form.clone(),
            stripe_account: header(&headers, "stripe-account"),
            idempotency_key: header(&headers, "idempotency-key"),
            stripe_version: header(&headers, "stripe-version"),
            key_mode: mode.as_ref().ok().copied(),
            status: 0,
            idempotent_replayed: false,
            at,
            at_ms: at.as_secs_f64() * 1000.0,
        });
        state.requests.len() - 1
    };
    let fault = shared.lock().faults.pop_front();
    let (answer, late) = match fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => (injected(status, retry_after), None),
        Some(Fault::Delay(delay)) => (
            handle(
                &shared, &method, &path, &headers, mode, &query_raw, &query, &body, &form,
            ),
            Some(delay),
        ),
        None => (
            handle(
                &shared, &method, &path, &headers, mode, &query_raw, &query, &body, &form,
            ),
            None,
        ),
    };
    {
        let mut state = shared.lock();
        if let Some(request) = state.requests.get_mut(index) {
            request.status = answer.status.as_u16();
            request.idempotent_replayed = answer.replayed;
        }
    }
    if let Some(delay) = late {
        // Carried out, answered late: a client that gives up first has had its request done.
        tokio::time::sleep(delay).await;
    }
    with_request_id(answer.status, &answer.body, &answer.extra)
}

fn injected(status: u16, retry_after: Option<u64>) -> Answer {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (type_, code_name, message) = if code == StatusCode::TOO_MANY_REQUESTS {
        (
            "invalid_request_error",
            Some("rate_limit"),
            "Too many requests hit the API too quickly (injected by the test server).",
        )
    } else if code.is_server_error() {
        (
            "api_error",
            None,
            "An error occurred on the API's side (injected by the test server).",
        )
    } else {
        (
            "invalid_request_error",
            None,
            "The request was refused (injected by the test server).",
        )
    };
    let error = ApiError {
        status: code,
        type_,
        code: code_name,
        param: None,
        message: message.into(),
    };
    let mut answer = Answer::from(error);
    if let Some(seconds) = retry_after {
        answer.extra.push(("retry-after", seconds.to_string()));
    }
    answer
}

#[allow(clippy::too_many_arguments)]
fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    mode: Result<KeyMode, ApiError>,
    query_raw: &[u8],
    query: &[(String, String)],
    body: &[u8],
    form: &[(String, String)],
) -> Answer {
    let mode = match mode {
        Ok(mode) => mode,
        Err(error) => return error.into(),
    };
    let account = header(headers, "stripe-account");
    if let Some(account) = &account {
        if !account.starts_with("acct_") || account.len() <= 5 {
            return ApiError {
                status: StatusCode::FORBIDDEN,
                type_: "invalid_request_error",
                code: None,
                param: None,
                message: format!(
                    "The provided key does not have access to account '{account}' (or that \
                     account does not exist)."
                ),
            }
            .into();
        }
    }
    let scope = Scope {
        livemode: mode == KeyMode::Live,
        account,
    };
    if *method == Method::POST && !body.is_empty() {
        let form_type = header(headers, "content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return ApiError::invalid(
                None,
                None,
                "Invalid request: the body must be application/x-www-form-urlencoded.".into(),
            )
            .into();
        }
    }
    let idempotency_key = (*method == Method::POST)
        .then(|| header(headers, "idempotency-key"))
        .flatten();
    if let Some(key) = &idempotency_key {
        let saved = shared
            .lock()
            .idempotency
            .get(&(scope.clone(), key.clone()))
            .cloned();
        if let Some(saved) = saved {
            if saved.method == method.as_str() && saved.path == path && saved.form == form {
                return Answer {
                    status: StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK),
                    body: saved.body,
                    extra: vec![("idempotent-replayed", "true".into())],
                    replayed: true,
                };
            }
            return ApiError {
                status: StatusCode::BAD_REQUEST,
                type_: "idempotency_error",
                code: None,
                param: None,
                message: format!(
                    "Keys for idempotent requests can only be used with the same parameters \
                     they were first used with. Try using a key other than '{key}' if you \
                     meant to execute a different request."
                ),
            }
            .into();
        }
    }
    let result = route(shared, &scope, method, path, query_raw, query, body, form);
    let answer = match result {
        Ok(value) => ok(value),
        Err(error) => error.into(),
    };
    if let Some(key) = idempotency_key {
        if answer.status.is_success() {
            shared.lock().idempotency.insert(
                (scope, key),
                Saved {
                    method: method.to_string(),
                    path: path.to_owned(),
                    form: form.to_vec(),
                    status: answer.status.as_u16(),
                    body: answer.body.clone(),
                },
            );
        }
    }
    answer
}

#[allow(clippy::too_many_arguments)]
fn route(
    shared: &Shared,
    scope: &Scope,
    method: &Method,
    path: &str,
    query_raw: &[u8],
    query: &[(String, String)],
    body: &[u8],
    form: &[(String, String)],
) -> Result<Value, ApiError> {
    let Some(rest) = path.strip_prefix("/v1/") else {
        return Err(ApiError::unrecognized(method, path));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["webhook_endpoints"]) => {
            let params: CreateEndpoint = parse_params(body, form, CREATE_ENDPOINT)?;
            create_endpoint(shared, scope, params)
        }
        ("GET", ["webhook_endpoints"]) => {
            let params: ListParams = parse_params(query_raw, query, LIST_ENDPOINTS)?;
            let items: Vec<Value> = {
                let state = shared.lock();
                let mut items = state
                    .data
                    .get(scope)
                    .map(|d| d.endpoints.clone())
                    .unwrap_or_default();
                items.reverse();
                items
            };
            page(items, &params, "/v1/webhook_endpoints", "webhook endpoint")
        }
        ("GET", ["webhook_endpoints", id]) => {
            let _: Expand = parse_params(query_raw, query, EXPAND)?;
            shared
                .lock()
                .data
                .get(scope)
                .and_then(|d| d.endpoints.iter().find(|e| e["id"] == *id).cloned())
                .ok_or_else(|| ApiError::missing("webhook endpoint", id, Some("id")))
        }
        ("POST", ["webhook_endpoints", id]) => {
            let params: UpdateEndpoint = parse_params(body, form, UPDATE_ENDPOINT)?;
            update_endpoint(shared, scope, id, params)
        }
        ("DELETE", ["webhook_endpoints", id]) => {
            let mut state = shared.lock();
            let endpoints = &mut state.data.entry(scope.clone()).or_default().endpoints;
            let Some(at) = endpoints.iter().position(|e| e["id"] == *id) else {
                return Err(ApiError::missing("webhook endpoint", id, Some("id")));
            };
            endpoints.remove(at);
            let mut deleted = fixture("deleted_webhook_endpoint").unwrap_or_else(|| json!({}));
            deleted["id"] = json!(id);
            deleted["object"] = json!("webhook_endpoint");
            deleted["deleted"] = json!(true);
            Ok(deleted)
        }
        ("GET", ["events"]) => {
            let params: ListParams = parse_params(query_raw, query, LIST_EVENTS)?;
            list_events(shared, scope, &params, query)
        }
        ("GET", ["events", id]) => {
            let _: Expand = parse_params(query_raw, query, EXPAND)?;
            shared
                .lock()
                .data
                .get(scope)
                .and_then(|d| {
                    d.events
                        .iter()
                        .find(|(_, e)| e["id"] == *id)
                        .map(|(_, e)| e.clone())
                })
                .ok_or_else(|| ApiError::missing("event", id, Some("id")))
        }
        ("GET", [_, .., id]) if segments.len() >= 2 => {
            let _: Expand = parse_params(query_raw, query, EXPAND)?;
            let found = shared
                .lock()
                .data
                .get(scope)
                .and_then(|d| d.objects.get(path).cloned());
            found.ok_or_else(|| {
                let plural = segments[segments.len() - 2];
                let resource = plural.strip_suffix('s').unwrap_or(plural).replace('_', " ");
                ApiError::missing(&resource, id, Some("id"))
            })
        }
        _ => Err(ApiError::unrecognized(method, path)),
    }
}

const EXPAND: &[&str] = &["expand"];
const CREATE_ENDPOINT: &[&str] = &[
    "url",
    "enabled_events",
    "api_version",
    "connect",
    "description",
    "metadata",
    "expand",
];
const UPDATE_ENDPOINT: &[&str] = &[
    "url",
    "enabled_events",
    "disabled",
    "description",
    "metadata",
    "expand",
];
const LIST_ENDPOINTS: &[&str] = &["limit", "starting_after", "ending_before", "expand"];
const LIST_EVENTS: &[&str] = &[
    "limit",
    "starting_after",
    "ending_before",
    "type",
    "types",
    "created",
    "delivery_success",
    "expand",
];

#[derive(Debug, Deserialize)]
struct Expand {
    #[serde(default)]
    #[allow(dead_code)]
    expand: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CreateEndpoint {
    url: Option<String>,
    enabled_events: Option<Vec<String>>,
    api_version: Option<String>,
    connect: Option<bool>,
    description: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct UpdateEndpoint {
    url: Option<String>,
    enabled_events: Option<Vec<String>>,
    disabled: Option<bool>,
    description: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
struct ListParams {
    limit: Option<String>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    types: Option<Vec<String>>,
}

/// A webhook endpoint URL Stripe takes: `https`, a host that is not `localhost` or a loopback
/// address (Stripe: "Invalid URL ... must be publicly accessible").
fn check_url(url: &str) -> Result<(), ApiError> {
    let invalid = |why: &str| {
        ApiError::invalid(
            Some("url_invalid"),
            Some("url"),
            format!("Invalid URL: {url}. {why}"),
        )
    };
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(invalid("A webhook endpoint URL must use https."));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| h.trim_start_matches('['))
            .unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(invalid("The URL has no host."));
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    if loopback {
        return Err(invalid("The URL must be publicly accessible."));
    }
    Ok(())
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Err(ApiError::invalid(
            Some("parameter_invalid_empty"),
            Some("enabled_events"),
            "Invalid array: enabled_events must list at least one event type.".into(),
        ));
    }
    for (i, name) in events.iter().enumerate() {
        if name != "*" && !is_event_type(name) {
            return Err(ApiError::invalid(
                None,
                Some(&format!("enabled_events[{i}]")),
                format!(
                    "Invalid enabled_events[{i}]: '{name}' is not an event type of this API \
                     version, nor '*'."
                ),
            ));
        }
    }
    Ok(())
}

/// `YYYY-MM-DD` with an optional `.name` (Stripe's API version names).
fn check_api_version(version: &str) -> Result<(), ApiError> {
    let date = version.split('.').next().unwrap_or("");
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if shape {
        Ok(())
    } else {
        Err(ApiError::invalid(
            None,
            Some("api_version"),
            format!("Invalid api_version: '{version}' is not an API version (YYYY-MM-DD or YYYY-MM-DD.name)."),
        ))
    }
}

fn create_endpoint(
    shared: &Shared,
    scope: &Scope,
    params: CreateEndpoint,
) -> Result<Value, ApiError> {
    let Some(url) = params.url else {
        return Err(ApiError::invalid(
            Some("parameter_missing"),
            Some("url"),
            "Missing required param: url.".into(),
        ));
    };
    check_url(&url)?;
    let Some(events) = params.enabled_events else {
        return Err(ApiError::invalid(
            Some("parameter_missing"),
            Some("enabled_events"),
            "Missing required param: enabled_events.".into(),
        ));
    };
    check_events(&events)?;
    if let Some(version) = &params.api_version {
        check_api_version(version)?;
    }
    let mut fields = Map::new();
    fields.insert("id".into(), json!(format!("we_{}", random_hex(24))));
    fields.insert("object".into(), json!("webhook_endpoint"));
    fields.insert("url".into(), json!(url));
    fields.insert("enabled_events".into(), json!(events));
    fields.insert("api_version".into(), json!(params.api_version));
    fields.insert(
        "application".into(),
        if params.connect == Some(true) {
            json!(shared.application)
        } else {
            Value::Null
        },
    );
    fields.insert(
        "description".into(),
        json!(params.description.filter(|d| !d.is_empty())),
    );
    let metadata: BTreeMap<String, String> = params
        .metadata
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    fields.insert("metadata".into(), json!(metadata));
    fields.insert("livemode".into(), json!(scope.livemode));
    fields.insert("status".into(), json!("enabled"));
    fields.insert("created".into(), json!(now_unix()));
    let stored = overlay(fixture("webhook_endpoint"), &fields);
    let mut answer = stored.clone();
    answer["secret"] = json!(format!("whsec_{}", random_hex(32)));
    shared
        .lock()
        .data
        .entry(scope.clone())
        .or_default()
        .endpoints
        .push(stored);
    Ok(answer)
}

fn update_endpoint(
    shared: &Shared,
    scope: &Scope,
    id: &str,
    params: UpdateEndpoint,
) -> Result<Value, ApiError> {
    if let Some(url) = &params.url {
        check_url(url)?;
    }
    if let Some(events) = &params.enabled_events {
        check_events(events)?;
    }
    let mut state = shared.lock();
    let endpoint = state
        .data
        .get_mut(scope)
        .and_then(|d| d.endpoints.iter_mut().find(|e| e["id"] == *id))
        .ok_or_else(|| ApiError::missing("webhook endpoint", id, Some("id")))?;
    if let Some(url) = params.url {
        endpoint["url"] = json!(url);
    }
    if let Some(events) = params.enabled_events {
        endpoint["enabled_events"] = json!(events);
    }
    if let Some(disabled) = params.disabled {
        endpoint["status"] = json!(if disabled { "disabled" } else { "enabled" });
    }
    if let Some(description) = params.description {
        endpoint["description"] = json!(Some(description).filter(|d| !d.is_empty()));
    }
    if let Some(metadata) = params.metadata {
        // Stripe: a key set to "" is removed; others are added or replaced.
        let mut current: BTreeMap<String, String> =
            serde_json::from_value(endpoint["metadata"].clone()).unwrap_or_default();
        for (k, v) in metadata {
            if v.is_empty() {
                current.remove(&k);
            } else {
                current.insert(k, v);
            }
        }
        endpoint["metadata"] = json!(current);
    }
    Ok(endpoint.clone())
}

fn list_events(
    shared: &Shared,
    scope: &Scope,
    params: &ListParams,
    query: &[(String, String)],
) -> Result<Value, ApiError> {
    let mut created: Vec<(&str, i64)> = Vec::new();
    for (key, value) in query {
        let op = match key.as_str() {
            "created" => "eq",
            "created[gt]" => "gt",
            "created[gte]" => "gte",
            "created[lt]" => "lt",
            "created[lte]" => "lte",
            _ => continue,
        };
        let n = value.parse::<i64>().map_err(|_| {
            ApiError::invalid(
                Some("parameter_invalid_integer"),
                Some(key),
                format!("Invalid integer: {value}"),
            )
        })?;
        created.push((op, n));
    }
    let type_matches = |t: &str| -> bool {
        let one = |pattern: &str| match pattern.strip_suffix('*') {
            Some(prefix) => t.starts_with(prefix),
            None => t == pattern,
        };
        params.type_.as_deref().is_none_or(one)
            && params
                .types
                .as_ref()
                .is_none_or(|types| types.iter().any(|p| one(p)))
    };
    let mut events: Vec<(u64, Value)> = shared
        .lock()
        .data
        .get(scope)
        .map(|d| d.events.clone())
        .unwrap_or_default();
    events.retain(|(_, e)| {
        let at = e["created"].as_i64().unwrap_or(0);
        type_matches(e["type"].as_str().unwrap_or(""))
            && created.iter().all(|&(op, n)| match op {
                "gt" => at > n,
                "gte" => at >= n,
                "lt" => at < n,
                "lte" => at <= n,
                _ => at == n,
            })
    });
    // Newest first; among events of one second, the later inserted first.
    events.sort_by(|(sa, a), (sb, b)| {
        let ka = (a["created"].as_i64().unwrap_or(0), *sa);
        let kb = (b["created"].as_i64().unwrap_or(0), *sb);
        kb.cmp(&ka)
    });
    page(
        events.into_iter().map(|(_, e)| e).collect(),
        params,
        "/v1/events",
        "event",
    )
}

/// One page of `items` (newest first), Stripe's list object.
fn page(
    items: Vec<Value>,
    params: &ListParams,
    url: &str,
    resource: &str,
) -> Result<Value, ApiError> {
    let limit = match &params.limit {
        None => 10,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid(
                    Some("parameter_invalid_integer"),
                    Some("limit"),
                    format!("Invalid limit: must be an integer between 1 and 100 (got '{raw}')."),
                ))
            }
        },
    };
    let position = |id: &str, param: &str| {
        items
            .iter()
            .position(|item| item["id"] == id)
            .ok_or_else(|| ApiError {
                status: StatusCode::BAD_REQUEST,
                ..ApiError::missing(resource, id, Some(param))
            })
    };
    let (data, has_more) = match (&params.starting_after, &params.ending_before) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                None,
                Some("ending_before"),
                "You may only specify one of these parameters: starting_after, ending_before."
                    .into(),
            ))
        }
        (Some(after), None) => {
            let from = position(after, "starting_after")? + 1;
            let rest = &items[from..];
            (
                rest.iter().take(limit).cloned().collect::<Vec<_>>(),
                rest.len() > limit,
            )
        }
        (None, Some(before)) => {
            let to = position(before, "ending_before")?;
            let rest = &items[..to];
            let start = rest.len().saturating_sub(limit);
            (rest[start..].to_vec(), start > 0)
        }
        (None, None) => (
            items.iter().take(limit).cloned().collect(),
            items.len() > limit,
        ),
    };
    Ok(json!({
        "object": "list",
        "data": data,
        "has_more": has_more,
        "url": url,
    }))
}

/// The fixture object an event type is about: `customer.subscription.updated` →
/// `subscription`, `checkout.session.completed` → `checkout.session` (the longest tail of the
/// type, less its verb, that names a fixture).
fn object_of_type(event_type: &str) -> Option<Value> {
    let parts: Vec<&str> = event_type.split('.').collect();
    let nouns = parts.get(..parts.len().saturating_sub(1))?;
    (0..nouns.len()).find_map(|i| fixture(&nouns[i..].join(".")))
}

/// Stores an event built on the fixture (its `data.object` the fixture of the type's resource
/// when `data` is not given); `Err` when `event` is not an object.
pub(crate) fn insert_event(shared: &Shared, event: Value) -> Result<Value, String> {
    let Value::Object(fields) = event else {
        return Err("an event is a JSON object".into());
    };
    let mut event = overlay(fixture("event"), &fields);
    if !fields.contains_key("id") {
        event["id"] = json!(format!("evt_{}", random_hex(24)));
    }
    if !fields.contains_key("created") {
        event["created"] = json!(now_unix());
    }
    event["object"] = json!("event");
    if !fields.contains_key("data") {
        if let Some(object) = event["type"].as_str().and_then(object_of_type) {
            event["data"] = json!({ "object": object });
        }
    }
    let scope = Scope {
        livemode: event["livemode"].as_bool().unwrap_or(false),
        account: event["account"].as_str().map(str::to_owned),
    };
    let mut state = shared.lock();
    state.sequence += 1;
    let sequence = state.sequence;
    let events = &mut state.data.entry(scope).or_default().events;
    events.retain(|(_, e)| e["id"] != event["id"]);
    events.push((sequence, event.clone()));
    Ok(event)
}

/// Stores an object built on its resource's fixture; returns its path and the object.
pub(crate) fn put_object(
    shared: &Shared,
    scope: &Scope,
    path: Option<&str>,
    object: Value,
) -> Result<(String, Value), String> {
    let Value::Object(fields) = object else {
        return Err("an object is a JSON object".into());
    };
    let resource = fields.get("object").and_then(Value::as_str);
    let path = match path {
        Some(path) if path.starts_with("/v1/") => path.to_owned(),
        Some(path) => return Err(format!("{path:?} does not start with /v1/")),
        None => {
            let (Some(resource), Some(id)) = (resource, fields.get("id").and_then(Value::as_str))
            else {
                return Err("without a path, the object needs string `object` and `id`".into());
            };
            format!("{}/{id}", plural_path(resource))
        }
    };
    let mut object = overlay(resource.and_then(fixture), &fields);
    if object.get("livemode").is_some() {
        object["livemode"] = json!(scope.livemode);
    }
    shared
        .lock()
        .data
        .entry(scope.clone())
        .or_default()
        .objects
        .insert(path.clone(), object.clone());
    Ok((path, object))
}

async fn control_requests(AxumState(shared): AxumState<Shared_>) -> Json<Vec<RecordedRequest>> {
    Json(shared.lock().requests.clone())
}

async fn control_clear(AxumState(shared): AxumState<Shared_>) -> StatusCode {
    shared.lock().requests.clear();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct FailNext {
    #[serde(default = "one")]
    count: usize,
    status: u16,
    retry_after: Option<u64>,
}

fn one() -> usize {
    1
}

async fn control_fail_next(
    AxumState(shared): AxumState<Shared_>,
    Json(fail): Json<FailNext>,
) -> StatusCode {
    let mut state = shared.lock();
    for _ in 0..fail.count {
        state.faults.push_back(Fault::Status {
            status: fail.status,
            retry_after: fail.retry_after,
        });
    }
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct DelayNext {
    #[serde(default = "one")]
    count: usize,
    delay_ms: u64,
}

async fn control_delay_next(
    AxumState(shared): AxumState<Shared_>,
    Json(delay): Json<DelayNext>,
) -> StatusCode {
    let mut state = shared.lock();
    for _ in 0..delay.count {
        state
            .faults
            .push_back(Fault::Delay(Duration::from_millis(delay.delay_ms)));
    }
    StatusCode::NO_CONTENT
}

async fn control_events(
    AxumState(shared): AxumState<Shared_>,
    Json(event): Json<Value>,
) -> Response {
    match insert_event(&shared, event) {
        Ok(event) => (StatusCode::OK, Json(event)).into_response(),
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct PutObject {
    object: Value,
    #[serde(flatten)]
    scope: Scope,
    path: Option<String>,
}

async fn control_objects(
    AxumState(shared): AxumState<Shared_>,
    Json(put): Json<PutObject>,
) -> Response {
    match put_object(&shared, &put.scope, put.path.as_deref(), put.object) {
        Ok((path, object)) => (
            StatusCode::OK,
            Json(json!({"path": path, "object": object})),
        )
            .into_response(),
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

async fn control_endpoints(AxumState(shared): AxumState<Shared_>, uri: Uri) -> Response {
    let raw = uri.query().unwrap_or("").as_bytes();
    let scope: Scope = match serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw) {
        Ok(pairs) => Scope {
            livemode: pairs.iter().any(|(k, v)| k == "livemode" && v == "true"),
            account: pairs
                .iter()
                .find(|(k, _)| k == "account")
                .map(|(_, v)| v.clone()),
        },
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let endpoints = shared
        .lock()
        .data
        .get(&scope)
        .map(|d| d.endpoints.clone())
        .unwrap_or_default();
    Json(endpoints).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_form_encoding() {
        // As reqwest (serde_urlencoded) encodes it: brackets percent-encoded.
        let body = serde_urlencoded::to_string([
            ("url", "https://shop.example.com/webhooks/1"),
            ("enabled_events[]", "charge.succeeded"),
            ("enabled_events[]", "customer.created"),
            ("connect", "true"),
            ("metadata[stripe_receiver_uuid]", "u-1"),
        ])
        .unwrap();
        let raw = pairs(body.as_bytes()).unwrap();
        assert_eq!(
            raw[1],
            ("enabled_events[]".into(), "charge.succeeded".into())
        );
        let params: CreateEndpoint = parse_params(body.as_bytes(), &raw, CREATE_ENDPOINT).unwrap();
        assert_eq!(
            params.enabled_events.unwrap(),
            vec!["charge.succeeded", "customer.created"]
        );
        assert_eq!(params.connect, Some(true));
        assert_eq!(params.metadata["stripe_receiver_uuid"], "u-1");
        // Indexed arrays, as other Stripe clients send them.
        let indexed = "url=https%3A%2F%2Fa.example&enabled_events[0]=a.b&enabled_events[1]=c.d";
        let raw = pairs(indexed.as_bytes()).unwrap();
        let params: CreateEndpoint =
            parse_params(indexed.as_bytes(), &raw, CREATE_ENDPOINT).unwrap();
        assert_eq!(params.enabled_events.unwrap(), vec!["a.b", "c.d"]);
    }

    #[test]
    fn unknown_parameter() {
        let body = "url=x&colour=blue";
        let raw = pairs(body.as_bytes()).unwrap();
        let err =
            parse_params::<CreateEndpoint>(body.as_bytes(), &raw, CREATE_ENDPOINT).unwrap_err();
        assert_eq!(err.code, Some("parameter_unknown"));
        assert_eq!(err.param.as_deref(), Some("colour"));
    }

    #[test]
    fn event_objects() {
        assert_eq!(
            object_of_type("customer.subscription.updated").unwrap()["object"],
            "subscription"
        );
        assert_eq!(
            object_of_type("checkout.session.completed").unwrap()["object"],
            "checkout.session"
        );
        assert_eq!(
            object_of_type("charge.succeeded").unwrap()["object"],
            "charge"
        );
        assert!(object_of_type("nothing.here").is_none());
        assert!(object_of_type("").is_none());
    }

    #[test]
    fn urls() {
        assert!(check_url("https://shop.example.com/webhooks/1").is_ok());
        for bad in [
            "http://shop.example.com/x",
            "https:///x",
            "https://localhost/x",
            "https://127.0.0.1:8443/x",
            "https://[::1]/x",
            "ftp://x.example",
        ] {
            let err = check_url(bad).unwrap_err();
            assert_eq!(err.code, Some("url_invalid"), "{bad}");
            assert_eq!(err.param.as_deref(), Some("url"));
        }
    }

    #[test]
    fn api_versions() {
        assert!(check_api_version("2026-10-28.endive").is_ok());
        assert!(check_api_version("2020-08-27").is_ok());
        assert!(check_api_version("latest").is_err());
        assert!(check_api_version("2020-8-27").is_err());
    }

    fn list(limit: Option<&str>, after: Option<&str>, before: Option<&str>) -> ListParams {
        ListParams {
            limit: limit.map(str::to_owned),
            starting_after: after.map(str::to_owned),
            ending_before: before.map(str::to_owned),
            type_: None,
            types: None,
        }
    }

    #[test]
    fn pages() {
        let items: Vec<Value> = (1..=5)
            .rev()
            .map(|i| json!({"id": format!("x{i}")}))
            .collect();
        let ids = |page: &Value| -> Vec<String> {
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let first = page(items.clone(), &list(Some("2"), None, None), "/v1/x", "x").unwrap();
        assert_eq!(ids(&first), ["x5", "x4"]);
        assert_eq!(first["has_more"], true);
        let next = page(
            items.clone(),
            &list(Some("2"), Some("x4"), None),
            "/v1/x",
            "x",
        )
        .unwrap();
        assert_eq!(ids(&next), ["x3", "x2"]);
        assert_eq!(next["has_more"], true);
        let last = page(
            items.clone(),
            &list(Some("2"), Some("x2"), None),
            "/v1/x",
            "x",
        )
        .unwrap();
        assert_eq!(ids(&last), ["x1"]);
        assert_eq!(last["has_more"], false);
        let back = page(
            items.clone(),
            &list(Some("2"), None, Some("x2")),
            "/v1/x",
            "x",
        )
        .unwrap();
        assert_eq!(ids(&back), ["x4", "x3"]);
        assert_eq!(back["has_more"], true);
        assert!(page(items.clone(), &list(Some("0"), None, None), "/v1/x", "x").is_err());
        assert!(page(items.clone(), &list(Some("101"), None, None), "/v1/x", "x").is_err());
        let unknown = page(items, &list(None, Some("nope"), None), "/v1/x", "x").unwrap_err();
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert_eq!(unknown.code, Some("resource_missing"));
    }
}
