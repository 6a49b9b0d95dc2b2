// The runtime glue: hosts the Go program and speaks the channel protocol of
// ../protocol.ts with the loader. internal/jsbuild bundles it on its own into one
// self-contained `function (scope) {...}`: run on the worker's `self` it is the
// worker file (dist/cognito-wasm-worker.js) and the blob: Worker's source; the
// loader also runs it on the page with a stand-in scope: one code path for every
// mode. Once bundled it uses nothing from outside itself but the platform's globals.
import runWasmExec from 'cognito-wasm:wasm-exec';
import { createOverlay } from './overlay';
import { runtimeExited, toPlainError, unknownError, wasmLoadError } from '../errors';
import type { FromRuntime, PlainError, RuntimeConfig, RuntimeScope, StoredSession, ToRuntime, WithoutID } from '../protocol';

declare const scope: RuntimeScope;

/** What Go passes to host.register (see the loader protocol). */
interface GoAPI {
  configure(config: RuntimeConfig): Promise<void>;
  call(method: string, input: unknown, signal?: AbortSignal): Promise<unknown>;
}

/** The parts of wasm_exec.js's Go class the glue uses. */
interface Go {
  argv: string[];
  exit: (code: number) => void;
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
  _resume(): void;
  /** Go's pending timers (time.Sleep, timeouts): wasm_exec's id → setTimeout handle. */
  _scheduledTimeouts: Map<number, ReturnType<typeof setTimeout>>;
}

const post = (message: FromRuntime) => scope.postMessage(message);

let api: GoAPI | undefined;
let stopped = false;
// Per call: the local AbortController standing in for the caller's signal.
const controllers = new Map<number, AbortController>();
// Host requests waiting for the main thread's answer.
const hostRequests = new Map<number, { resolve(value: any): void; reject(err: Error): void }>();
let nextHostID = 1;

function hostRequest<T>(message: WithoutID<FromRuntime>): Promise<T> {
  return new Promise((resolve, reject) => {
    const id = nextHostID++;
    hostRequests.set(id, { resolve, reject });
    post({ ...message, id } as FromRuntime);
  });
}

const host = {
  register(goAPI: GoAPI) {
    if (api) throw new Error('cognito-wasm: register called twice');
    api = goAPI;
    post({ type: 'ready' });
  },
  // Each host method is a request the main thread answers (hostResolve or
  // hostReject). The token source runs where the page's storage and the app's
  // provider live: on the main thread.
  getToken(forceRefresh: boolean): Promise<string | null> {
    return hostRequest({ type: 'getToken', forceRefresh: !!forceRefresh });
  },
  // Amplify's device metadata lives with the token storage on the main thread:
  // the current device's key or null, and clearing it (forgetDevice).
  getDeviceKey(): Promise<string | null> {
    return hostRequest({ type: 'getDeviceKey' });
  },
  clearDeviceMetadata(): Promise<void> {
    return hostRequest({ type: 'clearDeviceMetadata' });
  },
  // Amplify's stored session (when configure got no tokenProvider): Go decides
  // expiry and refreshes; the storage itself stays on the main thread.
  loadSession(): Promise<StoredSession | null> {
    return hostRequest({ type: 'loadSession' });
  },
  storeSession(session: StoredSession): Promise<void> {
    return hostRequest({ type: 'storeSession', session });
  },
  // WebAuthn exists only on the page (not in Workers): navigator.credentials.create
  // runs there. options is PublicKeyCredentialCreationOptionsJSON; the result is
  // the credential's JSON form (PublicKeyCredential.toJSON()). signal: the one Go
  // got for the call, if any; the caller's own signal then cancels the ceremony.
  createCredential(options: unknown, signal?: AbortSignal): Promise<unknown> {
    let call: number | undefined;
    for (const [id, controller] of controllers) if (controller.signal === signal) call = id;
    return hostRequest({ type: 'createCredential', options, call });
  },
};

scope.onmessage = ({ data }: { data: ToRuntime }) => {
  switch (data.type) {
    case 'start':
      start(data.wasmURL);
      break;
    case 'configure':
      settle(data.id, () => api!.configure(data.config));
      break;
    case 'call': {
      let signal: AbortSignal | undefined;
      if (data.signal) {
        // Go always gets a real AbortSignal; the loader forwards the caller's aborts.
        const controller = new AbortController();
        if (data.aborted) controller.abort();
        controllers.set(data.id, controller);
        signal = controller.signal;
      }
      settle(data.id, () => api!.call(data.method, data.input, signal));
      break;
    }
    case 'abort':
      controllers.get(data.id)?.abort();
      break;
    case 'hostResolve':
    case 'hostReject': {
      const request = hostRequests.get(data.id);
      hostRequests.delete(data.id);
      if (!request) break;
      if (data.type === 'hostResolve') request.resolve(data.value);
      else request.reject(Object.assign(new Error(data.error.message), { name: data.error.name }));
      break;
    }
  }
};
post({ type: 'loaded' });

