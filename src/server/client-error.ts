import type { Duplex } from 'node:stream';
import { errorBody, ErrorCode } from '../core/errors.ts';
import { newRequestId } from '../core/ids.ts';

/** Parser errors node reports for malformed requests, mapped to the status the client gets. */
function statusFor(code: string | undefined): [number, string, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, ErrorCode.headersTooLarge, 'request headers too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'request not received in time'];
    case 'HPE_URI_TOO_LONG':
      return [414, ErrorCode.uriTooLong, 'request target too long'];
    default:
      return [400, ErrorCode.badRequest, `malformed request${code ? ` (${code})` : ''}`];
  }
}

/**
 * node's `clientError`: the request never reached the pipeline (smuggling attempts such as Content-Length
 * with Transfer-Encoding, bad chunking, HTTP/0.9, oversized heads, head timeouts). Answer with a JSON error
 * and close; the upstream never sees any of it.
 */
export function onClientError(err: Error & { code?: string }, socket: Duplex, onRefused?: (status: number) => void): void {
  // A response already went out on this socket (e.g. the pipeline refused the head, then node failed on the
  // body that followed): never write a second one.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = statusFor(err.code);
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : status === 414 ? 'URI Too Long' : 'Bad Request';
  endWithError(socket, status, reason, code, message);
  onRefused?.(status);
}

/**
 * node's `connect` event: a CONNECT request (a forward-proxy tunnel), which node hands over as a bare socket
 * rather than to the request handler. A gateway opens no tunnels: 405 as JSON, then close.
 */
export function onConnectRequest(socket: Duplex, onRefused?: (status: number) => void): void {
  // node has taken its own error and timeout handlers off a CONNECT socket: without these a reset from
  // the client would be an unhandled 'error' (a crash), and a client that never reads would hold the socket.
  socket.on('error', () => socket.destroy());
  (socket as Duplex & { setTimeout?: (ms: number, cb: () => void) => void }).setTimeout?.(10_000, () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  endWithError(socket, 405, 'Method Not Allowed', ErrorCode.methodNotAllowed, 'CONNECT is not supported: Portico is not a forward proxy');
  onRefused?.(405);
}

function endWithError(socket: Duplex, status: number, reason: string, code: string, message: string): void {
  const id = newRequestId();
  const body = errorBody(code, message, id);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${id}\r\nConnection: close\r\n\r\n${body}`,
  );
}
