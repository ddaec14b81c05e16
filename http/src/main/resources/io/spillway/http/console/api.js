// The REST API (docs/rest-api.md) and /metrics, as the console calls them. Errors keep the API's {"error","message"}.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {headers: {Accept: 'application/json'}, ...options});
  } catch (e) {
    throw new ApiError(0, 'NETWORK_ERROR', `The broker did not answer ${path}: ${e.message}`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    // Not JSON (a proxy's page, /metrics): kept as text below.
  }
  if (!response.ok) {
    throw new ApiError(response.status, body && body.error ? body.error : `HTTP_${response.status}`,
      body && body.message ? body.message : text.slice(0, 300));
  }
  return body === null ? text : body;
}

/** GET /api/v1/<path> with query parameters (empty ones left out). */
export function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') query.set(k, v);
  }
  const qs = query.toString();
  return call(`/api/v1/${path}${qs ? '?' + qs : ''}`);
}

/** A topic or group name as one path segment: every character that could end the segment is encoded. */
export function segment(name) {
  return encodeURIComponent(name);
}

// peek=true: the broker answers the values without a Prometheus scrape's work (no per-topic series rebalance, no lag
// refresh), so the console's frequent reads do not shorten Prometheus' scrape intervals (docs/metrics.md).
export async function metricsText() {
  const response = await fetch('/metrics?peek=true', {headers: {Accept: 'text/plain'}});
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, 'GET /metrics failed');
  return response.text();
}
