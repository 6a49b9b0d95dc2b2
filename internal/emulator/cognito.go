package emulator

import (
	"fmt"
	"net/http"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// This file is the emulator's knowledge of how Cognito talks: protocol
// constants, error names, status codes and the texts of every message a
// Cognito request is answered with. The handlers and the tests both read it,
// so a wording fix happens once. Constraint texts are not here: they come
// from internal/model. The control endpoints' and the Host check's texts are
// the emulator's own, not Cognito's, and live with them.

// Wire protocol (awsJson1_1).
const (
	TargetPrefix = "AWSCognitoIdentityProviderService."
	ContentType  = "application/x-amz-json-1.1"

	// Header names with the capitalisation the real service sends.
	HeaderRequestID = "x-amzn-RequestId"
	HeaderErrorType = "x-amzn-ErrorType"
	HeaderTarget    = "X-Amz-Target"

	// SigningName is the SigV4 service name of Cognito user pools.
	SigningName = "cognito-idp"
)

// CORS headers as the real endpoint sends them.
const (
	CORSAllowOrigin   = "*"
	CORSAllowMethods  = "POST"
	CORSExposeHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
	CORSMaxAge        = "172800"
)

// Token facts.
const (
	ScopeUserAdmin  = "aws.cognito.signin.user.admin"
	AccessTokenTTL  = 3600 // seconds; Cognito's default, reported as ExpiresIn
	RefreshTokenTTL = 30 * 24 * 3600
	TokenTypeBearer = "Bearer"
)

// Error types the emulator answers with.
const (
	ErrInvalidParameter           = "InvalidParameterException"
	ErrNotAuthorized              = "NotAuthorizedException"
	ErrResourceNotFound           = "ResourceNotFoundException"
	ErrUserNotFound               = "UserNotFoundException"
	ErrRefreshTokenReuse          = "RefreshTokenReuseException"
	ErrInternal                   = "InternalErrorException"
	ErrUnauthorized               = "UnauthorizedException"
	ErrUnsupportedTokenType       = "UnsupportedTokenTypeException"
	ErrSerialization              = "SerializationException"
	ErrUnknownOperation           = "UnknownOperationException"
	ErrMissingAuthenticationToken = "MissingAuthenticationTokenException"
	ErrUnrecognizedClient         = "UnrecognizedClientException"
	ErrInvalidSignature           = "InvalidSignatureException"
	ErrIncompleteSignature        = "IncompleteSignatureException"

	// Passkey registration.
	ErrLimitExceeded                = "LimitExceededException"
	ErrWebAuthnNotEnabled           = "WebAuthnNotEnabledException"
	ErrWebAuthnChallengeNotFound    = "WebAuthnChallengeNotFoundException"
	ErrWebAuthnClientMismatch       = "WebAuthnClientMismatchException"
	ErrWebAuthnOriginNotAllowed     = "WebAuthnOriginNotAllowedException"
	ErrWebAuthnRelyingPartyMismatch = "WebAuthnRelyingPartyMismatchException"
	ErrWebAuthnNotSupported         = "WebAuthnCredentialNotSupportedException"
)

// Messages. Where the real text is not documented anywhere we could check,
// the constant says so; everything else is the service's own wording.
const (
	MsgAccessTokenExpired = "Access Token has expired"
	MsgInvalidAccessToken = "Invalid Access Token"
	MsgAccessTokenRevoked = "Access Token has been revoked"
	MsgMissingScope       = "Access Token does not have required scopes"

	MsgIncorrectCredentials = "Incorrect username or password."
	MsgInvalidRefreshToken  = "Invalid Refresh Token"
	MsgRefreshTokenRevoked  = "Refresh Token has been revoked"
	MsgRefreshTokenExpired  = "Refresh Token has expired"
	MsgRefreshTokenReused   = "Refresh Token has been used before and was replaced by rotation"
	MsgAdminFlowNotAllowed  = "Initiate Auth method not supported."
	MsgUserNotFound         = "User does not exist."
	MsgDeviceNotFound       = "Device does not exist."

	// Not verified against the real service.
	MsgCredentialNotFound     = "Credential does not exist."
	MsgInvalidPaginationToken = "Invalid pagination token"
	MsgMissingAccessToken     = "Missing required parameter AccessToken"
	MsgUnsupportedTokenType   = "Unsupported token type"
	MsgInvalidToken           = "Invalid token"
	MsgInternal               = "An internal error occurred."

	// Passkey registration; not verified against the real service either.
	MsgWebAuthnNotEnabled      = "Passkey sign-in is not enabled for this user pool."
	MsgChallengeNotFound       = "The passkey registration challenge was not found or has expired."
	MsgClientMismatch          = "The access token is for another app client than the one that started the passkey registration."
	MsgOriginNotAllowed        = "The origin of the passkey registration is not allowed for the user pool's relying party id."
	MsgRelyingPartyMismatch    = "The passkey credential is for another relying party than the user pool's relying party id."
	MsgCredentialNotSupported  = "The passkey credential is not supported."
	MsgCredentialAlreadyExists = "The passkey credential is already registered."
	MsgInvalidCredential       = "The passkey credential is not valid."
	MsgCredentialLimitExceeded = "The user has reached the maximum number of passkeys."

	// AWS's common authentication errors for IAM-signed operations.
	MsgMissingAuthenticationToken = "Missing Authentication Token"
	MsgUnrecognizedClient         = "The security token included in the request is invalid."
	MsgInvalidSignature           = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	MsgAuthorizationDateMissing   = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	MsgCredentialScopeRegion      = "Credential should be scoped to a valid region."

	// Bodies that are not a request.
	MsgBodyNotJSON      = "Request body is not valid JSON."
	MsgBodyTrailingData = "Request body has data after the JSON value."
	MsgBodyTooLarge     = "Request body is too large."
)

// AWS's SigV4 errors that name what was sent.

// MsgUnsupportedAlgorithm answers an Authorization header of another scheme.
func MsgUnsupportedAlgorithm(algo string) string {
	return fmt.Sprintf("Unsupported AWS 'algorithm': '%s'", algo)
}

// MsgAuthorizationParameterMissing names a missing Authorization parameter.
func MsgAuthorizationParameterMissing(param string) string {
	return fmt.Sprintf("Authorization header requires '%s' parameter.", param)
}

// MsgBadAmzDate answers an X-Amz-Date that is not ISO-8601 basic format.
func MsgBadAmzDate(amzDate string) string {
	return fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
}

// MsgCredentialScopeTerminator answers a scope not ending in aws4_request.
func MsgCredentialScopeTerminator(term string) string {
	return fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", term)
}

// MsgCredentialScopeService answers a scope for another service.
func MsgCredentialScopeService(service string) string {
	return fmt.Sprintf("Credential should be scoped to correct service: '%s'.", service)
}

// MsgCredentialScopeDate answers a scope date other than X-Amz-Date's.
func MsgCredentialScopeDate(date, want, amzDate string) string {
	return fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", date, want, amzDate)
}

// MsgSignatureExpired answers a signature older than the allowed skew.
func MsgSignatureExpired(amzDate, earliest, now string) string {
	return fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", amzDate, earliest, now)
}

// MsgSignatureNotYetCurrent answers a signature from beyond the allowed skew.
func MsgSignatureNotYetCurrent(amzDate, latest, now string) string {
	return fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", amzDate, latest, now)
}

// MsgFlowNotEnabled is the answer to an AuthFlow the app client does not allow.
func MsgFlowNotEnabled(flow string) string { return flow + " flow not enabled for this client" }

// MsgMissingAuthParameter names a missing AuthParameters entry.
func MsgMissingAuthParameter(name string) string { return "Missing required parameter " + name }

// MsgClientNotFound is InitiateAuth's answer to an unknown app client.
func MsgClientNotFound(clientID string) string {
	return fmt.Sprintf("User pool client %s does not exist.", clientID)
}

// MsgPoolNotFound is the answer to an unknown user pool.
func MsgPoolNotFound(poolID string) string {
	return fmt.Sprintf("User pool %s does not exist.", poolID)
}

// MsgUnknownOperation answers a target the emulator does not serve.
func MsgUnknownOperation(target string) string {
	return fmt.Sprintf("Unknown operation %q.", target)
}

// Error is a Cognito error answer: HTTP status, the error type that goes to
// x-amzn-ErrorType and "__type", and the message.
type Error struct {
	Status  int
	Type    string
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// NewError returns an error of the given type with the status the service
// uses for it over awsJson1_1: 500 for server faults, 400 for all the rest.
func NewError(typ, msg string) *Error {
	return &Error{Status: StatusFor(typ), Type: typ, Message: msg}
}

// StatusFor is the HTTP status Cognito sends for an error type. The model's
// httpError traits (403, 404, 429) are not what goes over the wire.
func StatusFor(typ string) int {
	if typ == ErrInternal {
		return http.StatusInternalServerError
	}
	if s := model.LookupShape(typ); s != nil && s.Fault == "server" {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// ErrorTypeHeader is the value of x-amzn-ErrorType for an error type.
func ErrorTypeHeader(typ string) string { return typ + ":" }

func invalidParameter(msg string) *Error { return NewError(ErrInvalidParameter, msg) }
func notAuthorized(msg string) *Error    { return NewError(ErrNotAuthorized, msg) }
func internalError() *Error              { return NewError(ErrInternal, MsgInternal) }
