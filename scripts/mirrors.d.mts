// Types of scripts/mirrors.mjs for the TypeScript tests that import it.
export interface Mirror {
  from: string;
  to: string;
  what: string;
  prefixes: string[];
  names?: string[];
  tables?: string[];
  descriptor?: boolean;
}
export const MIRRORS: Mirror[];
export function mirrorText(root: string, m: Mirror): string;
export function generateMirrors(root: string): { path: string; text: string }[];
