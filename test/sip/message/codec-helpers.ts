import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SipParseError, parseMessage, serializeMessage } from '../../../src/sip/message/index.js';
import type { SipMessage, SipParseErrorCode } from '../../../src/sip/message/index.js';

/** The directory holding package.json, found by walking up from this (compiled) file. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const RFC4475_DIR = path.resolve(repoRoot(), '../shared/reference/rfc4475');
export const FIXTURES_DIR = path.join(repoRoot(), 'test/fixtures/sip');

/**
 * What a message means, independent of spelling: header names canonical, Content-Length left out (the serializer
 * rewrites it).
 */
export function structure(msg: SipMessage): unknown {
  const start =
    msg.kind === 'request'
      ? { kind: msg.kind, method: msg.method, uri: msg.uri }
      : { kind: msg.kind, status: msg.status, reason: msg.reason };
  return {
    ...start,
    version: msg.version,
    headers: msg.headers.filter((h) => h.name !== 'content-length').map((h) => [h.name, h.value]),
    body: msg.body.toString('hex'),
  };
}

/** parse → serialize → parse: the second parse means the same as the first, and Content-Length is right. */
export function assertRoundTrip(data: Buffer): SipMessage {
  const first = parseMessage(data);
  const wire = serializeMessage(first);
  const second = parseMessage(wire);
  assert.deepEqual(structure(second), structure(first));
  const cl = second.headers.filter((h) => h.name === 'content-length');
  assert.equal(cl.length, 1, 'exactly one Content-Length after serialization');
  assert.equal(Number(cl[0]!.value), first.body.length);
  // Serializing again is stable byte for byte.
  assert.deepEqual(serializeMessage(second), wire);
  return first;
}

/** The parser rejects `data` with a SipParseError of `code`. */
export function assertRejected(data: Buffer, code: SipParseErrorCode): SipParseError {
  let caught: unknown;
  try {
    parseMessage(data);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SipParseError, `expected SipParseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.length > 0);
  return caught;
}

/** Builds a CRLF message from lines (a convenience for readable tests). */
export function sip(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}
