// After the package was loaded from a CDN origin (cdn_test.go) as the global
// CognitoWasm (the script tag, or the ES module's namespace put there); its
// .wasm is fetched from the CDN with CORS.
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
