// Only what the benchmark measures: configure and the three calls cognito-wasm
// replaces, so the bundle holds what an app needs for them and nothing more
// (sign-in happens elsewhere; Amplify reads the session from localStorage).
// Exposed as window.RefAmplify, a subset of amplify.js.
import { listWebAuthnCredentials, deleteWebAuthnCredential, fetchDevices } from 'aws-amplify/auth';
import { configure } from './amplify-configure.js';

globalThis.RefAmplify = { configure, listWebAuthnCredentials, deleteWebAuthnCredential, fetchDevices };
