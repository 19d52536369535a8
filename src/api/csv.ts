/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF (a bare LF is accepted on
 * input, as spreadsheets export it), fields with a comma, quote or line break quoted, quotes doubled.
 */
import { invalidField } from './errors.js';

/** @see RFC 4180 §2 (6), (7) */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** Parses a whole document; blank lines are skipped. An unterminated quote is a 400 naming the line. */
export function parseCsv(text: string, field = 'body'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  const endRow = () => {
    row.push(cur);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cur += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') {
      row.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRow();
    } else cur += ch;
  }
  if (quoted) throw invalidField(field, `line ${quoteLine}: a quoted field is never closed`);
  if (cur !== '' || row.length > 0) endRow();
  return rows;
}
