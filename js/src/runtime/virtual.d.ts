// Modules internal/jsbuild makes up at build time.

declare module 'cognito-wasm:wasm-exec' {
  /** The Go toolchain's wasm_exec.js, run with `globalThis` bound to `scope`. */
  export default function runWasmExec(scope: Record<string | symbol, any>): void;
}

declare module 'cognito-wasm:runtime' {
  /** The bundled runtime glue (glue.ts) as one self-contained function; scope is a RuntimeScope. */
  export default function runtimeGlue(scope: { postMessage(message: any): void; onmessage: ((event: { data: any }) => void) | null }): void;
}
