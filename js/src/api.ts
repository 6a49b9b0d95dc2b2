// The public API: configure and one function per operation. Each call waits for
// the latest configure, then goes through the channel to the Go runtime.
import { Channel, type DeviceMetadataSource, type TokenSource, type WorkerFactory } from './channel';
import { AuthError, aborted, notConfigured, wasmLoadError } from './errors';
import { deviceMetadata, tokenSource } from './tokens';
import type * as types from './index';
import type { RuntimeConfig } from './protocol';

/** Set by the entry point (esm.ts, iife.ts) when the package loads. */
let assets: Assets;
let channel: Channel | undefined;
/** The latest configure; calls wait for it. Unset before the first and after a failed one. */
let configured: Promise<Channel> | undefined;
/** Set when the runtime exited: every call rejects with it until configure runs again. */
let exited: AuthError | undefined;
let getToken: TokenSource = async () => null;
let device: DeviceMetadataSource = deviceMetadata(undefined, '');

/**
 * Where the entry point that loaded the package finds its files: the .wasm (the
 * default of options.wasmURL) and the worker file. Called when configure starts
 * a runtime, never while the module is imported (which may be on a server).
 */
export interface Assets {
  wasmURL(): string;
  worker?: WorkerFactory;
}

export function setAssets(a: Assets) {
  assets = a;
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
      return Promise.reject(new AuthError(wasmLoadError(`Invalid wasmURL: ${(err as Error).message}`, err)));
    }
    const current: Channel = new Channel(
      wasmURL,
      options.worker ?? typeof Worker === 'function',
      assets.worker,
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
  return done.then(() => ({ runtime: ch.mode }));
};

/** options.wasmURL against the page's URL, else cognito-wasm.wasm beside the entry point. */
function resolveWasmURL(option: string | URL | undefined): string {
  if (option) return new URL(String(option), globalThis.location?.href).href;
  return assets.wasmURL();
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
