import * as fs from 'fs';
import * as path from 'path';

/** Files directly in dir whose name passes accept, sorted; none when dir does not exist. */
export function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && accept(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** Subdirectories of dir, sorted; none when dir does not exist. */
export function listDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .sort();
}

export const isYaml = (name: string) => /\.ya?ml$/.test(name);
