// The signed-in user's session and the job API. The IdToken lives in memory and in this tab's
// sessionStorage only: never in a URL, a query string or a cookie, nor printed to the console
const SESSION_KEY = 'qbi.session';
// a request that hangs is given up, so that the next poll starts afresh
export const TIMEOUT_MS = 10000;
let session = null;

/** The API refused the token (expired, revoked): the user must sign in again. */
export class SessionExpired extends Error {}

/** An API answer other than 2xx: status and the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function tokenExpiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    return { exp: Number(claims.exp) || 0, name: claims['cognito:username'] || claims.email || '' };
  } catch {
    return { exp: 0, name: '' };
  }
}

/** The session of this tab, if still valid. */
export function restoreSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (saved && saved.token && saved.exp * 1000 > Date.now()) {
      session = saved;
    } else {
      sessionStorage.removeItem(SESSION_KEY);
    }
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
  }
  return session;
}

export function currentSession() {
  return session;
}

export function startSession(token, username) {
  const { exp, name } = tokenExpiry(token);
  session = { token, username: username || name, exp };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

export function endSession() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
}

async function message(res) {
  try {
    const body = await res.json();
    return body.message || body['Error Message'] || body.__type || res.statusText;
  } catch {
    return res.statusText || `HTTP ${res.status}`;
  }
}

/** InitiateAuth USER_PASSWORD_AUTH at the server's Cognito-compatible endpoint; the IdToken. */
export async function signIn(config, username, password) {
  const res = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
    cache: 'no-store',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) {
    throw new ApiError(res.status, await message(res));
  }
  const result = (await res.json()).AuthenticationResult;
  if (!result || !result.IdToken) {
    throw new ApiError(res.status, 'The user pool asked for a challenge this page cannot answer');
  }
  return result.IdToken;
}

/** A job API call with the session's token; JSON in and out. */
export async function call(method, path, { body, headers = {} } = {}) {
  if (!session) {
    throw new SessionExpired('Not signed in');
  }
  const res = await fetch(path, {
    method,
    headers: { Authorization: session.token, Accept: 'application/json', ...headers },
    body,
    cache: 'no-store',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (res.status === 401) {
    throw new SessionExpired(await message(res));
  }
  if (!res.ok) {
    throw new ApiError(res.status, await message(res));
  }
  return res.json();
}

export function listJobs({ status, next, limit }) {
  const params = new URLSearchParams();
  params.set('limit', String(limit));
  if (status) params.set('status', status);
  if (next) params.set('next', next);
  return call('GET', `jobs?${params}`);
}

export function jobStatus(id) {
  return call('GET', `job-status/${encodeURIComponent(id)}`);
}

export function cancelJob(id) {
  return call('DELETE', `jobs/${encodeURIComponent(id)}`);
}

export function submitJob(text) {
  return call('POST', 'submit-job-request', {
    body: text,
    headers: { 'Content-Type': 'application/json' },
  });
}
