import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Document, parseDocument } from 'yaml';
import { InputError, InputErrors } from '../../errors';
import { loadCatalog } from '../../catalog/load-catalog';
import { OrgBuild, buildOrgPolicies } from '../build-org';
import { loadOrgPolicies } from '../load-org-policies';

/** The repository's own policies/ directory: the default policy set. */
export const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'policies');

/** For a test file: each call is a fresh PoliciesFixture, all removed after the file's tests. */
export function policiesFixtures(options: { deployment?: boolean } = {}): () => PoliciesFixture {
  const made: PoliciesFixture[] = [];
  afterAll(() => made.forEach((f) => f.remove()));
  return () => {
    const f = new PoliciesFixture(options);
    made.push(f);
    return f;
  };
}

/**
 * A throwaway copy of policies/ that a test can edit, so every case starts from the real default set.
 * With `deployment`, hooks/ and stacksets/ are copied beside it, as in the repository.
 */
export class PoliciesFixture {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-org-'));
  readonly dir: string;

  constructor(options: { deployment?: boolean } = {}) {
    this.dir = options.deployment ? path.join(this.root, 'policies') : this.root;
    fs.cpSync(POLICIES, this.dir, { recursive: true });
    if (options.deployment) for (const d of ['hooks', 'stacksets']) fs.cpSync(path.join(POLICIES, '..', d), path.join(this.root, d), { recursive: true });
  }

  file(rel: string): string {
    return path.join(this.dir, rel);
  }

  /** Edits a YAML file through the yaml Document API (comments and layout survive). */
  edit(rel: string, change: (doc: Document) => void): this {
    const doc = parseDocument(fs.readFileSync(this.file(rel), 'utf8'));
    change(doc);
    fs.writeFileSync(this.file(rel), doc.toString());
    return this;
  }

  /** Replaces the first occurrence of text in a file (throws if it is not there, so a test cannot edit nothing). */
  replace(rel: string, from: string, to: string): this {
    const text = fs.readFileSync(this.file(rel), 'utf8');
    if (!text.includes(from)) throw new Error(`${from} not in ${rel}`);
    fs.writeFileSync(this.file(rel), text.replace(from, to));
    return this;
  }

  /** Line (1-based) of the first line containing text, to assert error locations without hard-coding them. */
  lineOf(rel: string, text: string): number {
    const i = fs
      .readFileSync(this.file(rel), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text));
    if (i < 0) throw new Error(`${text} not in ${rel}`);
    return i + 1;
  }

  async build(): Promise<OrgBuild> {
    const catalog = loadCatalog(this.dir);
    const set = await loadOrgPolicies(catalog);
    if (!set) throw new Error('no org.yaml');
    return buildOrgPolicies(set, catalog);
  }

  /** The input errors building fails with (fails the test if building succeeds). */
  async errors(): Promise<InputError[]> {
    try {
      await this.build();
    } catch (err) {
      if (err instanceof InputErrors) return [...err.errors];
      if (err instanceof InputError) return [err];
      throw err;
    }
    throw new Error('expected the build to fail');
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
