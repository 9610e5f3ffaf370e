export {
  errorCodes,
  isErrorCode,
  statusOfCode,
  problemTypeOf,
  authRefusalReasons,
  type ErrorCode,
  type AuthRefusalReason,
} from './codes.js';
export { createGatewayError, errorCodeOf, type GatewayErrorOptions } from './gateway-error.js';
export { sendJsonError } from './http-response.js';
export { useErrorCodes, setRequestErrorStatus } from './use-error-codes.js';
export { createMaskError } from './mask-error.js';
export { useHiddenSuggestions } from './use-hidden-suggestions.js';
