// Public types of the cognito-wasm package: the ES module (dist/index.mjs) and
// the classic script's global `CognitoWasm` (dist/cognito-wasm.js) have these
// members. The shapes are those of Amplify v6 (`aws-amplify/auth`).

/** Resource configuration, shaped like Amplify v6's `ResourcesConfig`. */
export interface CognitoWasmConfig {
  Auth: {
    Cognito: {
      /** `<region>_<id>`, e.g. `us-east-1_Example1`. */
      userPoolId: string;
      userPoolClientId: string;
      /** Defaults to `https://cognito-idp.<region>.amazonaws.com/`. `http:` only for loopback hosts. */
      userPoolEndpoint?: string;
    };
  };
}

/** The token source's result, shaped like Amplify's `AuthTokens` (only `accessToken` is read). */
export interface CognitoWasmTokens {
  accessToken: { toString(): string };
}

export interface ConfigureOptions {
  /**
   * Where the access token comes from. Runs on the page's main thread, also in
   * Worker mode. Default: the session Amplify v6 stored (its
   * `CognitoIdentityServiceProvider.<clientId>.…` keys in localStorage, or in
   * cookies with `Amplify.configure(config, { ssr: true })`), refreshed as
   * Amplify refreshes it (GetTokensFromRefreshToken) and written back for Amplify.
   * Amplify's own `cognitoUserPoolsTokenProvider` (from `aws-amplify/auth/cognito`)
   * works as it is; its device metadata (for `forgetDevice` and `rememberDevice`)
   * is then read from Amplify's storage too.
   */
  tokenProvider?:
    | (() => Promise<string | null>)
    | { getTokens(options?: { forceRefresh?: boolean }): Promise<CognitoWasmTokens | null> };
  /**
   * URL of `cognito-wasm.wasm`. Default: next to the script or module that loaded
   * the package (`new URL('./cognito-wasm.wasm', import.meta.url)`, which bundlers
   * rewrite to the file they emit).
   */
  wasmURL?: string | URL;
  /**
   * Run the Go runtime in a dedicated Web Worker (default: true where `Worker` exists):
   * the packaged `cognito-wasm-worker.js` (needs `worker-src 'self'` or `script-src
   * 'self'`), else a `blob:` Worker (needs `worker-src blob:`). When neither can start
   * the runtime runs on the page instead; `configure` resolves with the mode it got.
   * `wasmURL` and `worker` take effect when the runtime starts: on the first
   * `configure`, or the first one after it exited.
   */
  worker?: boolean;
}

/** What `configure` resolves with. */
export interface ConfigureResult {
  /** Where the Go runtime runs: a dedicated Web Worker, or the page's main thread. */
  runtime: 'worker' | 'page';
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting it rejects the call with an `AuthError` named `AbortError` and cancels its request. */
  signal?: AbortSignal;
}

export interface AuthWebAuthnCredential {
  credentialId: string;
  friendlyCredentialName: string;
  relyingPartyId: string;
  authenticatorAttachment?: string;
  authenticatorTransports: string[];
  createdAt: Date;
}

export interface AWSAuthDevice {
  id: string;
  name?: string;
  attributes: Record<string, string>;
  createDate?: Date;
  lastAuthenticatedDate?: Date;
  lastModifiedDate?: Date;
}

export interface ListWebAuthnCredentialsInput {
  /** MaxResults, 0..20. */
  pageSize?: number;
  nextToken?: string;
}

export interface ListWebAuthnCredentialsOutput {
  credentials: AuthWebAuthnCredential[];
  /** Absent on the last page. */
  nextToken?: string;
}

export interface DeleteWebAuthnCredentialInput {
  credentialId: string;
}

export interface ListDevicesInput {
  /** Limit, 0..60. */
  pageSize?: number;
  nextToken?: string;
}

export interface ListDevicesOutput {
  devices: AWSAuthDevice[];
  /** Absent on the last page. */
  nextToken?: string;
}

export interface ForgetDeviceInput {
  /** The device to forget; the current device when omitted. */
  device?: { id: string };
}

export interface AuthErrorParams {
  name: string;
  message: string;
  recoverySuggestion?: string;
  underlyingError?: Error | unknown;
  metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Every rejection of this package is an AuthError. Service errors keep Cognito's
 * name (`NotAuthorizedException`, ...), message, HTTP status and request id.
 * The loader's own names: `AuthUserPoolException` (not configured),
 * `WasmLoadError` (the .wasm could not be fetched or instantiated) and
 * `WasmRuntimeError` (the Go runtime exited; call `configure` again).
 */
export declare class AuthError extends Error {
  constructor(params: AuthErrorParams);
  name: string;
  recoverySuggestion?: string;
  underlyingError?: Error | unknown;
  metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Starts the runtime on the first call and configures it; resolves when the module
 * is ready, with where the runtime runs. Calls made before it resolves wait for it.
 * May be called again to switch pool or endpoint; after a failure the next call
 * starts over.
 */
export declare function configure(config: CognitoWasmConfig, options?: ConfigureOptions): Promise<ConfigureResult>;

export declare function listWebAuthnCredentials(
  input?: ListWebAuthnCredentialsInput,
  options?: CallOptions,
): Promise<ListWebAuthnCredentialsOutput>;

export declare function deleteWebAuthnCredential(
  input: DeleteWebAuthnCredentialInput,
  options?: CallOptions,
): Promise<void>;

export declare function listDevices(input?: ListDevicesInput, options?: CallOptions): Promise<ListDevicesOutput>;

/** Amplify's name: the first page of up to 60 devices. */
export declare function fetchDevices(options?: CallOptions): Promise<AWSAuthDevice[]>;

/**
 * Forgets a device of the signed-in user (ForgetDevice). Without `device.id` it is
 * the current device, whose key Amplify stored at sign-in; its metadata is then
 * cleared from the storage, as Amplify does. No current device:
 * `DeviceMetadataNotFoundException`.
 */
export declare function forgetDevice(input?: ForgetDeviceInput, options?: CallOptions): Promise<void>;

/**
 * Marks the current device as remembered (UpdateDeviceStatus). No current device:
 * `DeviceMetadataNotFoundException`.
 */
export declare function rememberDevice(options?: CallOptions): Promise<void>;

/**
 * Registers a new passkey for the signed-in user: StartWebAuthnRegistration,
 * `navigator.credentials.create` on the page's main thread (also in Worker mode),
 * CompleteWebAuthnRegistration. The ceremony's failures have Amplify's names:
 * `PasskeyNotSupported`, `PasskeyAlreadyExists` (the authenticator holds one of the
 * user's passkeys), `PasskeyRegistrationCanceled` (the user said no, or no
 * authenticator answered), `PasskeyOperationAborted`, `RelyingPartyMismatch` (the
 * page is not on the pool's relying party domain), `InvalidPasskeyRegistrationOptions`,
 * `PasskeyRegistrationFailed`, `Unknown`; service errors keep Cognito's names
 * (`WebAuthnRelyingPartyMismatchException`, ...). Aborting `signal` ends the
 * ceremony too; the call then rejects with `AbortError`.
 */
export declare function associateWebAuthnCredential(options?: CallOptions): Promise<void>;
