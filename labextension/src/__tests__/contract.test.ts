import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

interface IGenerator {
  generate(): Promise<string>;
  OUTPUT: string;
}

// The generator is the build's own script (CommonJS, outside src/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator: IGenerator = require(
  join(__dirname, '..', '..', 'scripts', 'generate-contract.js')
);

describe('contract.generated.ts', () => {
  it('is what the JSON Schemas in mm_jupyter/schemas/ generate', async () => {
    const expected = await generator.generate();
    const actual = readFileSync(generator.OUTPUT, 'utf8');
    assert.ok(
      actual === expected,
      'src/shared/contract.generated.ts is out of date: run `jlpm generate`'
    );
  });

  it('has one RestPayloads property per payload schema', async () => {
    const text = readFileSync(generator.OUTPUT, 'utf8');
    for (const key of ['runs_page', 'run_detail', 'diff', 'monitoring_page']) {
      assert.match(text, new RegExp(`^  ${key}: `, 'm'));
    }
  });
});
