// The token source and Amplify's stored session and device metadata. They run on
// the page's main thread in both modes: the app's provider and the page's
// storage live there.
import type { ConfigureOptions } from './index';
import type { DeviceMetadataSource, StoredSession, TokenSource } from './channel';

// Amplify v6's DefaultTokenStore keys: `${keyPrefix}.<clientId>.LastAuthUser` and
// `${keyPrefix}.<clientId>.<username>.<name>` (AUTH_KEY_PREFIX, AuthTokenStorageKeys).
const keyPrefix = 'CognitoIdentityServiceProvider';
const deviceKeyNames = ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'] as const;

export function tokenSource(provider: ConfigureOptions['tokenProvider'], clientId: string): TokenSource {
  if (typeof provider === 'function') {
    // forceRefresh is passed along for providers that can use it.
    return async (forceRefresh) => (await (provider as (o: { forceRefresh: boolean }) => Promise<string | null>)({ forceRefresh })) || null;
  }
  if (provider && typeof provider.getTokens === 'function') {
    return async (forceRefresh) => {
      const tokens = await provider.getTokens({ forceRefresh });
      return tokens?.accessToken?.toString() || null;
    };
  }
  // Without a provider the runtime reads and refreshes Amplify's session itself
  // (loadSession/storeSession); this only answers a runtime that asks anyway.
  return async () => loadSession(clientId)?.accessToken ?? null;
}

/** A synchronous key-value store: localStorage, or Amplify's CookieStorage over document.cookie. */
interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** localStorage, or undefined where the page may not use it. */
function local(): KeyValue | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // opaque origin, blocked third-party storage
  }
}

// What Amplify.configure(config, { ssr: true }) stores the session in:
// new CookieStorage({ sameSite: 'lax' }), whose other attributes keep their
// defaults (path '/', expires in 365 days, secure, no domain), written and read
// with js-cookie's encoding.
const cookieDays = 365;

function cookies(): KeyValue | undefined {
  if (typeof document === 'undefined' || typeof document.cookie !== 'string') return undefined;
  const write = (key: string, value: string, expires: Date) => {
    document.cookie =
      `${cookieName(key)}=${cookieValue(value)}; path=/; expires=${expires.toUTCString()}; secure; sameSite=lax`;
  };
  return {
    getItem: (key) => readCookies().get(key) ?? null,
    setItem: (key, value) => write(key, value, new Date(Date.now() + cookieDays * 864e5)),
    removeItem: (key) => write(key, '', new Date(Date.now() - 864e5)),
  };
}

// js-cookie 3's converters, as Amplify's CookieStorage uses them.
function cookieName(name: string): string {
  return encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent)
    .replace(/[()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function cookieValue(value: string): string {
  return encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent);
}

function readCookies(): Map<string, string> {
  const jar = new Map<string, string>();
  for (const cookie of document.cookie ? document.cookie.split('; ') : []) {
    const parts = cookie.split('=');
    let value = parts.slice(1).join('=');
    try {
      const name = decodeURIComponent(parts[0]);
      if (value[0] === '"') value = value.slice(1, -1);
      if (!jar.has(name)) jar.set(name, value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent));
    } catch {
      // a cookie js-cookie would skip too
    }
  }
  return jar;
}

/**
 * Where Amplify keeps this client's session: localStorage (Amplify's default)
 * or the cookies of `Amplify.configure(config, { ssr: true })`, found by the
 * session's keys. When both hold one, the newer (by the access token's iat).
 */
function amplifyStorage(clientId: string): KeyValue | undefined {
  const found: { store: KeyValue; token: string }[] = [];
  for (const store of [local(), cookies()]) {
    const token = store && store.getItem(sessionKey(clientId, lastAuthUser(store, clientId), 'accessToken'));
    if (store && token) found.push({ store, token });
  }
  if (found.length < 2) return found[0]?.store;
  return issuedAt(found[1].token) > issuedAt(found[0].token) ? found[1].store : found[0].store;
}

function issuedAt(jwt: string): number {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return Number(JSON.parse(atob(payload)).iat) || 0;
  } catch {
    return 0;
  }
}

// Amplify's getLastAuthUser: the stored name, or 'username'.
function lastAuthUser(store: KeyValue, clientId: string): string {
  return store.getItem(`${keyPrefix}.${clientId}.LastAuthUser`) ?? 'username';
}

function sessionKey(clientId: string, user: string, name: string): string {
  return `${keyPrefix}.${clientId}.${user}.${name}`;
}

