// The console: sign-in for short-lived session credentials (the long-term secret is used once, for that request, and
// dropped), then the S3 API signed with them. Nothing is kept beyond the tab: the session lives in this module only.
import {sign, presign, encodePath, encodeQuery} from './sigv4.js';
import {t, setLanguage, language} from './i18n.js';

let config = null;
let session = null;

const $ = id => document.getElementById(id);

function s3Base() {
  return `${location.protocol}//${location.hostname}:${config.s3Port}`;
}

async function call(base, method, path, credentials, body = null) {
  const url = base + path;
  const headers = await sign({method, url, body, credentials, region: config.region});
  return fetch(url, {method, headers, body, credentials: 'omit', cache: 'no-store'});
}

function showError(message) {
  const el = $('error');
  el.textContent = message ? `${t('failed')}: ${message}` : '';
  el.hidden = !message;
}

async function errorOf(response) {
  const text = await response.text();
  const code = /<Code>([^<]*)<\/Code>/.exec(text) || /"code":"([^"]*)"/.exec(text);
  const message = /<Message>([^<]*)<\/Message>/.exec(text) || /"message":"([^"]*)"/.exec(text);
  return `${response.status} ${code ? code[1] : ''} ${message ? message[1] : ''}`.trim();
}

async function signIn(event) {
  event.preventDefault();
  showError(null);
  const accessKeyId = $('access-key').value.trim();
  const secretAccessKey = $('secret').value;
  $('secret').value = '';
  let response;
  try {
    response = await call(location.origin, 'POST', '/admin/v1/sessions', {accessKeyId, secretAccessKey});
  } catch (e) {
    showError(String(e));
    return;
  }
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  const s = await response.json();
  session = {
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    sessionToken: s.sessionToken,
    user: s.user,
    root: s.root,
    expiration: s.expiration,
  };
  $('user').textContent = s.user + (s.root ? ' (root)' : '');
  $('expiration').textContent = new Date(s.expiration).toLocaleString(language());
  $('who').hidden = false;
  $('sign-in-section').hidden = true;
  $('buckets-section').hidden = false;
  document.body.dataset.state = 'signed-in';
  await refreshBuckets();
}

async function signOut() {
  if (session) {
    try {
      await call(location.origin, 'DELETE', '/admin/v1/sessions/current', session);
    } catch (e) {
      // signed out locally either way
    }
  }
  session = null;
  $('who').hidden = true;
  $('buckets-section').hidden = true;
  $('objects-section').hidden = true;
  $('object-rows').replaceChildren();
  $('sign-in-section').hidden = false;
  $('bucket-rows').replaceChildren();
  document.body.dataset.state = 'signed-out';
}

