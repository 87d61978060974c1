// AWS Signature Version 4 for the console's requests, with the browser's WebCrypto: the same algorithm the server
// verifies (dev.granary.auth.SigV4). Paths and query strings must come encoded with encodePath / encodeQuery below,
// so that what is signed is exactly what the browser sends.

const encoder = new TextEncoder();
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), b => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(data) {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

async function hmac(key, message) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(message)));
}

/** SigV4's signing key: HMAC-SHA256 chained from "AWS4" + secret over the date, region, service and terminator. */
async function signingKey(secret, date, region, service) {
  let key = await hmac('AWS4' + secret, date);
  key = await hmac(key, region);
  key = await hmac(key, service);
  return hmac(key, 'aws4_request');
}

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function encode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A path of segments, each encoded, '/' kept between them. */
export function encodePath(...segments) {
  return '/' + segments.map(encode).join('/');
}

/** A query string of name/value pairs, sorted and encoded as SigV4 canonicalizes them. */
export function encodeQuery(params) {
  const pairs = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [encode(k), encode(String(v))])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => k + '=' + v).join('&');
}

/**
 * The headers that sign a request: x-amz-date, x-amz-content-sha256, the session token when the credentials have
 * one, and Authorization. {@code url} is base + encodePath(...) [+ '?' + encodeQuery(...)].
 */
export async function sign({method, url, headers = {}, body = null, unsignedPayload = false, credentials, region,
                             service = 's3'}) {
  const u = new URL(url);
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  // Large bodies go unsigned (as S3 allows): hashing them would cost more than they need, TLS guards them in transit.
  const payloadHash = unsignedPayload
    ? 'UNSIGNED-PAYLOAD'
    : body === null || body === undefined ? EMPTY_SHA256 : await sha256Hex(body);
  const h = {};
  for (const [name, value] of Object.entries(headers)) {
    h[name.toLowerCase()] = String(value).trim();
  }
  h['host'] = u.host;
  h['x-amz-date'] = amzDate;
  h['x-amz-content-sha256'] = payloadHash;
  if (credentials.sessionToken) {
    h['x-amz-security-token'] = credentials.sessionToken;
  }
  const names = Object.keys(h).sort();
  const canonicalHeaders = names.map(n => n + ':' + h[n] + '\n').join('');
  const signedHeaders = names.join(';');
  const query = u.search.length > 1 ? u.search.slice(1) : '';
  const canonicalRequest = [method, u.pathname || '/', query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256Hex(canonicalRequest)].join('\n');
  const key = await signingKey(credentials.secretAccessKey, date, region, service);
  const signature = hex(await hmac(key, stringToSign));
  h['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  delete h['host']; // the browser sends it
  return h;
}

/**
 * A presigned URL (signature in the query, valid for {@code expiresSeconds}): what a share link is, and how a
 * download is fetched without headers. The session token goes in the query too.
 */
export async function presign({method = 'GET', url, credentials, region, expiresSeconds, service = 's3'}) {
  const u = new URL(url);
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const params = {};
  for (const [k, v] of u.searchParams) {
    params[k] = v;
  }
  Object.assign(params, {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  });
  if (credentials.sessionToken) {
    params['X-Amz-Security-Token'] = credentials.sessionToken;
  }
  const query = encodeQuery(params);
  const canonicalRequest = [method, u.pathname || '/', query, `host:${u.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256Hex(canonicalRequest)].join('\n');
  const key = await signingKey(credentials.secretAccessKey, date, region, service);
  const signature = hex(await hmac(key, stringToSign));
  return `${u.origin}${u.pathname}?${query}&X-Amz-Signature=${signature}`;
}
