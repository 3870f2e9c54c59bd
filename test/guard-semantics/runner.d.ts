export interface ConformanceCase {
  name: string;
  rules: string;
  data?: unknown;
  expect: Record<string, 'PASS' | 'FAIL' | 'SKIP'> | 'ERROR';
  failingPaths?: Record<string, string[]>;
  messages?: Record<string, string[]>;
}
export interface LoadedCase {
  file: string;
  index: number;
  case: ConformanceCase;
}
export interface Outcome {
  expect: Record<string, 'PASS' | 'FAIL' | 'SKIP'> | 'ERROR';
  error?: string;
  failingPaths?: Record<string, string[]>;
  messages?: Record<string, string[]>;
}
export const CASES_DIR: string;
export const DEFAULT_BINARY: string;
export function loadCases(dir?: string): LoadedCase[];
export function runCases(
  cases: readonly LoadedCase[],
  options: {
    toJson: (v: unknown) => string;
    violationsFromReport: (report: any) => { ruleName: string; paths?: readonly string[]; message?: string }[];
    binary?: string;
    workers?: number;
  },
): Promise<Outcome[]>;
