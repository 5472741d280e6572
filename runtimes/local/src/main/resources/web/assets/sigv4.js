// AWS Signature Version 4 with WebCrypto, exactly as the server's verifier checks it: the canonical
// request (method, path with each segment encoded once more, sorted query, signed headers, the
// body's SHA-256), the string to sign, the key derived from the secret for date/region/service.
const encoder = new TextEncoder();

export const ALGORITHM = 'AWS4-HMAC-SHA256';

function bytes(data) {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

export function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256(data) {
  return crypto.subtle.digest('SHA-256', bytes(data));
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey(
    'raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, bytes(data));
}

/** RFC 3986 percent-encoding of every byte but the unreserved A-Z a-z 0-9 - _ . ~ */
export function uriEncode(text) {
  let out = '';
  for (const b of encoder.encode(text)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Each path segment encoded once more, as for every AWS service but S3. */
export function canonicalUri(rawPath) {
  return rawPath ? rawPath.split('/').map(uriEncode).join('/') : '/';
}

/** [[name, value], ...] (not encoded) as the canonical query: encoded, sorted by name then value. */
export function canonicalQuery(params) {
  const pairs = params.map(([n, v]) => [uriEncode(String(n)), uriEncode(String(v))]);
  pairs.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 20261130T203000Z */
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The headers that sign a request: Authorization, X-Amz-Date, X-Amz-Content-Sha256.
 *
 * @param request {method, path, query (canonical string), body (string), host}
 * @param credentials {accessKeyId, secretAccessKey}
 * @param scope {region, service}
 */
export async function signHeaders(request, credentials, scope, now = new Date()) {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const payloadHash = hex(await sha256(request.body || ''));
  const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
  const canonicalRequest = [
    request.method,
    canonicalUri(request.path),
    request.query || '',
    `host:${request.host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${date}\n`,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, date, credentialScope, hex(await sha256(canonicalRequest))]
    .join('\n');
  let key = await hmac('AWS4' + credentials.secretAccessKey, day);
  key = await hmac(key, scope.region);
  key = await hmac(key, scope.service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, stringToSign));
  return {
    Authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, `
      + `SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'X-Amz-Date': date,
    'X-Amz-Content-Sha256': payloadHash,
  };
}
