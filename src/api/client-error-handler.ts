import type { Socket } from 'node:net';
import { envelope, failure } from './envelope.js';
import { ApiError } from './errors.js';
import { shortRequestId } from './short-request-id.js';

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before Fastify sees it (a
 * method it does not know, such as `BREW`; a malformed request line or header) still gets the vSIP
 * envelope, 400, and the connection closed. A client that timed out or hung up gets nothing: there
 * is no one to read an answer.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  // A slow request (408) and oversized headers (431) have no vSIP error code: answered as Fastify does.
  const plain = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : null;
  let status = '400 Bad Request';
  let body: string;
  if (plain !== null) {
    status = plain === 408 ? '408 Request Timeout' : '431 Request Header Fields Too Large';
    body = JSON.stringify({ error: status.slice(4), message: 'Client Error', statusCode: plain });
  } else {
    const error =
      err.code === 'HPE_INVALID_METHOD'
        ? new ApiError('INVALID_REQUEST', 'unknown HTTP method; the API answers GET, POST, PUT and DELETE (see /docs)')
        : new ApiError('INVALID_REQUEST', 'the HTTP request could not be parsed');
    body = JSON.stringify(envelope(shortRequestId(), '', failure(error)));
  }
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Whatever else the client sends is not read: the connection ends here.
  socket.destroySoon();
}
