#!/usr/bin/env node
// The style gate of `npm test`: Biome's formatter and linter (biome.jsonc), then the one rule the
// formatter cannot enforce by itself: no line of code over its width (long strings and comments
// are left alone by a formatter, so they are split by hand).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const WIDTH = JSON.parse(
  readFileSync('biome.jsonc', 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('//'))
    .join('\n'),
).formatter.lineWidth;

const biome = spawnSync(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'ci', '--colors=off', '.'], {
  stdio: 'inherit',
});
if (biome.status !== 0) {
  console.error('style: run `npx biome check --write .` to format and apply the safe fixes, then fix what is left');
  process.exit(1);
}

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mjs'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /^(src|test|bench|scripts)\//.test(f));
const long = [];
for (const f of files) {
  let text;
  try {
    text = readFileSync(f, 'utf8');
  } catch {
    continue; // listed by git, deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > WIDTH) long.push(`${f}:${i + 1}: ${line.length} characters`);
  });
}
if (long.length > 0) {
  console.error(`style: ${long.length} line(s) over ${WIDTH} characters (split the string or the comment):`);
  for (const l of long) console.error(`  ${l}`);
  process.exit(1);
}
console.log(`style: Biome clean, no line over ${WIDTH} characters`);