async function refreshBuckets() {
  const response = await call(s3Base(), 'GET', '/', session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const rows = [];
  for (const bucket of xml.getElementsByTagName('Bucket')) {
    const name = bucket.getElementsByTagName('Name')[0]?.textContent ?? '';
    const created = bucket.getElementsByTagName('CreationDate')[0]?.textContent ?? '';
    const tr = document.createElement('tr');
    tr.dataset.bucket = name;
    const nameCell = document.createElement('td');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = name;
    open.addEventListener('click', () => openBucket(name, ''));
    nameCell.append(open);
    const createdCell = document.createElement('td');
    createdCell.textContent = created ? new Date(created).toLocaleString(language()) : '';
    const actions = document.createElement('td');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = t('delete');
    remove.addEventListener('click', () => deleteBucket(name));
    actions.append(remove);
    tr.append(nameCell, createdCell, actions);
    rows.push(tr);
  }
  $('bucket-rows').replaceChildren(...rows);
  $('no-buckets').hidden = rows.length > 0;
  document.body.dataset.buckets = String(rows.length);
}

async function createBucket(event) {
  event.preventDefault();
  showError(null);
  const name = $('new-bucket').value.trim();
  const response = await call(s3Base(), 'PUT', encodePath(name), session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  await response.text();
  $('new-bucket').value = '';
  await refreshBuckets();
}

async function deleteBucket(name) {
  showError(null);
  const response = await call(s3Base(), 'DELETE', encodePath(name), session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  await response.text();
  await refreshBuckets();
}

// ---- objects: a bucket browsed by prefix as folders, a page at a time

const PAGE_SIZE = 1000;
let browsing = {bucket: null, prefix: '', token: null, next: null, page: 1};

function formatSize(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function button(label, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', action);
  return b;
}

async function openBucket(bucket, prefix, token = null, page = 1) {
  showError(null);
  browsing = {bucket, prefix, token, next: null, page};
  $('buckets-section').hidden = true;
  $('objects-section').hidden = false;
  $('share').hidden = true;
  const crumbs = [bucket, ...prefix.split('/').filter(p => p)];
  const trail = [];
  crumbs.forEach((crumb, i) => {
    const target = i === 0 ? '' : crumbs.slice(1, i + 1).join('/') + '/';
    const b = button(crumb, () => openBucket(bucket, target));
    b.className = 'link';
    trail.push(b, document.createTextNode(' / '));
  });
  $('breadcrumb').replaceChildren(...trail);
  $('details').hidden = true;
  await showVersioning(bucket);
  const query = encodeQuery({
    'list-type': 2, 'delimiter': '/', 'prefix': prefix, 'max-keys': PAGE_SIZE,
    'continuation-token': token ?? undefined,
  });
  const response = await call(s3Base(), 'GET', encodePath(bucket) + '?' + query, session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const text = (el, name) => el.getElementsByTagName(name)[0]?.textContent ?? '';
  const rows = [];
  for (const p of xml.getElementsByTagName('CommonPrefixes')) {
    const folder = text(p, 'Prefix');
    const tr = document.createElement('tr');
    tr.dataset.prefix = folder;
    const nameCell = document.createElement('td');
    const open = button(folder.slice(prefix.length), () => openBucket(bucket, folder));
    open.className = 'link';
    nameCell.append(open);
    tr.append(nameCell, document.createElement('td'), document.createElement('td'), document.createElement('td'));
    rows.push(tr);
  }
  for (const c of xml.getElementsByTagName('Contents')) {
    const key = text(c, 'Key');
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    const cells = [key.slice(prefix.length), formatSize(Number(text(c, 'Size'))),
      new Date(text(c, 'LastModified')).toLocaleString(language())].map(v => {
      const td = document.createElement('td');
      td.textContent = v;
      return td;
    });
    const actions = document.createElement('td');
    actions.append(
      button(t('details'), () => details(bucket, key)),
      button(t('download'), () => download(bucket, key)),
      button(t('share'), () => share(bucket, key)),
      button(t('delete'), () => deleteObject(bucket, key)));
    tr.append(...cells, actions);
    rows.push(tr);
  }
  $('object-rows').replaceChildren(...rows);
  browsing.next = text(xml, 'IsTruncated') === 'true' ? text(xml, 'NextContinuationToken') : null;
  $('next-page').hidden = !browsing.next;
  $('page-info').textContent = `${t('page')} ${page}`;
  document.body.dataset.objects = String(rows.length);
  document.body.dataset.page = String(page);
}

/**
 * Whether a browser can address the key: one with a "." or ".." segment (also encoded) is resolved away by every URL
 * parser, so a request for it would reach another key.
 */
function addressable(key) {
  if (key.split('/').some(s => s === '.' || s === '..')) {
    showError(`"${key}": a key with "." or ".." segments cannot be reached from a browser`);
    return false;
  }
  return true;
}

async function objectUrl(bucket, key, expiresSeconds, query = '') {
  return presign({url: s3Base() + encodePath(bucket, ...key.split('/')) + query, credentials: session,
    region: config.region, expiresSeconds});
}

async function download(bucket, key) {
  if (!addressable(key)) {
    return;
  }
  // Another origin's file is saved only when its answer says so: the presigned URL asks for an attachment.
  const name = key.split('/').pop().replace(/["\\]/g, '_');
  const a = document.createElement('a');
  a.href = await objectUrl(bucket, key, 300,
    '?' + encodeQuery({'response-content-disposition': `attachment; filename="${name}"`}));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

async function share(bucket, key) {
  if (!addressable(key)) {
    return;
  }
  $('share').hidden = false;
  $('share').dataset.key = key;
  $('share-url').value = await objectUrl(bucket, key, Number($('share-expiry').value));
  document.body.dataset.shared = key;
}

async function deleteObject(bucket, key) {
  showError(null);
  if (!addressable(key)) {
    return;
  }
  const response = await call(s3Base(), 'DELETE', encodePath(bucket, ...key.split('/')), session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  await response.text();
  await openBucket(browsing.bucket, browsing.prefix);
}

// ---- a bucket's versioning, an object's details and versions

async function showVersioning(bucket) {
  const response = await call(s3Base(), 'GET', encodePath(bucket) + '?versioning=', session);
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  $('versioning').checked = xml.getElementsByTagName('Status')[0]?.textContent === 'Enabled';
}

async function setVersioning(on) {
  showError(null);
  const body = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>'
    + (on ? 'Enabled' : 'Suspended') + '</Status></VersioningConfiguration>';
  const response = await call(s3Base(), 'PUT', encodePath(browsing.bucket) + '?versioning=', session, body);
  if (!response.ok) {
    showError(await errorOf(response));
  } else {
    await response.text();
  }
  await showVersioning(browsing.bucket);
  document.body.dataset.versioning = $('versioning').checked ? 'Enabled' : 'Suspended';
}

function term(name, value) {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = value;
  return [dt, dd];
}

async function details(bucket, key) {
  showError(null);
  if (!addressable(key)) {
    return;
  }
  const path = encodePath(bucket, ...key.split('/'));
  const head = await call(s3Base(), 'HEAD', path, session);
  if (!head.ok) {
    showError(`${head.status}`);
    return;
  }
  const meta = [];
  meta.push(...term(t('size'), formatSize(Number(head.headers.get('content-length')))));
  meta.push(...term(t('contentType'), head.headers.get('content-type') ?? ''));
  meta.push(...term(t('etag'), head.headers.get('etag') ?? ''));
  meta.push(...term(t('modified'), head.headers.get('last-modified') ?? ''));
  const userMeta = [...head.headers].filter(([name]) => name.startsWith('x-amz-meta-'))
    .map(([name, value]) => `${name.slice('x-amz-meta-'.length)}=${value}`);
  meta.push(...term(t('metadata'), userMeta.join(', ')));
  const checksums = [...head.headers].filter(([name]) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type')
    .map(([name, value]) => `${name.slice('x-amz-checksum-'.length).toUpperCase()} ${value}`);
  meta.push(...term(t('checksums'), checksums.join(', ')));
  const tagging = await call(s3Base(), 'GET', path + '?tagging=', session);
  if (tagging.ok) {
    const xml = new DOMParser().parseFromString(await tagging.text(), 'application/xml');
    const tags = [...xml.getElementsByTagName('Tag')].map(tag =>
      `${tag.getElementsByTagName('Key')[0]?.textContent}=${tag.getElementsByTagName('Value')[0]?.textContent}`);
    meta.push(...term(t('tags'), tags.join(', ')));
  }
  $('details-key').textContent = key;
  $('details-meta').replaceChildren(...meta);
  await showVersions(bucket, key);
  $('details').hidden = false;
  $('details').dataset.key = key;
}

async function showVersions(bucket, key) {
  const query = encodeQuery({versions: '', prefix: key, 'max-keys': 1000});
  const response = await call(s3Base(), 'GET', encodePath(bucket) + '?' + query, session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const rows = [];
  for (const v of [...xml.documentElement.children]) {
    if ((v.localName !== 'Version' && v.localName !== 'DeleteMarker')
        || v.getElementsByTagName('Key')[0]?.textContent !== key) {
      continue;
    }
    const id = v.getElementsByTagName('VersionId')[0]?.textContent ?? 'null';
    const latest = v.getElementsByTagName('IsLatest')[0]?.textContent === 'true';
    const marker = v.localName === 'DeleteMarker';
    const tr = document.createElement('tr');
    tr.dataset.version = id;
    tr.dataset.latest = String(latest);
    const label = document.createElement('td');
    label.textContent = id + (latest ? ` (${t('latest')})` : '') + (marker ? ` (${t('deleteMarker')})` : '');
    const size = document.createElement('td');
    size.textContent = marker ? '' : formatSize(Number(v.getElementsByTagName('Size')[0]?.textContent ?? 0));
    const when = document.createElement('td');
    when.textContent = new Date(v.getElementsByTagName('LastModified')[0]?.textContent).toLocaleString(language());
    const actions = document.createElement('td');
    if (!latest && !marker) {
      actions.append(button(t('restore'), () => restoreVersion(bucket, key, id)));
    }
    actions.append(button(t('delete'), () => deleteVersion(bucket, key, id)));
    tr.append(label, size, when, actions);
    rows.push(tr);
  }
  $('version-rows').replaceChildren(...rows);
  document.body.dataset.versions = String(rows.length);
}

/** Makes an old version current again: a copy of it over the key (the old version stays). */
async function restoreVersion(bucket, key, versionId) {
  showError(null);
  const path = encodePath(bucket, ...key.split('/'));
  const source = path + '?' + encodeQuery({versionId});
  const url = s3Base() + path;
  const headers = await sign({method: 'PUT', url, headers: {'x-amz-copy-source': source}, credentials: session,
    region: config.region});
  const response = await fetch(url, {method: 'PUT', headers, credentials: 'omit', cache: 'no-store'});
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  await response.text();
  await details(bucket, key);
  document.body.dataset.restored = versionId;
}

async function deleteVersion(bucket, key, versionId) {
  showError(null);
  const response = await call(s3Base(), 'DELETE',
    encodePath(bucket, ...key.split('/')) + '?' + encodeQuery({versionId}), session);
  if (!response.ok) {
    showError(await errorOf(response));
    return;
  }
  await response.text();
  await details(bucket, key);
}

// ---- uploads: one PUT up to 16 MiB, else multipart in 8 MiB parts, three at a time, each with its progress

const SINGLE_LIMIT = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
const PARALLEL_PARTS = 3;
const uploads = [];

/** A signed PUT or POST through XMLHttpRequest, which reports upload progress (fetch does not). */
async function send(method, path, body, onProgress, signal) {
  const url = s3Base() + path;
  const headers = await sign({method, url, credentials: session, region: config.region, unsignedPayload: true});
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = e => onProgress && onProgress(e.loaded);
    xhr.onload = () => (xhr.status < 300 ? resolve(xhr) : reject(new Error(`${xhr.status} ${xhr.responseText}`)));
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onabort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

function updateOverall() {
  const total = uploads.reduce((sum, u) => sum + u.file.size, 0);
  const loaded = uploads.reduce((sum, u) => sum + u.loaded(), 0);
  $('overall').hidden = uploads.length === 0;
  $('overall-progress').max = Math.max(total, 1);
  $('overall-progress').value = loaded;
  document.body.dataset.uploaded = String(loaded);
  document.body.dataset.uploadTotal = String(total);
}

function startUpload(file, key) {
  const row = document.createElement('div');
  row.className = 'upload';
  row.dataset.key = key;
  const label = document.createElement('span');
  label.textContent = key;
  const bar = document.createElement('progress');
  bar.max = Math.max(file.size, 1);
  bar.value = 0;
  const state = document.createElement('span');
  const task = {file, key, parts: new Map(), controller: new AbortController(), uploadId: null};
  task.loaded = () => [...task.parts.values()].reduce((a, b) => a + b, 0);
  const progress = () => {
    bar.value = task.loaded();
    updateOverall();
  };
  const cancel = button(t('cancel'), async () => {
    task.controller.abort();
    if (task.uploadId) {
      await call(s3Base(), 'DELETE', encodePath(browsing.bucket, ...key.split('/')) + '?' +
        encodeQuery({uploadId: task.uploadId}), session);
    }
  });
  const retry = button(t('retry'), () => run());
  retry.hidden = true;
  row.append(label, bar, state, cancel, retry);
  $('uploads').append(row);
  uploads.push(task);
  const bucket = browsing.bucket;
  const path = encodePath(bucket, ...key.split('/'));
  async function putPart(number, blob) {
    for (let attempt = 1; ; attempt++) {
      try {
        const xhr = await send('PUT', path + '?' + encodeQuery({partNumber: number, uploadId: task.uploadId}), blob,
          loaded => { task.parts.set(number, loaded); progress(); }, task.controller.signal);
        task.parts.set(number, blob.size);
        progress();
        return xhr.getResponseHeader('ETag');
      } catch (e) {
        if (task.controller.signal.aborted || attempt === 3) {
          throw e;
        }
      }
    }
  }
  async function run() {
    retry.hidden = true;
    state.textContent = '';
    row.dataset.state = 'running';
    try {
      if (file.size <= SINGLE_LIMIT) {
        await send('PUT', path, file, loaded => { task.parts.set(1, loaded); progress(); }, task.controller.signal);
        task.parts.set(1, file.size);
      } else {
        if (!task.uploadId) {
          const created = await call(s3Base(), 'POST', path + '?uploads=', session);
          const xml = new DOMParser().parseFromString(await created.text(), 'application/xml');
          task.uploadId = xml.getElementsByTagName('UploadId')[0].textContent;
        }
        const count = Math.ceil(file.size / PART_SIZE);
        const etags = new Array(count);
        let nextPart = 0;
        const worker = async () => {
          while (nextPart < count) {
            const i = nextPart++;
            if (etags[i]) {
              continue; // kept from before a retry
            }
            etags[i] = await putPart(i + 1, file.slice(i * PART_SIZE, Math.min(file.size, (i + 1) * PART_SIZE)));
          }
        };
        await Promise.all(Array.from({length: Math.min(PARALLEL_PARTS, count)}, worker));
        const xml = '<CompleteMultipartUpload>' + etags.map((etag, i) =>
          `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('') + '</CompleteMultipartUpload>';
        const done = await call(s3Base(), 'POST', path + '?' + encodeQuery({uploadId: task.uploadId}), session, xml);
        if (!done.ok) {
          throw new Error(await errorOf(done));
        }
        await done.text();
      }
      progress();
      state.textContent = t('done');
      row.dataset.state = 'done';
      cancel.hidden = true;
      if (browsing.bucket === bucket) {
        await openBucket(bucket, browsing.prefix);
      }
    } catch (e) {
      row.dataset.state = task.controller.signal.aborted ? 'cancelled' : 'failed';
      state.textContent = task.controller.signal.aborted ? t('cancelled') : `${t('failed')}: ${e.message}`;
      retry.hidden = task.controller.signal.aborted;
    }
  }
  run();
}

/** Files of a drop, folders walked (their files keep their relative paths). */
async function droppedFiles(items) {
  const files = [];
  const walk = async (entry, path) => {
    if (entry.isFile) {
      files.push({file: await new Promise((ok, fail) => entry.file(ok, fail)), path: path + entry.name});
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) {
          break;
        }
        for (const child of batch) {
          await walk(child, path + entry.name + '/');
        }
      }
    }
  };
  const entries = [...items].map(i => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every(e => e)) {
    for (const entry of entries) {
      await walk(entry, '');
    }
  }
  return files;
}

function uploadAll(files) {
  for (const {file, path} of files) {
    if (addressable(browsing.prefix + path)) {
      startUpload(file, browsing.prefix + path);
    }
  }
  updateOverall();
}

async function start() {
  config = await (await fetch('/console/config.json', {cache: 'no-store'})).json();
  $('language').value = language();
  setLanguage(language());
  $('language').addEventListener('change', e => setLanguage(e.target.value));
  $('sign-in').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('create-bucket').addEventListener('submit', createBucket);
  $('refresh').addEventListener('click', () => refreshBuckets());
  $('back-to-buckets').addEventListener('click', async () => {
    $('objects-section').hidden = true;
    $('buckets-section').hidden = false;
    await refreshBuckets();
  });
  $('next-page').addEventListener('click', () =>
    openBucket(browsing.bucket, browsing.prefix, browsing.next, browsing.page + 1));
  $('file-picker').addEventListener('change', e => {
    uploadAll([...e.target.files].map(file => ({file, path: file.webkitRelativePath || file.name})));
    e.target.value = '';
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async e => {
    e.preventDefault();
    zone.classList.remove('over');
    // A drop's data is readable only while its event is dispatched: taken before anything is awaited.
    const files = [...e.dataTransfer.files].map(file => ({file, path: file.name}));
    const walking = droppedFiles(e.dataTransfer.items);
    const walked = await walking;
    uploadAll(walked.length ? walked : files);
  });
  $('share-expiry').addEventListener('change', () => {
    if ($('share').dataset.key) {
      share(browsing.bucket, $('share').dataset.key);
    }
  });
  $('versioning').addEventListener('change', e => setVersioning(e.target.checked));
  $('close-details').addEventListener('click', () => { $('details').hidden = true; });
  $('copy-share').addEventListener('click', () => navigator.clipboard.writeText($('share-url').value));
  document.body.dataset.state = 'signed-out';
}

start();
