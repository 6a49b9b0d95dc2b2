// The loader's end of the runtime channel: starts the runtime glue in a dedicated
// Worker (or on the page), then sends configure and call requests and answers the
// runtime's host requests. See protocol.ts for the messages.
import runtimeGlue from 'cognito-wasm:runtime';
import { AuthError, describe, runtimeExited, uncloneableInput } from './errors';
import { createCredential } from './webauthn';
import type { FromRuntime, RuntimeConfig, RuntimePort, RuntimeScope, StoredSession, ToRuntime, WithoutID } from './protocol';

export type { StoredSession };

export type TokenSource = (forceRefresh: boolean) => Promise<string | null>;

/** Amplify's device metadata and stored session (see tokens.ts), on this thread. */
export interface DeviceMetadataSource {
  getDeviceKey(): Promise<string | null>;
  clearDeviceMetadata(): Promise<void>;
  loadSession(): Promise<StoredSession | null>;
  storeSession(session: StoredSession): Promise<void>;
}

/** Where the runtime runs: a dedicated Worker or the page's main thread. */
export type RuntimeMode = 'worker' | 'page';

/**
 * Starts the packaged worker file (dist/cognito-wasm-worker.js), written by each
 * entry point as `new Worker(new URL(..., import.meta.url))` so that bundlers
 * find and emit it; undefined where there is no such file.
 */
export type WorkerFactory = () => Worker;

/** One way to start the runtime, tried in order until one loads. */
interface Opener {
  mode: RuntimeMode;
  open(): RuntimePort | undefined;
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
  /** Where the runtime runs; final once it has loaded. */
  mode: RuntimeMode = 'page';

  private port!: RuntimePort;
  private openers: Opener[];
  private loaded = false;
  private ready: Promise<void>;
  private readyState: { resolve(): void; reject(err: AuthError): void; settled: boolean };
  private pending = new Map<number, Pending>();
  private nextID = 1;

  constructor(
    private readonly wasmURL: string,
    useWorker: boolean,
    workerFile: WorkerFactory | undefined,
    private readonly getToken: TokenSource,
    /** Called once when a runtime that was ready goes away. */
    private readonly onExit: (err: AuthError) => void,
    private readonly device: DeviceMetadataSource,
  ) {
    let resolve!: () => void, reject!: (err: AuthError) => void;
    this.ready = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.ready.catch(() => {}); // observed through configure(); never unhandled here
    this.readyState = { resolve, reject, settled: false };
    // The worker file first: a bundler emits it, and a CSP needs only
    // worker-src 'self' (or script-src 'self') for it; then a blob: Worker (the
    // package loaded from a CDN: a page may not start another origin's file as
    // a Worker); then the page.
    this.openers = [
      ...(useWorker && workerFile ? [{ mode: 'worker' as const, open: () => this.openWorker(workerFile) }] : []),
      ...(useWorker ? [{ mode: 'worker' as const, open: () => this.openBlobWorker() }] : []),
      { mode: 'page', open: () => this.openPage() },
    ];
    this.openNext();
  }

  /** Starts the runtime the next way on the list (the page never fails to open). */
  private openNext() {
    for (;;) {
      const opener = this.openers.shift()!;
      const port = opener.open();
      if (!port) continue;
      this.port = port;
      this.mode = opener.mode;
      port.postMessage({ type: 'start', wasmURL: this.wasmURL });
      return;
    }
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

  private request(message: WithoutID<ToRuntime>, signal?: AbortSignal) {
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
        this.settle(id, (p) => p.reject(uncloneableInput(err)));
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
          new AuthError(
            runtimeExited(message.error ?? { name: 'ExitStatus', message: `exit code ${message.code ?? 'unknown'}` }),
          ),
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
        (err) => this.port.postMessage({ type: 'hostReject', id, error: describe(err) }),
      )
      .catch((err) => this.port.postMessage({ type: 'hostReject', id, error: describe(err) }));
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

  /** The packaged worker file, or undefined if it cannot be started here. */
  private openWorker(workerFile: WorkerFactory): RuntimePort | undefined {
    if (typeof Worker !== 'function') return undefined;
    try {
      return this.workerPort(workerFile());
    } catch {
      // E.g. a script from another origin (a CDN), or a CSP that forbids it.
      return undefined;
    }
  }

  /** The runtime glue in a dedicated Worker started from a Blob URL, or undefined. */
  private openBlobWorker(): RuntimePort | undefined {
    if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
      return undefined;
    }
    let url: string | undefined;
    try {
      url = URL.createObjectURL(new Blob([`(${runtimeGlue})(self)`], { type: 'text/javascript' }));
      const revoke = () => {
        if (url) URL.revokeObjectURL(url);
        url = undefined;
      };
      return this.workerPort(new Worker(url, { name: 'cognito-wasm' }), revoke);
    } catch {
      // E.g. a Content-Security-Policy that forbids blob: workers.
      if (url) URL.revokeObjectURL(url);
      return undefined;
    }
  }

  /** A started Worker as the channel's port; release runs once it answered or ended. */
  private workerPort(worker: Worker, release = () => {}): RuntimePort {
    const port: RuntimePort = {
      postMessage: (message) => worker.postMessage(message),
      onmessage: null,
      terminate: () => {
        release();
        worker.terminate();
      },
    };
    worker.onmessage = (event: MessageEvent<FromRuntime>) => {
      release();
      port.onmessage?.(event);
    };
    worker.onerror = (event) => {
      // Handled here: a worker error must not reach the page as an uncaught one.
      event.preventDefault();
      if (!this.loaded) {
        // The worker never ran (blocked, or its script did not load): start the
        // runtime the next way; only 'start' has been sent so far.
        port.terminate();
        this.openNext();
        return;
      }
      this.fail(new AuthError(runtimeExited({ name: 'Error', message: event.message || 'uncaught error in the runtime worker' })));
    };
    port.onmessage = ({ data }) => this.receive(data);
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
          this.fail(new AuthError(runtimeExited(describe(err))));
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
    return port;
  }
}
