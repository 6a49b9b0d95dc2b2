// The AWS SDK JS v3 Cognito user-pools client with the commands the benchmark,
// the fidelity check and the tests use. Exposed as window.RefSDKv3.
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  DeleteWebAuthnCredentialCommand,
  ListDevicesCommand,
} from '@aws-sdk/client-cognito-identity-provider';

globalThis.RefSDKv3 = {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  DeleteWebAuthnCredentialCommand,
  ListDevicesCommand,
};