/** Amplify's stored session (its DefaultTokenStore.loadTokens), or null. */
export function loadSession(clientId: string): StoredSession | null {
  const store = amplifyStorage(clientId);
  if (!store) return null;
  const username = lastAuthUser(store, clientId);
  const get = (name: string) => store.getItem(sessionKey(clientId, username, name));
  const accessToken = get('accessToken');
  if (!accessToken) return null;
  const session: StoredSession = { username, accessToken, clockDrift: Number.parseInt(get('clockDrift') ?? '0') };
  const idToken = get('idToken');
  if (idToken) session.idToken = idToken;
  const refreshToken = get('refreshToken');
  if (refreshToken) session.refreshToken = refreshToken;
  // Amplify's getDeviceMetadata: a device only when all three are stored.
  const [deviceKey, groupKey, password] = deviceKeyNames.map(get);
  if (deviceKey && groupKey && password) session.deviceKey = deviceKey;
  return session;
}

/**
 * Writes refreshed tokens back where the session was found, as Amplify's
 * DefaultTokenStore.storeTokens does after a refresh: LastAuthUser,
 * accessToken, idToken (or its removal), refreshToken, clockDrift. The device
 * metadata and signInDetails are left as they are (a refresh keeps them).
 */
export function storeSession(clientId: string, session: StoredSession): void {
  const store = amplifyStorage(clientId);
  // Signed out, or another user signed in, while the refresh was under way:
  // the refreshed tokens serve the call that asked for them and are not kept.
  if (!store || lastAuthUser(store, clientId) !== session.username) return;
  const key = (name: string) => sessionKey(clientId, session.username, name);
  store.setItem(`${keyPrefix}.${clientId}.LastAuthUser`, session.username);
  store.setItem(key('accessToken'), session.accessToken);
  if (session.idToken) store.setItem(key('idToken'), session.idToken);
  else store.removeItem(key('idToken'));
  if (session.refreshToken) store.setItem(key('refreshToken'), session.refreshToken);
  else store.removeItem(key('refreshToken'));
  store.setItem(key('clockDrift'), `${session.clockDrift ?? 0}`);
}

/** The part of Amplify's TokenOrchestrator that holds the device metadata. */
interface AmplifyTokenOrchestrator {
  getDeviceMetadata(): Promise<{ deviceKey?: string } | null>;
  clearDeviceMetadata(): Promise<void>;
}


/**
 * Amplify v6's storage: with Amplify's own token provider
 * (`cognitoUserPoolsTokenProvider`), its token orchestrator, which knows the
 * storage Amplify was given, holds the device metadata (and refreshes the
 * session itself); otherwise Amplify's default keys, in localStorage or the
 * cookies of `ssr: true`: the session, and
 * `CognitoIdentityServiceProvider.<clientId>.<username>.{deviceKey,deviceGroupKey,randomPasswordKey}`.
 * As in Amplify, there is a current device only when all three are stored.
 */
export function deviceMetadata(provider: ConfigureOptions['tokenProvider'], clientId: string): DeviceMetadataSource {
  const orchestrator = (provider as { tokenOrchestrator?: Partial<AmplifyTokenOrchestrator> } | undefined)?.tokenOrchestrator;
  if (
    orchestrator &&
    typeof orchestrator.getDeviceMetadata === 'function' &&
    typeof orchestrator.clearDeviceMetadata === 'function'
  ) {
    const amplify = orchestrator as AmplifyTokenOrchestrator;
    return {
      getDeviceKey: async () => (await amplify.getDeviceMetadata())?.deviceKey || null,
      clearDeviceMetadata: () => amplify.clearDeviceMetadata(),
      ...noSession,
    };
  }
  if (provider) return { ...defaultDevices(clientId), ...noSession };
  return {
    ...defaultDevices(clientId),
    loadSession: async () => loadSession(clientId),
    storeSession: async (session) => storeSession(clientId, session),
  };
}

// With a tokenProvider the runtime asks it for tokens, never for the session.
const noSession = { loadSession: async () => null, storeSession: async () => {} };

function defaultDevices(clientId: string): Pick<DeviceMetadataSource, 'getDeviceKey' | 'clearDeviceMetadata'> {
  return {
    getDeviceKey: async () => {
      const device = deviceStorage(clientId);
      if (!device) return null;
      const [deviceKey, groupKey, password] = device.keys.map((key) => device.store.getItem(key));
      return deviceKey && groupKey && password ? deviceKey : null;
    },
    clearDeviceMetadata: async () => {
      const device = deviceStorage(clientId);
      for (const key of device?.keys ?? []) device!.store.removeItem(key);
    },
  };
}

/** The device metadata's keys for LastAuthUser, and the storage that holds the session. */
function deviceStorage(clientId: string): { store: KeyValue; keys: string[] } | undefined {
  const store = amplifyStorage(clientId) ?? local();
  const user = store?.getItem(`${keyPrefix}.${clientId}.LastAuthUser`);
  if (!store || !user) return undefined;
  return { store, keys: deviceKeyNames.map((name) => sessionKey(clientId, user, name)) };
}
