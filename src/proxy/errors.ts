import { ErrorCode, GatewayError } from '../core/errors.ts';

/** The request body grew past the route's limit while streaming (no Content-Length to refuse it early). */
export class BodyTooLarge extends GatewayError {
  constructor(limit: number) {
    super(413, ErrorCode.payloadTooLarge, `request body exceeds ${limit} bytes`);
  }
}

/** The client went away; nothing is sent. */
export class ClientGone extends Error {
  constructor() {
    super('client closed the connection');
  }
}

const CODE_MAP: Record<string, [number, string, string]> = {
  UND_ERR_CONNECT_TIMEOUT: [504, ErrorCode.gatewayTimeout, 'upstream connect timed out'],
  UND_ERR_HEADERS_TIMEOUT: [504, ErrorCode.gatewayTimeout, 'upstream did not answer in time'],
  UND_ERR_BODY_TIMEOUT: [504, ErrorCode.gatewayTimeout, 'upstream body stalled'],
  ETIMEDOUT: [504, ErrorCode.gatewayTimeout, 'upstream timed out'],
  ECONNREFUSED: [502, ErrorCode.badGateway, 'upstream refused the connection'],
  ECONNRESET: [502, ErrorCode.badGateway, 'upstream reset the connection'],
  EPIPE: [502, ErrorCode.badGateway, 'upstream closed the connection'],
  UND_ERR_SOCKET: [502, ErrorCode.badGateway, 'upstream closed the connection'],
  UND_ERR_CLOSED: [502, ErrorCode.badGateway, 'upstream connection closed'],
  ENOTFOUND: [502, ErrorCode.badGateway, 'upstream host not found'],
  EAI_AGAIN: [502, ErrorCode.badGateway, 'upstream host lookup failed'],
  EHOSTUNREACH: [502, ErrorCode.badGateway, 'upstream host unreachable'],
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: [502, ErrorCode.badGateway, 'upstream response length mismatch'],
  HPE_INVALID_CONSTANT: [502, ErrorCode.badGateway, 'upstream sent an invalid response'],
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: [400, ErrorCode.badRequest, 'request body does not match Content-Length'],
};

/** Maps an error from dispatching upstream to the status, code and message the client gets. */
export function classifyUpstreamError(err: unknown): { status: number; code: string; message: string; kind: string } {
  if (err instanceof GatewayError) return { status: err.status, code: err.code, message: err.message, kind: err.code };
  let e: unknown = err;
  // undici wraps socket errors; look one level down for the errno code.
  for (let depth = 0; depth < 3 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CODE_MAP[code]) {
      const [status, ecode, message] = CODE_MAP[code]!;
      return { status, code: ecode, message, kind: code };
    }
    if (e instanceof BodyTooLarge) return { status: 413, code: e.code, message: e.message, kind: e.code };
    e = (e as { cause?: unknown }).cause;
  }
  if (typeof (err as { code?: unknown })?.code === 'string' && String((err as { code: string }).code).startsWith('HPE_')) {
    return { status: 502, code: ErrorCode.badGateway, message: 'upstream sent an invalid response', kind: 'HPE' };
  }
  return { status: 502, code: ErrorCode.badGateway, message: 'upstream request failed', kind: 'unknown' };
}

/** No connection to the target within the route's `connect` timeout. */
export class ConnectTimeout extends GatewayError {
  constructor(ms: number) {
    super(504, ErrorCode.gatewayTimeout, `upstream connect timed out after ${ms} ms`);
  }
}

/** No response head within a `first_byte` timeout short enough to be timed by us (PRECISE_FIRST_BYTE_MS). */
export class FirstByteTimeout extends GatewayError {
  constructor(ms: number) {
    super(504, ErrorCode.gatewayTimeout, `upstream did not answer within ${ms} ms`);
  }
}

/** No response chunk within an `idle` timeout short enough to be timed by us (after the head: a cut). */
export class IdleTimeout extends GatewayError {
  constructor(ms: number) {
    super(504, ErrorCode.gatewayTimeout, `upstream body stalled for ${ms} ms`);
  }
}

/** The whole exchange (retries included) passed its `total` timeout. */
export class TotalTimeout extends GatewayError {
  constructor(ms: number) {
    super(504, ErrorCode.gatewayTimeout, `upstream did not finish within ${ms} ms`);
  }
}

const KIND: Record<string, 'connect-failure' | 'reset' | 'timeout'> = {
  ECONNREFUSED: 'connect-failure',
  UND_ERR_CONNECT_TIMEOUT: 'connect-failure',
  EHOSTUNREACH: 'connect-failure',
  ENETUNREACH: 'connect-failure',
  ENOTFOUND: 'connect-failure',
  EAI_AGAIN: 'connect-failure',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
};

/** What kind of failure an upstream error is, for retries and health ('other' for anything else). */
export function failureKind(err: unknown): 'connect-failure' | 'reset' | 'timeout' | 'other' {
  if (err instanceof ConnectTimeout) return 'connect-failure';
  if (err instanceof TotalTimeout || err instanceof FirstByteTimeout || err instanceof IdleTimeout) return 'timeout';
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && KIND[code] !== undefined) return KIND[code];
    e = (e as { cause?: unknown }).cause;
  }
  return 'other';
}
