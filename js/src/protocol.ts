// The message channel between the loader (on the page's main thread) and the
// runtime glue that hosts the Go program. In Worker mode the messages cross a
// real Worker's postMessage; in page mode they go through a stand-in object with
// the same two methods, so both modes run exactly this protocol.

/** AuthError's fields as plain, structured-cloneable data. */
export interface PlainError {
  name: string;
  message: string;
  recoverySuggestion?: string;
  metadata?: { httpStatusCode?: number; requestId?: string };
  underlyingError?: unknown;
}

/** What `api.configure` takes on the Go side. */
export interface RuntimeConfig {
  userPoolId: string;
  userPoolClientId: string;
  userPoolEndpoint?: string;
  /** No tokenProvider: the runtime reads and refreshes Amplify's stored session (loadSession/storeSession). */
  amplifySession?: boolean;
}

/** Amplify v6's stored session, as the loader reads it from localStorage or cookies. */
export interface StoredSession {
  username: string;
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Milliseconds, Amplify's clockDrift (NaN when the stored value is not a number). */
  clockDrift?: number;
  /** Present when Amplify holds the device's full metadata. */
  deviceKey?: string;
}

/** Loader → runtime. */
export type ToRuntime =
  | { type: 'start'; wasmURL: string }
  | { type: 'configure'; id: number; config: RuntimeConfig }
  // signal: the caller passed an AbortSignal (the glue makes a local one);
  // aborted: it was already aborted when the call was made.
  | { type: 'call'; id: number; method: string; input: unknown; signal: boolean; aborted: boolean }
  | { type: 'abort'; id: number }
  // The answer to a host request (getToken, getDeviceKey, clearDeviceMetadata,
  // createCredential: see FromRuntime) of the same id.
  | { type: 'hostResolve'; id: number; value: unknown }
  | { type: 'hostReject'; id: number; error: PlainError };

/** Runtime → loader. */
export type FromRuntime =
  // The glue script is running (a Worker that never says this failed to start).
  | { type: 'loaded' }
  | { type: 'startError'; error: PlainError }
  // Go called host.register(api).
  | { type: 'ready' }
  | { type: 'resolve'; id: number; value: unknown }
  | { type: 'reject'; id: number; error: PlainError }
  // Host requests: work that must happen on the page's main thread.
  | { type: 'getToken'; id: number; forceRefresh: boolean }
  // options: PublicKeyCredentialCreationOptionsJSON; call: the id of the call
  // whose AbortSignal Go passed along, so the caller's signal can cancel it.
  | { type: 'createCredential'; id: number; options: unknown; call?: number }
  // Amplify's device metadata, which lives with the page's token storage: the
  // current device's key (null when there is none), and forgetting it.
  | { type: 'getDeviceKey'; id: number }
  | { type: 'clearDeviceMetadata'; id: number }
  // Amplify's stored session (null when there is none), and writing refreshed
  // tokens back in Amplify's format.
  | { type: 'loadSession'; id: number }
  | { type: 'storeSession'; id: number; session: StoredSession }
  // The Go program exited (code) or the runtime failed (error).
  | { type: 'exit'; code?: number; error?: PlainError };

/** The side of a Worker the loader uses; a real Worker or the page-mode stand-in. */
export interface RuntimePort {
  postMessage(message: ToRuntime): void;
  onmessage: ((event: { data: FromRuntime }) => void) | null;
  terminate(): void;
}

/** The side of the worker global the glue uses; `self` in a Worker. */
export interface RuntimeScope {
  postMessage(message: FromRuntime): void;
  onmessage: ((event: { data: ToRuntime }) => void) | null;
}

/** A message without its id: the channel's request functions add one. */
export type WithoutID<T> = T extends unknown ? Omit<T, 'id'> : never;
