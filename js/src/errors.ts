// Every error the JavaScript side makes is built here, once. The runtime glue
// (runtime/glue.ts) uses the plain-data builders: its errors cross postMessage
// and become AuthErrors on the loader's side.
import type { AuthErrorParams } from './index';
import type { PlainError } from './protocol';

/** Amplify v6's AuthError: every rejection of this package is one. */
export class AuthError extends Error {
  recoverySuggestion?: string;
  underlyingError?: Error | unknown;
  metadata?: { httpStatusCode?: number; requestId?: string };

  constructor({ name, message, recoverySuggestion, underlyingError, metadata }: AuthErrorParams) {
    super(message);
    this.name = name;
    this.recoverySuggestion = recoverySuggestion;
    this.underlyingError = underlyingError;
    this.metadata = metadata;
  }
}

/** The same name, message and recovery text as internal/auth's NotConfigured. */
export const notConfigured = () =>
  new AuthError({
    name: 'AuthUserPoolException',
    message: 'Auth UserPool not configured.',
    recoverySuggestion: 'Call configure() with Auth.Cognito.userPoolId and userPoolClientId first.',
  });

/** The same name and message as the Go side's, for an abort seen before the call reached it. */
export const aborted = (reason: unknown) =>
  new AuthError({
    name: 'AbortError',
    message: 'The operation was aborted.',
    underlyingError: reason,
  });

/** Input that cannot be structured-cloned to the runtime (a function, a DOM node...). */
export const uncloneableInput = (err: unknown) =>
  new AuthError({
    name: 'InvalidParameterException',
    message: `The input could not be passed to the runtime: ${describe(err).message}`,
    underlyingError: err,
  });

/** The .wasm could not be found, fetched or instantiated. */
export const wasmLoadError = (message: string, underlyingError: unknown): PlainError => ({
  name: 'WasmLoadError',
  message,
  recoverySuggestion:
    "Serve cognito-wasm.wasm next to the script or set options.wasmURL; a Content-Security-Policy must allow 'wasm-unsafe-eval'.",
  underlyingError,
});

/** The Go runtime is gone: every call fails until configure() starts a new one. */
export const runtimeExited = (underlyingError?: unknown): PlainError => ({
  name: 'WasmRuntimeError',
  message: 'The cognito-wasm runtime has exited.',
  recoverySuggestion: 'Call configure() again to start a new runtime.',
  underlyingError,
});

/** An AuthError's fields as plain data; anything without a name becomes an UnknownError. */
export function toPlainError(err: unknown): PlainError {
  if (err && typeof err === 'object' && typeof (err as PlainError).name === 'string') {
    const e = err as PlainError;
    const plain: PlainError = { name: e.name, message: String(e.message ?? '') };
    if (e.recoverySuggestion !== undefined) plain.recoverySuggestion = e.recoverySuggestion;
    if (e.metadata !== undefined) plain.metadata = e.metadata;
    if (e.underlyingError !== undefined) plain.underlyingError = e.underlyingError;
    return plain;
  }
  return unknownError(err);
}

export const unknownError = (err: unknown): PlainError => ({
  name: 'UnknownError',
  message: 'An unknown error has occurred.',
  underlyingError: describe(err),
});

/** The name and message of anything thrown, as plain data. */
export function describe(err: unknown): PlainError {
  const e = err as { name?: unknown; message?: unknown } | undefined;
  if (e && typeof e === 'object') return { name: String(e.name ?? 'Error'), message: String(e.message ?? '') };
  return { name: 'Error', message: String(err) };
}
