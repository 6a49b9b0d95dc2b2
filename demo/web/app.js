// The demo's account page: the code an app writes with Amplify v6, except that
// the calls come from cognito-wasm (same names, same shapes, same errors).
import {
  AuthError,
  associateWebAuthnCredential,
  configure,
  deleteWebAuthnCredential,
  forgetDevice,
  listDevices,
  listWebAuthnCredentials,
  rememberDevice,
} from '/dist/index.mjs';

const $ = (id) => document.getElementById(id);
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// Amplify v6 keeps the signed-in user's tokens in localStorage under these keys;
// cognito-wasm reads the access token from there by default.
const keyPrefix = 'CognitoIdentityServiceProvider';
const tokenNames = ['accessToken', 'idToken', 'refreshToken', 'clockDrift', 'signInDetails'];
// Where Amplify keeps this device's metadata after a sign-in on a pool that
// tracks devices; forgetDevice() and rememberDevice() use it.
const deviceNames = ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'];

let cognito; // { userPoolId, userPoolClientId, userPoolEndpoint } from /config.json
const devices = { tokens: [undefined], page: 0 }; // tokens[i] starts page i

start();

async function start() {
  bindEvents();
  try {
    const res = await fetch('/config.json');
    if (!res.ok) throw new Error(`GET /config.json: HTTP ${res.status}`);
    cognito = await res.json();
  } catch (err) {
    setStatus('failed', 'Could not load the configuration.');
    showError(err);
    return;
  }
  // Starts loading the module; the list calls below wait for it.
  const ready = configure({ Auth: { Cognito: cognito } });
  showSignedInState();
  try {
    await ready;
    setStatus('ready', 'Security module ready.');
  } catch (err) {
    setStatus('failed', 'The security module failed to load.');
    showError(err);
  }
}

function bindEvents() {
  $('signin-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', signOut);
  $('error-dismiss').addEventListener('click', hideError);
  $('error-sign-in').addEventListener('click', () => {
    hideError();
    signOut();
  });
  $('passkeys-refresh').addEventListener('click', loadPasskeys);
  $('passkey-add').addEventListener('click', addPasskey);
  $('device-remember').addEventListener('click', rememberThisDevice);
  $('device-page-size').addEventListener('change', () => loadDevices(0, true));
  $('devices-first').addEventListener('click', () => loadDevices(0));
  $('devices-next').addEventListener('click', () => loadDevices(devices.page + 1));
}

function setStatus(state, text) {
  const el = $('module-status');
  el.dataset.state = state;
  el.textContent = text;
}

// ---- signing in and out (what Amplify's signIn/signOut do for this page) ----

function currentUser() {
  return localStorage.getItem(`${keyPrefix}.${cognito.userPoolClientId}.LastAuthUser`);
}

function showSignedInState() {
  const user = currentUser();
  $('signin').hidden = !!user;
  $('account').hidden = !user;
  $('user-menu').hidden = !user;
  if (!user) {
    $('username').focus();
    return;
  }
  $('user-name').textContent = user;
  $('user-avatar').textContent = user.slice(0, 1).toUpperCase();
  showPasskeyHostHint();
  loadPasskeys();
  loadDevices(0, true);
}

