// The WebAuthn ceremony of associateWebAuthnCredential, on the page's main
// thread (Workers have no navigator.credentials). Go sends Cognito's
// CredentialCreationOptions (PublicKeyCredentialCreationOptionsJSON, binary
// fields as base64url) and gets back the credential's JSON form, which is what
// CompleteWebAuthnRegistration takes.

// Two rejections are not DOMExceptions: PasskeyNotSupported and
// PasskeyRegistrationFailed, where Amplify's own checks (getIsPasskeySupported,
// assertCredentialIsPkcWithAuthenticatorAttestationResponse) would throw; the Go
// side turns them and the DOMException names into Amplify's passkey errors.

export async function createCredential(options: unknown, signal?: AbortSignal): Promise<unknown> {
  if (!globalThis.isSecureContext || !('credentials' in navigator) || typeof PublicKeyCredential !== 'function') {
    throw named('PasskeyNotSupported', 'Passkeys are not supported in this browser or context.');
  }
  const json = options as PublicKeyCredentialCreationOptionsJSON;
  const publicKey =
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
      ? PublicKeyCredential.parseCreationOptionsFromJSON(json)
      : parseCreationOptions(json);
  const credential = await navigator.credentials.create({ publicKey, signal });
  if (!(credential instanceof PublicKeyCredential) || !(credential.response instanceof AuthenticatorAttestationResponse)) {
    throw named('PasskeyRegistrationFailed', 'The authenticator did not create a public key credential.');
  }
  return typeof credential.toJSON === 'function' ? credential.toJSON() : credentialJSON(credential);
}

// For browsers without the JSON helpers (before Chrome 129, Safari 18.4).
function parseCreationOptions(json: PublicKeyCredentialCreationOptionsJSON): PublicKeyCredentialCreationOptions {
  return {
    ...(json as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: json.excludeCredentials?.map((c) => ({
      ...(c as unknown as PublicKeyCredentialDescriptor),
      id: fromBase64url(c.id),
    })),
  };
}

function credentialJSON(credential: PublicKeyCredential) {
  const response = credential.response as AuthenticatorAttestationResponse;
  const publicKey = response.getPublicKey?.();
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports?.() ?? [],
      publicKeyAlgorithm: response.getPublicKeyAlgorithm?.(),
      publicKey: publicKey ? toBase64url(publicKey) : undefined,
      authenticatorData: response.getAuthenticatorData ? toBase64url(response.getAuthenticatorData()) : undefined,
    },
  };
}

function fromBase64url(s: string): ArrayBuffer {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(buffer)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
