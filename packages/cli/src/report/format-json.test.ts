import { renderJson } from './format-json';
import { ReportModel } from './report-model';
import { collect, exampleModel } from './__tests__/example';

let model: ReportModel;
let text: string;
beforeAll(async () => {
  model = await exampleModel();
  text = collect(renderJson(model));
});

test('the bytes of JSON.stringify(model, null, 2), though produced an account at a time', () => {
  expect(text).toBe(JSON.stringify(model, null, 2) + '\n');
});

test('the shape other tools read: catalog, accounts with controls, points and exemptions, frameworks', () => {
  const json = JSON.parse(text);
  expect(json.catalog).toMatchObject({ name: '@tarmac/example-catalog', version: '0.1.0' });
  const mlProd = json.accounts.find((a: { name: string }) => a.name === 'ml-prod');
  expect(mlProd).toMatchObject({ id: '777777777777', name: 'ml-prod', ou: 'Workloads/Prod', profile: 'prod' });
  const s3 = mlProd.controls.find((c: { id: string }) => c.id === 'LZ.S3.5');
  expect(s3.points.map((p: { point: string; mode: string }) => `${p.point}:${p.mode}`)).toEqual([
    'pre-commit:enforce',
    'synth:enforce',
    'hook:enforce',
    'config:detect',
    'control-tower:enforce',
  ]);
  expect(s3.points.every((p: { via: unknown }) => typeof p.via === 'string')).toBe(true);
  expect(s3.exemptions).toEqual([]);
  expect(json.frameworks['pci-dss-4.0'].requirements.find((r: { id: string }) => r.id === '10.2.1').controls.map((c: { id: string }) => c.id)).toContain(
    'LZ.S3.5',
  );
});

test('an empty organization is still valid JSON', () => {
  const empty = { ...model, accounts: [] };
  expect(collect(renderJson(empty))).toBe(JSON.stringify(empty, null, 2) + '\n');
});
