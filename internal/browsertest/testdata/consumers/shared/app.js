// The app every consumer builds with its bundler: it imports the installed
// package by name and configures it with no wasmURL, as a user would. The pool
// comes from the query (?pool=&client=&endpoint=); without one the page does
// nothing (the tests sign in on such a page first).
import { configure, fetchDevices, listWebAuthnCredentials } from 'cognito-wasm';

export async function run(out) {
  const q = new URLSearchParams(location.search);
  if (!q.has('endpoint')) return;
  let result;
  try {
    const { runtime } = await configure({
      Auth: { Cognito: { userPoolId: q.get('pool'), userPoolClientId: q.get('client'), userPoolEndpoint: q.get('endpoint') } },
    });
    const { credentials } = await listWebAuthnCredentials();
    const devices = await fetchDevices();
    result = {
      runtime,
      credentials: credentials.map((c) => c.credentialId),
      devices: devices.map((d) => d.id),
      dates: credentials.every((c) => c.createdAt instanceof Date) && devices.every((d) => d.createDate instanceof Date),
    };
  } catch (e) {
    result = { error: `${e.name}: ${e.message}` };
  }
  out.textContent = JSON.stringify(result);
  out.dataset.done = 'true';
}