function settle(id: number, run: () => Promise<unknown>) {
  let value: unknown;
  let thrown: { err: unknown } | undefined;
  if (!stopped) {
    try {
      value = run();
    } catch (err) {
      thrown = { err };
    }
  }
  // Checked after run() too: the call itself may have ended the program, and
  // then what it returned is no answer.
  const promise = stopped ? exitedError() : thrown ? Promise.reject(thrown.err) : Promise.resolve(value);
  promise
    .then(
      (value) => post({ type: 'resolve', id, value }),
      (err) => post({ type: 'reject', id, error: toPlainError(err) }),
    )
    // Only a value that cannot cross postMessage gets here.
    .catch((err) => post({ type: 'reject', id, error: unknownError(err) }))
    .finally(() => controllers.delete(id));
}

async function start(wasmURL: string) {
  let go: Go;
  let instance: WebAssembly.Instance;
  let exitCode: number | undefined;
  try {
    const overlay = createOverlay();
    overlay.fetch = trackedFetch;
    runWasmExec(overlay);
    go = new overlay.Go();
    const key = 'cognitoWasmHost_' + randomHex();
    overlay[key] = host; // Go reads it from os.Args[1] and deletes it.
    go.argv = ['cognito-wasm', key];
    go.exit = (code) => {
      exitCode = code; // reported by 'exit' instead of wasm_exec's console.warn
    };
    // A trap inside Go (from a timer or a callback) would surface as an uncaught
    // exception far from here; report it as the runtime's end instead.
    const resume = go._resume;
    go._resume = function () {
      if (stopped) {
        // wasm_exec's timer callback calls _resume again until Go takes the
        // timer off its list, which a stopped Go never does: drop them all, or
        // a timer pending at the exit spins the thread (the page, in page mode).
        for (const timer of go._scheduledTimeouts.values()) clearTimeout(timer);
        go._scheduledTimeouts.clear();
        return;
      }
      try {
        resume.call(go);
      } catch (err) {
        stop({ error: toPlainError(err) });
      }
      // Go exited during this callback: say so now, before anyone takes the
      // callback's (missing) result for an answer.
      if ((go as Go & { exited: boolean }).exited) stop({ code: exitCode });
    };
    instance = await instantiate(wasmURL, go.importObject);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    post({
      type: 'startError',
      error: wasmLoadError(`Could not load the cognito-wasm module from ${wasmURL}: ${reason}`, toPlainError(err)),
    });
    return;
  }
  // Runs Go's main until it blocks; it calls host.register on the way.
  go.run(instance).then(
    () => stop({ code: exitCode }),
    (err) => stop({ error: toPlainError(err) }),
  );
}

function exitedError() {
  return Promise.reject(runtimeExited());
}

function stop(exit: { code?: number; error?: PlainError }) {
  if (stopped) return;
  stopped = true;
  // Nobody is left to read these answers; on the page (no Worker to terminate)
  // they would otherwise hold their connections until the server answers.
  exitController.abort();
  post({ type: 'exit', ...exit });
}

// The Go program's fetches (Go finds `fetch` on its overlay global) also end when
// the program does: stop() aborts this controller. Each request keeps Go's own
// signal too (its per-request AbortController, which also cancels body reads).
// Without AbortSignal.any (older browsers) only Go's signal applies.
const exitController = new AbortController();

function trackedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const own = init.signal;
  const signal = !own
    ? exitController.signal
    : typeof AbortSignal.any === 'function'
      ? AbortSignal.any([own, exitController.signal])
      : own;
  return fetch(input, { ...init, signal });
}

async function instantiate(url: string, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  // instantiateStreaming compiles while downloading but insists on the right MIME
  // type; a server that sends another one still gets a working (slower) load.
  if (
    typeof WebAssembly.instantiateStreaming === 'function' &&
    /^application\/wasm\s*(;|$)/i.test(response.headers.get('Content-Type') || '')
  ) {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  }
  const bytes = await response.arrayBuffer();
  return (await WebAssembly.instantiate(bytes, imports)).instance;
}

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
