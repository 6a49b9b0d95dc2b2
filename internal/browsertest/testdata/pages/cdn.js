// After <script src="<CDN origin>/dist/cognito-wasm.js"> (cdn_test.go): the
// global CognitoWasm, its .wasm fetched from the CDN with CORS.
const out = document.getElementById('result');
try {
  const config = await (await fetch('/config.json')).json();
  const { runtime } = await CognitoWasm.configure({ Auth: { Cognito: config } });
  const { credentials } = await CognitoWasm.listWebAuthnCredentials();
  const devices = await CognitoWasm.fetchDevices();
  out.textContent = JSON.stringify({
    runtime,
    credentials: credentials.map((c) => c.credentialId),
    devices: devices.map((d) => d.id),
    dates: credentials.every((c) => c.createdAt instanceof Date) && devices.every((d) => d.createDate instanceof Date),
  });
} catch (e) {
  out.textContent = JSON.stringify({ error: `${e.name}: ${e.message}` });
}
out.dataset.done = 'true';
