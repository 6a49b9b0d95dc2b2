import { Amplify } from 'aws-amplify';

// Takes the same config object as cognito-wasm's configure:
// { Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint } } }.
export function configure(config) {
  const { userPoolId, userPoolClientId, userPoolEndpoint } = config.Auth.Cognito;
  Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint } } });
}
