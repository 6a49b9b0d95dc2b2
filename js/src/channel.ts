// The loader's end of the runtime channel: starts the runtime glue in a dedicated
// Worker (or on the page), then sends configure and call requests and answers the
// runtime's token requests. See protocol.ts for the messages.
import runtimeGlue from 'cognito-wasm:runtime';
import { AuthError } from './errors';
import { createCredential } from './webauthn';
import type { FromRuntime, PlainError, RuntimeConfig, RuntimePort, RuntimeScope, StoredSession, ToRuntime } from './protocol';

export type { StoredSession };

export type TokenSource = (forceRefresh: boolean) => Promise<string | null>;

/** Amplify's device metadata and stored session (see tokens.ts), on this thread. */
export interface DeviceMetadataSource {
  getDeviceKey(): Promise<string | null>;
  clearDeviceMetadata(): Promise<void>;
  loadSession(): Promise<StoredSession | null>;
  storeSession(session: StoredSession): Promise<void>;
}

interface Pending {
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(err: AuthError): void;
  done(): void;
}

export class Channel {
  /** Set once the runtime is gone: every request rejects with it. */
  dead: AuthError | undefined;
  /** Whether the runtime runs in a Worker (false after a fallback). */
  inWorker = false;

  private port: RuntimePort;
  private loaded = false;
  private ready: Promise<void>;
  private readyState: { resolve(): void; reject(err: AuthError): void; settled: boolean };
  private pending = new Map<number, Pending>();
  private nextID = 1;

  constructor(
    private readonly wasmURL: string,
    useWorker: boolean,
    private readonly getToken: TokenSource,
    /** Called once when a runtime that was ready goes away. */
    private readonly onExit: (err: AuthError) => void,
    private readonly device: DeviceMetadataSource,
  ) {
    let resolve!: () => void, reject!: (err: AuthError) => void;
    this.ready = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.ready.catch(() => {}); // observed through configure(); never unhandled here
    this.readyState = { resolve, reject, settled: false };
    this.port = (useWorker && this.openWorker()) || this.openPage();
    this.port.postMessage({ type: 'start', wasmURL });
  }

  async configure(config: RuntimeConfig): Promise<void> {
    await this.ready;
    await this.request({ type: 'configure', config });
  }

  call(method: string, input: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.request({ type: 'call', method, input, signal: !!signal, aborted: !!signal?.aborted }, signal);
  }

  terminate() {
    this.port.onmessage = null;
    this.port.terminate();
  }

