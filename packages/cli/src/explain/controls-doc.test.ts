import * as fs from 'fs';
import * as path from 'path';
import { generateControlsDoc } from './controls-doc';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('docs/controls.md', () => {
  test('is what policies/ generates now (else: npm run build && node scripts/generate-controls-doc.js)', async () => {
    const shipped = fs.readFileSync(path.join(ROOT, 'docs', 'controls.md'), 'utf8');
    const fresh = await generateControlsDoc(path.join(ROOT, 'policies'));
    expect(shipped === fresh ? 'fresh' : 'docs/controls.md is stale: run npm run build && node scripts/generate-controls-doc.js').toBe('fresh');
  });

  test('names every control of the catalog and of the organization policies once, in the contents and as a section', async () => {
    const doc = await generateControlsDoc(path.join(ROOT, 'policies'));
    const ids = [...doc.matchAll(/^### (\S+):/gm)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['LZ.S3.2', 'LZ.TAG.1', 'LZ.SCP.5', 'LZ.RCP.1']));
    for (const id of ids) expect(doc).toContain(`[${id}](#${id.toLowerCase().replace(/[^a-z0-9]+/g, '-')})`);
  });
});
