// The global object the Go runtime sees: an overlay on the real one. wasm_exec.js
// writes `Go`, `fs`, `process` and `path` to its global, and the loader adds the
// host under a random key; all of that stays on the overlay, so the page keeps no
// stray globals. Every other read falls through to the real global, live (a
// polyfill added later is seen), with the real global as the receiver: accessors
// such as `localStorage` or `location` throw "Illegal invocation" when called with
// a proxy as `this`.

// Names wasm_exec.js and Go's syscall package own. They start empty on the overlay,
// so a page's own global of the same name (say a bundler's `process` shim) is
// neither used nor touched.
const ownNames = ['Go', 'fs', 'process', 'path'];

export function createOverlay(): Record<string | symbol, any> {
  const real = globalThis;
  const own: Record<string | symbol, unknown> = Object.create(null);
  for (const name of ownNames) own[name] = undefined;
  return new Proxy(own, {
    get: (target, key) => (key in target ? target[key] : Reflect.get(real, key)),
    set: (target, key, value) => {
      target[key] = value;
      return true;
    },
    has: (target, key) => key in target || key in real,
    deleteProperty: (target, key) => delete target[key],
  });
}
