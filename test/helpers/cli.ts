/** Runs the CLI in-process and captures stdout, stderr and the exit code. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(argv, (s) => (stdout += s + '\n'));
    return { code, stdout, stderr };
  } finally {
    spy.mockRestore();
  }
}
