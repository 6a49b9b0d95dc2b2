// A consumer project's code: it imports the installed npm package by name and
// is type-checked against the package's index.d.ts and bundled by esbuild.
import {
  AuthError,
  configure,
  fetchDevices,
  listWebAuthnCredentials,
  type AWSAuthDevice,
  type AuthWebAuthnCredential,
} from 'cognito-wasm';

interface Result {
  runtime?: 'worker' | 'page';
  credentials?: unknown;
  devices?: unknown;
  tooBig?: { name: string; isAuthError: boolean };
  error?: string;
}

async function run(): Promise<Result> {
  const config = await (await fetch('/config.json')).json();
  const mode = new URLSearchParams(location.search).get('worker');
  const { runtime } = await configure({ Auth: { Cognito: config } }, mode === null ? {} : { worker: mode === 'true' });
  const { credentials } = await listWebAuthnCredentials();
  const devices = await fetchDevices();
  const result: Result = { runtime, credentials: credentials.map(encode), devices: devices.map(encode) };
  try {
    await listWebAuthnCredentials({ pageSize: 21 });
  } catch (err) {
    result.tooBig = { name: (err as Error).name, isAuthError: err instanceof AuthError };
  }
  return result;
}

// Dates as {$date: ISO string}, so the test sees that they were Dates.
function encode(item: AuthWebAuthnCredential | AWSAuthDevice): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Date ? { $date: v.toISOString() } : v]));
}

const out = document.getElementById('result')!;
run()
  .catch((err: unknown): Result => ({ error: `${(err as Error).name}: ${(err as Error).message}` }))
  .then((result) => {
    out.textContent = JSON.stringify(result);
    out.dataset.done = 'true';
  });