async function onSignIn(event) {
  event.preventDefault();
  hideError();
  const button = $('signin-submit');
  button.disabled = true;
  button.textContent = 'Signing in…';
  try {
    await signIn($('username').value.trim(), $('password').value);
    showSignedInState();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

// One InitiateAuth (USER_PASSWORD_AUTH) request, then the tokens stored the way
// Amplify v6 stores them. In an app, Amplify's signIn() does all of this.
async function signIn(username, password) {
  const region = cognito.userPoolId.split('_')[0];
  const endpoint = cognito.userPoolEndpoint || `https://cognito-idp.${region}.amazonaws.com/`;
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: cognito.userPoolClientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const type = res.headers.get('x-amzn-errortype') || body.__type || 'UnknownError';
    throw new AuthError({
      name: type.split(/[:,]/)[0].split('#').pop(),
      message: body.message || `HTTP ${res.status}`,
      metadata: { httpStatusCode: res.status, requestId: res.headers.get('x-amzn-requestid') || undefined },
    });
  }
  const result = body.AuthenticationResult;
  if (!result) throw new Error(`Sign-in needs a challenge this demo does not handle: ${body.ChallengeName}`);
  // Amplify keys the tokens by the username in the access token.
  const user = JSON.parse(atob(result.AccessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).username;
  const base = `${keyPrefix}.${cognito.userPoolClientId}`;
  localStorage.setItem(`${base}.${user}.accessToken`, result.AccessToken);
  localStorage.setItem(`${base}.${user}.idToken`, result.IdToken);
  localStorage.setItem(`${base}.${user}.refreshToken`, result.RefreshToken);
  localStorage.setItem(`${base}.${user}.clockDrift`, '0');
  localStorage.setItem(`${base}.${user}.signInDetails`, JSON.stringify({ loginId: username, authFlowType: 'USER_PASSWORD_AUTH' }));
  localStorage.setItem(`${base}.LastAuthUser`, user);
}

// Forgets the tokens on this device (Amplify's signOut also revokes the refresh token).
function signOut() {
  const user = currentUser();
  const base = `${keyPrefix}.${cognito.userPoolClientId}`;
  if (user) for (const name of tokenNames) localStorage.removeItem(`${base}.${user}.${name}`);
  localStorage.removeItem(`${base}.LastAuthUser`);
  $('passkey-list').replaceChildren();
  $('device-rows').replaceChildren();
  showSignedInState();
}

// ---- passkeys ----

async function loadPasskeys() {
  const section = $('passkeys');
  section.setAttribute('aria-busy', 'true');
  try {
    const credentials = [];
    let nextToken;
    do {
      const page = await listWebAuthnCredentials({ nextToken });
      credentials.push(...page.credentials);
      nextToken = page.nextToken;
    } while (nextToken);
    renderPasskeys(credentials);
  } catch (err) {
    showError(err);
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

function renderPasskeys(credentials) {
  const items = credentials.map((credential) => {
    const item = $('passkey-item').content.firstElementChild.cloneNode(true);
    item.dataset.credentialId = credential.credentialId;
    const field = (name) => item.querySelector(`[data-field="${name}"]`);
    field('name').textContent = credential.friendlyCredentialName || 'Passkey';
    const attachment = field('attachment');
    attachment.textContent =
      { platform: 'Platform authenticator', 'cross-platform': 'Cross-platform authenticator' }[credential.authenticatorAttachment] ??
      (credential.authenticatorAttachment || 'Attachment not reported');
    field('transports').textContent = credential.authenticatorTransports.length
      ? `Transports: ${credential.authenticatorTransports.join(', ')}`
      : '';
    field('rp').textContent = credential.relyingPartyId;
    setTime(field('created'), credential.createdAt);
    item.querySelector('[data-action="delete"]').addEventListener('click', () => confirmDelete(credential));
    return item;
  });
  $('passkey-list').replaceChildren(...items);
  $('passkeys-empty').hidden = credentials.length > 0;
}

function confirmDelete(credential) {
  const dialog = $('confirm-delete');
  $('confirm-name').textContent = credential.friendlyCredentialName || 'this passkey';
  dialog.returnValue = '';
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'delete') return;
      try {
        await deleteWebAuthnCredential({ credentialId: credential.credentialId });
      } catch (err) {
        showError(err);
      }
      await loadPasskeys();
    },
    { once: true },
  );
  dialog.showModal();
}

async function addPasskey() {
  hideError();
  hideNotice();
  const button = $('passkey-add');
  button.disabled = true;
  button.textContent = 'Waiting for your authenticator…';
  try {
    await associateWebAuthnCredential();
    showNotice('Passkey added.');
    await loadPasskeys();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    button.textContent = 'Add a passkey';
  }
}

// A passkey belongs to a domain (the pool's relying party), never to an IP
// address: on http://127.0.0.1 the browser refuses to create one.
function showPasskeyHostHint() {
  const onIP = /^[\d.]+$|^\[[\da-f:]+\]$/i.test(location.hostname);
  $('passkey-host-hint').hidden = !onIP;
  if (onIP) {
    const url = new URL(location.href);
    url.hostname = 'localhost';
    $('passkey-host-link').href = url.href;
    $('passkey-host-link').textContent = url.origin;
  }
}

// ---- devices ----

// This device's key, when Amplify's storage has all of its metadata.
function currentDeviceKey() {
  const user = currentUser();
  if (!user) return null;
  const [key, ...rest] = deviceNames.map((name) => localStorage.getItem(`${keyPrefix}.${cognito.userPoolClientId}.${user}.${name}`));
  return key && rest.every(Boolean) ? key : null;
}

async function rememberThisDevice() {
  hideError();
  hideNotice();
  try {
    await rememberDevice();
    showNotice('This device is remembered.');
    await loadDevices(devices.page);
  } catch (err) {
    showError(err);
  }
}

function confirmForget(device) {
  const dialog = $('confirm-forget');
  $('forget-name').textContent = device.name || 'This device';
  dialog.returnValue = '';
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'forget') return;
      hideNotice();
      try {
        // The current device is forgotten as Amplify does it (no id: its
        // metadata is cleared too); any other by its id.
        await forgetDevice(device.id === currentDeviceKey() ? undefined : { device: { id: device.id } });
        showNotice(`${device.name || 'The device'} is forgotten.`);
      } catch (err) {
        showError(err);
      }
      await loadDevices(0, true);
    },
    { once: true },
  );
  dialog.showModal();
}

