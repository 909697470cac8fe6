import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { Logger } from '@nestjs/common';

import { REQUEST_ID_HEADER } from '../context/request-id';
import {
  type AppException,
  HeadersTooLargeException,
  MalformedRequestException,
  RequestTimeoutException,
} from '../errors';

/** Counts a refusal made before Express saw the request (no route, no method to label it by). */
export type CountRefusal = (status: number, code: string) => void;

const TIMEOUTS = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADERS_TIMEOUT']);

/**
 * What Node's HTTP parser refuses never reaches Express: without a 'clientError' listener Node
 * answers with a bare status line (or nothing), which no log line, metric or envelope records.
 * This listener answers those refusals like every other error: the JSON envelope with a request
 * id, a warning log line and a count. A connection the client already dropped is only closed.
 */
export function answerParserRefusals(server: Server, count: CountRefusal): void {
  const logger = new Logger('HttpParser');
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = refusalOf(error);
    const requestId = randomUUID();
    logger.warn(
      { requestId, status: refusal.status, errorCode: refusal.code, parserError: error.code },
      `Request refused by the HTTP parser: ${refusal.status}`,
    );
    count(refusal.status, refusal.code);
    const body = JSON.stringify({
      success: false,
      error: { code: refusal.code, message: refusal.message },
      requestId,
    });
    socket.end(
      [
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `${REQUEST_ID_HEADER}: ${requestId}`,
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}

function refusalOf(error: NodeJS.ErrnoException): AppException {
  if (error.code === 'HPE_HEADER_OVERFLOW') return new HeadersTooLargeException();
  if (error.code !== undefined && TIMEOUTS.has(error.code)) return new RequestTimeoutException();
  return new MalformedRequestException();
}
