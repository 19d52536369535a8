/**
 * The query string of CDR lists and exports: filters, and for lists an opaque cursor. Times are
 * ISO-8601 (a date, or a date and time with `Z` or an offset); `from` is inclusive and `to`
 * exclusive, so consecutive days never overlap.
 */
import type { CdrCursor, CdrFilter } from '../store/types.js';
import { invalidField } from './errors.js';
import { E164_PATTERN, e164 } from './validation/e164.js';
import { serverCheck } from './server-check.js';

export interface CdrQueryString {
  from?: string;
  to?: string;
  direction?: 'termination' | 'origination';
  result?: 'failed' | 'completed' | 'all';
  cause?: string;
  number?: string;
  call_id?: string;
  trunk_sid?: string;
  cursor?: string;
  page_size?: string;
  offset?: string;
}

const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const TIME_EXPECTED = 'expected ISO-8601, e.g. 2026-01-22 or 2026-01-22T10:00:00Z';
const A_REAL_TIME = serverCheck('a date and time that exists (2026-02-30 is refused)');

export const cdrFilterSchema = {
  from: {
    type: 'string',
    maxLength: 40,
    pattern: TIME.source,
    description: `calls started at or after this time: ${TIME_EXPECTED.replace(/^expected /, '')}`,
    ...A_REAL_TIME,
  },
  to: {
    type: 'string',
    maxLength: 40,
    pattern: TIME.source,
    description: 'calls started before this time (exclusive), same format',
    ...A_REAL_TIME,
  },
  direction: { type: 'string', enum: ['termination', 'origination'], description: 'termination or origination' },
  result: {
    type: 'string',
    enum: ['failed', 'completed', 'all'],
    description: 'failed (final code >= 300), completed (answered) or all (default)',
  },
  cause: {
    type: 'string',
    pattern: '^[a-z0-9_]{1,64}$',
    description: 'a cause such as completed, busy, ip_not_whitelisted (docs/errors.md)',
  },
  number: {
    type: 'string',
    maxLength: 32,
    pattern: E164_PATTERN,
    description: 'E.164: calls where it is the caller or the callee',
  },
  call_id: { type: 'string', minLength: 1, maxLength: 256, description: 'a SIP Call-ID: only attempts of that call' },
} as const;

function time(field: string, raw: string): string {
  const ms = TIME.test(raw) ? Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidField(field, `${JSON.stringify(raw)} is not a time; ${TIME_EXPECTED}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseCdrFilter(q: CdrQueryString): CdrFilter {
  const f: CdrFilter = {};
  if (q.from !== undefined) f.from = time('from', q.from);
  if (q.to !== undefined) f.to = time('to', q.to);
  if (q.direction !== undefined) f.direction = q.direction;
  if (q.result !== undefined && q.result !== 'all') f.result = q.result;
  if (q.cause !== undefined) f.cause = q.cause;
  if (q.number !== undefined) f.number = e164('number', q.number);
  if (q.call_id !== undefined) f.callId = q.call_id;
  return f;
}

/** Opaque to clients: base64url of the last record's start time and id. */
export function encodeCursor(c: CdrCursor): string {
  return Buffer.from(`${c.startedAt}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): CdrCursor {
  const [startedAt = '', id = '', ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !TIME.test(startedAt) || !/^[1-9][0-9]{0,15}$/.test(id)) {
    throw invalidField('cursor', 'is not a cursor of this list; pass metadata.next_cursor of the previous page as is');
  }
  return { startedAt, id };
}
