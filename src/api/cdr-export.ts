/**
 * CDR exports as CSV (RFC 4180) or NDJSON, produced while the store streams records, so memory is one
 * batch whatever the size of the export. The columns are the documented call fields (`callSchema`),
 * so a field added to the call record and its schema appears in exports without a change here.
 */
import { Readable } from 'node:stream';
import type { CallRecord } from '../store/types.js';
import { csvLine } from './csv.js';
import { presentCall } from './present.js';
import { callSchema } from './response-schemas.js';

export type CdrExportFormat = 'csv' | 'ndjson';

export const CDR_EXPORT_TYPES: Readonly<Record<CdrExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** Flush to the socket in chunks of about this size: one write per few hundred records, not one per record. */
const CHUNK_BYTES = 64 * 1024;

const COLUMNS = Object.keys(callSchema.properties);

function line(format: CdrExportFormat, record: CallRecord): string {
  const presented = presentCall(record) as Record<string, unknown>;
  if (format === 'ndjson') return `${JSON.stringify(presented)}\n`;
  return csvLine(COLUMNS.map((c) => presented[c]));
}

export function cdrExport(format: CdrExportFormat, records: AsyncIterable<CallRecord>): Readable {
  async function* chunks(): AsyncGenerator<string> {
    let chunk = format === 'csv' ? `${COLUMNS.join(',')}\r\n` : '';
    for await (const record of records) {
      chunk += line(format, record);
      if (chunk.length >= CHUNK_BYTES) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  // Readable.from pulls the generator only as fast as the client reads: a slow reader holds one chunk.
  return Readable.from(chunks(), { objectMode: false });
}

/** The export format an `Accept` header asks for, or null for the JSON envelope. */
export function exportFormatFor(accept: string | undefined): CdrExportFormat | null {
  if (accept === undefined) return null;
  const a = accept.toLowerCase();
  if (a.includes('text/csv')) return 'csv';
  if (a.includes('application/x-ndjson') || a.includes('application/ndjson')) return 'ndjson';
  return null;
}
