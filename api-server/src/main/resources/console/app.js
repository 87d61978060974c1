// The console: sign-in for short-lived session credentials (the long-term secret is used once, for that request, and
// dropped), then the S3 API signed with them. Nothing is kept beyond the tab: the session lives in this module only.
import {sign, encodePath} from './sigv4.js';
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
    nameCell.textContent = name;
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

async function start() {
  config = await (await fetch('/console/config.json', {cache: 'no-store'})).json();
  $('language').value = language();
  setLanguage(language());
  $('language').addEventListener('change', e => setLanguage(e.target.value));
  $('sign-in').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('create-bucket').addEventListener('submit', createBucket);
  $('refresh').addEventListener('click', () => refreshBuckets());
  document.body.dataset.state = 'signed-out';
}

start();
