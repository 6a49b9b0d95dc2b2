// The package's public members, shared by both entry points.
export {
  AuthError,
  configure,
  listWebAuthnCredentials,
  deleteWebAuthnCredential,
  listDevices,
  fetchDevices,
  forgetDevice,
  rememberDevice,
  associateWebAuthnCredential,
} from './api';