  private request(message: DistributiveOmit<ToRuntime & { id: number }, 'id'>, signal?: AbortSignal) {
    return new Promise<unknown>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      const id = this.nextID++;
      let done = () => {};
      if (signal && !signal.aborted) {
        const onAbort = () => this.port.postMessage({ type: 'abort', id });
        signal.addEventListener('abort', onAbort, { once: true });
        done = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(id, { signal, resolve, reject, done });
      try {
        this.port.postMessage({ ...message, id } as ToRuntime);
      } catch (err) {
        // Input that cannot be structured-cloned (a function, a DOM node...).
        this.settle(id, (p) =>
          p.reject(
            new AuthError({
              name: 'InvalidParameterException',
              message: `The input could not be passed to the runtime: ${(err as Error).message}`,
              underlyingError: err,
            }),
          ),
        );
      }
    });
  }

  private settle(id: number, how: (p: Pending) => void) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.done();
    how(p);
  }

  private receive(message: FromRuntime) {
    switch (message.type) {
      case 'loaded':
        this.loaded = true;
        break;
      case 'ready':
        this.readyState.settled = true;
        this.readyState.resolve();
        break;
      case 'resolve':
        this.settle(message.id, (p) => p.resolve(message.value));
        break;
      case 'reject':
        this.settle(message.id, (p) => p.reject(new AuthError(message.error)));
        break;
      case 'getToken':
        this.answer(message.id, () => this.getToken(message.forceRefresh));
        break;
      case 'getDeviceKey':
        this.answer(message.id, () => this.device.getDeviceKey());
        break;
      case 'clearDeviceMetadata':
        this.answer(message.id, () => this.device.clearDeviceMetadata());
        break;
      case 'loadSession':
        this.answer(message.id, () => this.device.loadSession());
        break;
      case 'storeSession':
        this.answer(message.id, () => this.device.storeSession(message.session));
        break;
      case 'createCredential': {
        const signal = message.call === undefined ? undefined : this.pending.get(message.call)?.signal;
        this.answer(message.id, () => createCredential(message.options, signal));
        break;
      }
      case 'startError':
        this.fail(new AuthError(message.error));
        break;
      case 'exit':
        this.fail(
          new AuthError({
            name: 'WasmRuntimeError',
            message: 'The cognito-wasm runtime has exited.',
            recoverySuggestion: 'Call configure() again to start a new runtime.',
            underlyingError: message.error ?? { name: 'ExitStatus', message: `exit code ${message.code ?? 'unknown'}` },
          }),
        );
        break;
    }
  }

  /** Runs a host request on this thread and sends back its outcome. */
  private answer(id: number, work: () => Promise<unknown>) {
    let result: Promise<unknown>;
    try {
      result = work();
    } catch (err) {
      result = Promise.reject(err);
    }
    result
      .then(
        (value) => this.port.postMessage({ type: 'hostResolve', id, value }),
        (err) => this.port.postMessage({ type: 'hostReject', id, error: plainError(err) }),
      )
      .catch((err) => this.port.postMessage({ type: 'hostReject', id, error: plainError(err) }));
  }

  /** The runtime is gone: reject everything pending and everything later. */
  private fail(err: AuthError) {
    if (this.dead) return;
    this.dead = err;
    this.terminate();
    const wasReady = this.readyState.settled;
    this.readyState.settled = true;
    this.readyState.reject(err);
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(err));
    if (wasReady) this.onExit(err);
  }

  /** The runtime glue in a dedicated Worker started from a Blob URL, or undefined. */
  private openWorker(): RuntimePort | undefined {
    if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
      return undefined;
    }
    let url: string | undefined;
    let worker: Worker;
    try {
      url = URL.createObjectURL(new Blob([`(${runtimeGlue})(self)`], { type: 'text/javascript' }));
      worker = new Worker(url, { name: 'cognito-wasm' });
    } catch {
      // E.g. a Content-Security-Policy that forbids blob: workers.
      if (url) URL.revokeObjectURL(url);
      return undefined;
    }
    const revoke = () => {
      if (url) URL.revokeObjectURL(url);
      url = undefined;
    };
    const port: RuntimePort = {
      postMessage: (message) => worker.postMessage(message),
      onmessage: null,
      terminate: () => {
        revoke();
        worker.terminate();
      },
    };
    worker.onmessage = (event: MessageEvent<FromRuntime>) => {
      revoke();
      port.onmessage?.(event);
    };
    worker.onerror = (event) => {
      // Handled here: a worker error must not reach the page as an uncaught one.
      event.preventDefault();
      if (!this.loaded) {
        // The worker never ran (blocked, or its source did not load): run the
        // same glue on the page instead; only 'start' has been sent so far.
        port.terminate();
        this.port = this.openPage();
        this.port.postMessage({ type: 'start', wasmURL: this.wasmURL });
        return;
      }
      this.fail(
        new AuthError({
          name: 'WasmRuntimeError',
          message: 'The cognito-wasm runtime has exited.',
          recoverySuggestion: 'Call configure() again to start a new runtime.',
          underlyingError: { name: 'Error', message: event.message || 'uncaught error in the runtime worker' },
        }),
      );
    };
    port.onmessage = ({ data }) => this.receive(data);
    this.inWorker = true;
    return port;
  }

  /**
   * The runtime glue on the page, behind a stand-in with a Worker's two methods.
   * Messages are delivered in microtasks, as asynchronous as a Worker's, and the
   * loader's requests are structured-cloned like postMessage does, so both modes
   * see the same data.
   */
  private openPage(): RuntimePort {
    const deliver = <T>(target: { onmessage: ((e: { data: T }) => void) | null }, data: T) =>
      queueMicrotask(() => {
        try {
          target.onmessage?.({ data });
        } catch (err) {
          this.fail(
            new AuthError({
              name: 'WasmRuntimeError',
              message: 'The cognito-wasm runtime has exited.',
              recoverySuggestion: 'Call configure() again to start a new runtime.',
              underlyingError: plainError(err),
            }),
          );
        }
      });
    const scope: RuntimeScope = { onmessage: null, postMessage: (message) => deliver(port, message) };
    const port: RuntimePort = {
      onmessage: ({ data }) => this.receive(data),
      postMessage: (message) => deliver(scope, structuredClone(message)),
      terminate: () => {
        scope.onmessage = null;
      },
    };
    runtimeGlue(scope);
    this.inWorker = false;
    return port;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function plainError(err: unknown): PlainError {
  const e = err as { name?: unknown; message?: unknown } | undefined;
  if (e && typeof e === 'object') return { name: String(e.name ?? 'Error'), message: String(e.message ?? '') };
  return { name: 'Error', message: String(err) };
}
