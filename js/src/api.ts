// The public API: configure and one function per operation. Each call waits for
// the latest configure, then goes through the channel to the Go runtime.
import { Channel, type DeviceMetadataSource, type TokenSource } from './channel';
import { AuthError, aborted, notConfigured } from './errors';
import { deviceMetadata, tokenSource } from './tokens';
import type * as types from './index';
import type { RuntimeConfig } from './protocol';

let scriptURL: string | undefined;
let channel: Channel | undefined;
/** The latest configure; calls wait for it. Unset before the first and after a failed one. */
let configured: Promise<Channel> | undefined;
/** Set when the runtime exited: every call rejects with it until configure runs again. */
let exited: AuthError | undefined;
let getToken: TokenSource = async () => null;
let device: DeviceMetadataSource = deviceMetadata(undefined, '');

/** The URL of the script or module that loaded the package, for finding the .wasm beside it. */
export function setScriptURL(url: string | undefined) {
  scriptURL = url || undefined;
}

export const configure: typeof types.configure = (config, options = {}) => {
  const cognito = config?.Auth?.Cognito;
  if (!cognito || typeof cognito !== 'object') {
    configured = undefined;
    return Promise.reject(notConfigured());
  }
  exited = undefined;
  getToken = tokenSource(options.tokenProvider, String(cognito.userPoolClientId ?? ''));
  device = deviceMetadata(options.tokenProvider, String(cognito.userPoolClientId ?? ''));
  // wasmURL and worker apply when a runtime starts; a live one is reconfigured.
  if (!channel || channel.dead) {
    let wasmURL: string;
    try {
      wasmURL = resolveWasmURL(options.wasmURL);
    } catch (err) {
      configured = undefined;
      return Promise.reject(
        new AuthError({ name: 'WasmLoadError', message: `Invalid wasmURL: ${(err as Error).message}`, underlyingError: err }),
      );
    }
    const current: Channel = new Channel(
      wasmURL,
      options.worker ?? typeof Worker === 'function',
      (forceRefresh) => getToken(forceRefresh),
      (err) => {
        if (channel !== current) return;
        channel = undefined;
        configured = undefined;
        exited = err;
      },
      {
        getDeviceKey: () => device.getDeviceKey(),
        clearDeviceMetadata: () => device.clearDeviceMetadata(),
        loadSession: () => device.loadSession(),
        storeSession: (session) => device.storeSession(session),
      },
    );
    channel = current;
  }
  const ch = channel;
  // Plain values only: they cross to the runtime by structured clone.
  const runtimeConfig: RuntimeConfig = { userPoolId: cognito.userPoolId, userPoolClientId: cognito.userPoolClientId };
  if (cognito.userPoolEndpoint !== undefined) runtimeConfig.userPoolEndpoint = cognito.userPoolEndpoint;
  if (!options.tokenProvider) runtimeConfig.amplifySession = true;
  const done: Promise<Channel> = ch.configure(runtimeConfig).then(() => ch);
  configured = done;
  done.catch(() => {
    // Reset, so that the caller can retry: a new configure starts over.
    if (configured === done) configured = undefined;
    if (ch.dead && channel === ch) channel = undefined;
  });
  return done.then(() => undefined);
};

/** options.wasmURL against the page's URL, else cognito-wasm.wasm beside the script. */
function resolveWasmURL(option: string | URL | undefined): string {
  const page = globalThis.location?.href;
  if (option) return new URL(String(option), page).href;
  return new URL('cognito-wasm.wasm', scriptURL || page).href;
}

async function invoke(method: string, input: unknown, signal: AbortSignal | undefined): Promise<any> {
  checkSignal(signal);
  if (exited) throw exited;
  if (!configured) throw notConfigured();
  const ch = await untilReady(configured, signal);
  return ch.call(method, input, signal);
}

/**
 * options.signal must be an AbortSignal (from any realm) or absent: anything else
 * would fail later as a bare TypeError from addEventListener, not an AuthError.
 */
function checkSignal(signal: unknown) {
  if (signal === undefined || signal === null) return;
  const s = signal as Partial<AbortSignal>;
  if (typeof s === 'object' && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function') {
    return;
  }
  const kind = Array.isArray(signal) ? 'array' : typeof signal;
  throw new AuthError({ name: 'InvalidParameterException', message: `signal must be an AbortSignal (got ${kind}).` });
}

/** Waits for configure, but not past the caller's abort. */
function untilReady(ready: Promise<Channel>, signal: AbortSignal | undefined): Promise<Channel> {
  if (!signal) return ready;
  if (signal.aborted) return Promise.reject(aborted(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export const listWebAuthnCredentials: typeof types.listWebAuthnCredentials = (input, options) =>
  invoke('listWebAuthnCredentials', input, options?.signal);

export const deleteWebAuthnCredential: typeof types.deleteWebAuthnCredential = (input, options) =>
  invoke('deleteWebAuthnCredential', input, options?.signal);

export const listDevices: typeof types.listDevices = (input, options) =>
  invoke('listDevices', input, options?.signal);

export const fetchDevices: typeof types.fetchDevices = (options) => invoke('fetchDevices', undefined, options?.signal);

export const forgetDevice: typeof types.forgetDevice = (input, options) =>
  invoke('forgetDevice', input, options?.signal);

export const rememberDevice: typeof types.rememberDevice = (options) =>
  invoke('rememberDevice', undefined, options?.signal);

export const associateWebAuthnCredential: typeof types.associateWebAuthnCredential = (options) =>
  invoke('associateWebAuthnCredential', undefined, options?.signal);

export { AuthError };