async function loadDevices(page, reset = false) {
  if (reset) devices.tokens = [undefined];
  const section = $('devices');
  section.setAttribute('aria-busy', 'true');
  try {
    const pageSize = Number($('device-page-size').value);
    const result = await listDevices({ pageSize, nextToken: devices.tokens[page] });
    devices.page = page;
    devices.tokens[page + 1] = result.nextToken;
    renderDevices(result.devices);
    $('device-remember').hidden = !currentDeviceKey();
    $('devices-page').textContent = `Page ${page + 1}`;
    $('devices-first').disabled = page === 0;
    $('devices-next').disabled = !result.nextToken;
  } catch (err) {
    showError(err);
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

function renderDevices(list) {
  const rows = list.map((device) => {
    const row = document.createElement('tr');
    row.dataset.deviceId = device.id;
    const name = cell(row);
    const title = document.createElement('div');
    title.className = 'item-title';
    title.textContent = device.name || 'Unnamed device';
    const id = document.createElement('code');
    id.className = 'muted small';
    id.textContent = device.id;
    name.append(title, id);
    if (device.id === currentDeviceKey()) {
      const badge = document.createElement('span');
      badge.className = 'badge badge-current';
      badge.textContent = 'This device';
      name.append(badge);
    }
    for (const date of [device.lastAuthenticatedDate, device.createDate, device.lastModifiedDate]) {
      const time = document.createElement('time');
      setTime(time, date);
      cell(row).append(time);
    }
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'Attributes';
    const dl = document.createElement('dl');
    for (const [key, value] of Object.entries(device.attributes)) {
      const dt = document.createElement('dt');
      dt.textContent = key;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
    details.append(summary, dl);
    cell(row).append(details);
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'btn btn-danger-quiet';
    forget.dataset.action = 'forget';
    forget.textContent = 'Forget this device';
    forget.addEventListener('click', () => confirmForget(device));
    cell(row).append(forget);
    return row;
  });
  $('device-rows').replaceChildren(...rows);
  $('devices-empty').hidden = list.length > 0;
}

function cell(row) {
  return row.appendChild(document.createElement('td'));
}

function setTime(el, date) {
  if (!(date instanceof Date)) {
    el.textContent = '—';
    return;
  }
  el.dateTime = date.toISOString();
  el.textContent = dateFormat.format(date);
}

// ---- errors ----

function showError(err) {
  const name = err?.name || 'Error';
  $('error-name').textContent = `${name}:`;
  $('error-message').textContent = err?.message || String(err);
  const hint = err instanceof AuthError ? err.recoverySuggestion : undefined;
  $('error-hint').textContent = hint || '';
  $('error-hint').hidden = !hint;
  // An expired or missing session: offer to sign in again.
  $('error-sign-in').hidden = !['NotAuthorizedException', 'UserUnAuthenticatedException'].includes(name) || !(cognito && currentUser());
  $('error').dataset.name = name;
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
}

function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

function hideNotice() {
  $('notice').hidden = true;
}
