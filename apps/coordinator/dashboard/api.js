// The dashboard's side of the coordinator's API: the cluster token (from the URL fragment or the form,
// kept in sessionStorage: this tab only) sent as a bearer token on every request.
const TOKEN_KEY = 'loganalyzer.token';

/** Thrown for a 401: the page asks for the token again. */
export class Unauthorized extends Error {}

/** Any other refusal, with its status (a 404 for a job deleted meanwhile). */
export class HttpError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** Moves a `#token=…` fragment into sessionStorage and out of the address bar (and the history). */
export function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token === null) return;
  if (token.trim() !== '') sessionStorage.setItem(TOKEN_KEY, token.trim());
  history.replaceState(null, '', location.pathname + location.search);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Headers for a request: the token when there is one (a coordinator without a token needs none). */
export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** GET a JSON route; throws Unauthorized on 401 and an Error naming the route on any other failure. */
export async function getJson(path, signal) {
  const response = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() }, cache: 'no-store', signal });
  if (response.status === 401) throw new Unauthorized('the coordinator refused the token');
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new HttpError(`${path}: ${response.status} ${body.message ?? ''}`.trim(), response.status);
  }
  return response.json();
}

/** Opens GET /events; the caller reads the body with readEvents. Throws Unauthorized on 401. */
export async function openEventStream(signal) {
  const response = await fetch('/events', { headers: { Accept: 'text/event-stream', ...authHeaders() }, cache: 'no-store', signal });
  if (response.status === 401) throw new Unauthorized('the coordinator refused the token');
  if (!response.ok || !response.body) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`/events: ${response.status} ${body.message ?? ''}`.trim());
  }
  return response.body;
}
