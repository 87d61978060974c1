// Helpers shared by the browser tests' pages (BrowserIT's and OssBrowserIT's), served beside them as
// /page-helpers.js: a classic script, its functions global.

// The same bytes as BrowserIT.content(seed, size).
function content(seed, size) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return b;
}

async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, x => x.toString(16).padStart(2, '0')).join('');
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headers(r) {
  const h = {};
  r.headers.forEach((v, k) => { h[k] = v; });
  return h;
}
