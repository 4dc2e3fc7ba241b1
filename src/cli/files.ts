/** Files the CLI writes: errors become UsageErrors naming the option and the path, never a stack trace. */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Reads a regular file (a device such as /dev/zero would never end). */
export function readInput(path: string, option: string): Uint8Array {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path} (${reason(e)})`);
  }
  if (!isFile) throw new UsageError(`${option}: ${path} is not a regular file`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path} (${reason(e)})`);
  }
}

export function writeOutput(path: string, data: string | Uint8Array, option: string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UsageError(`${option}: cannot write ${path} (${reason(e)})`);
  }
}

/**
 * Creates a directory and its missing parents, one level at a time. Node's own recursive mkdir
 * can loop forever on some virtual file systems (e.g. under /proc); this walk cannot. Returns the
 * directories it created, outermost first (a caller that fails later removes them again).
 */
export function makeDirectory(dir: string, option: string): string[] {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let exists = false;
    try {
      exists = statSync(d).isDirectory();
      if (!exists) throw new UsageError(`${option}: ${d} exists and is not a directory`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
    }
    if (exists) break;
    missing.push(d);
    if (dirname(d) === d) break;
  }
  missing.reverse();
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new UsageError(`${option}: cannot create the directory ${d} (${reason(e)})`);
    }
  }
  return missing;
}

/** An existing non-empty directory is refused unless `force`: writing into it would overwrite silently. */
export function refuseNonEmptyDirectory(dir: string, option: string, force: boolean): void {
  let entries: string[] = [];
  try {
    if (statSync(dir).isDirectory()) entries = readdirSync(dir);
  } catch {
    return; // missing (it will be created) or unreadable (makeDirectory reports it)
  }
  if (entries.length > 0 && !force)
    throw new UsageError(`${option}: ${dir} is not empty (${entries.length} entries); choose an empty or new directory, or add --force to write into it (files of the same name are overwritten)`);
}
