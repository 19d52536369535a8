#!/usr/bin/env node
// Rewrites the cause table in docs/gateway.md from src/gateway/cause-table.ts (run after `npm run build`).
// test/gateway/cause-table.test.ts fails when the committed table is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { CAUSE_TABLE_BEGIN, CAUSE_TABLE_END, causeTableMarkdown } from '../dist/src/gateway/cause-table-markdown.js';

const file = new URL('../docs/gateway.md', import.meta.url);
const doc = readFileSync(file, 'utf8');
const start = doc.indexOf(CAUSE_TABLE_BEGIN);
const end = doc.indexOf(CAUSE_TABLE_END);
if (start === -1 || end < start) throw new Error('docs/gateway.md has no cause-table marks');
writeFileSync(file, `${doc.slice(0, start + CAUSE_TABLE_BEGIN.length)}\n${causeTableMarkdown()}\n${doc.slice(end)}`);
console.log('wrote the cause table in docs/gateway.md');
