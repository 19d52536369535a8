import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CALL_CAUSES, causeForStatus } from '../../src/gateway/call-cause.js';
import { CAUSE_TABLE } from '../../src/gateway/cause-table.js';
import { CAUSE_TABLE_BEGIN, CAUSE_TABLE_END, causeTableMarkdown } from '../../src/gateway/cause-table-markdown.js';
import { CALL_CAUSES as EXPLAINED } from '../../src/cli/knowledge/sip-codes.js';

test(
  'the cause table in docs/gateway.md is the one generated from the code table ' + '(scripts/generate-cause-table.mjs)',
  () => {
    const doc = readFileSync(new URL('../../../docs/gateway.md', import.meta.url), 'utf8');
    const start = doc.indexOf(CAUSE_TABLE_BEGIN);
    const end = doc.indexOf(CAUSE_TABLE_END);
    assert.ok(start !== -1 && end > start, 'docs/gateway.md has the cause-table marks');
    const committed = doc.slice(start + CAUSE_TABLE_BEGIN.length, end).trim();
    assert.equal(
      committed,
      causeTableMarkdown(),
      'the docs cause table is stale: run `npm run build && node scripts/generate-cause-table.mjs`',
    );
  },
);

test('every cause has exactly one row, and vsip explain reads the same rows', () => {
  assert.deepEqual(Object.keys(CAUSE_TABLE).sort(), [...CALL_CAUSES].sort());
  assert.deepEqual(Object.keys(EXPLAINED).sort(), [...CALL_CAUSES].sort());
  for (const cause of CALL_CAUSES) {
    assert.equal(EXPLAINED[cause].code, CAUSE_TABLE[cause].code, cause);
    assert.equal(EXPLAINED[cause].explanation, CAUSE_TABLE[cause].meaning, cause);
    assert.equal(EXPLAINED[cause].fix, CAUSE_TABLE[cause].fix, cause);
  }
});

// A relayed outcome's row names a code that is classed as that outcome.
test('the code of each relayed cause maps back to it', () => {
  for (const cause of [
    'busy',
    'no_answer',
    'declined',
    'not_found',
    'cancelled',
    'codec_not_supported',
    'timeout',
    'carrier_error',
  ] as const) {
    const code = CAUSE_TABLE[cause].code;
    assert.ok(code !== null, cause);
    assert.equal(causeForStatus(code), cause, `${cause} → ${code}`);
  }
});
