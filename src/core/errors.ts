/**
 * Error codes used in JSON error bodies `{"error": code, "message": ..., "request_id": ...}`.
 * Plugins may use their own codes; these are the ones the core emits.
 */
export const ErrorCode = {
  badRequest: 'bad_request',
  noRoute: 'no_route',
  payloadTooLarge: 'payload_too_large',
  uriTooLong: 'uri_too_long',
  headersTooLarge: 'request_header_fields_too_large',
  badGateway: 'bad_gateway',
  gatewayTimeout: 'gateway_timeout',
  serviceUnavailable: 'service_unavailable',
  pluginError: 'PLUGIN_ERROR',
  internal: 'internal_error',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  tooManyRequests: 'too_many_requests',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
} as const;

/** The JSON body every error reply carries. */
export function errorBody(error: string, message: string, requestId: string): string {
  return JSON.stringify({ error, message, request_id: requestId });
}

/** An error that knows the HTTP status and code it maps to. */
export class GatewayError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
