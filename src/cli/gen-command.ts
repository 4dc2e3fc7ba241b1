/** `msf gen`: write a generated chain model (MobileNet-like of any depth, or seeded random). */
import { UsageError } from '../errors.js';
import { buildChain } from '../model/chain.js';
import { mobilenetLike, randomChain } from '../model/generate.js';
import { writeOutput } from './files.js';
import { type Out, parseSeed } from './options.js';

export function genAction(kind: string, flags: { layers: string; input: string; seed: string; out?: string }, out: Out): void {
  const int = (v: string, name: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got "${v}"`);
    return n;
  };
  const layers = int(flags.layers, 'layers', 1);
  const seed = parseSeed(flags.seed);
  let spec;
  if (kind === 'mobilenet-like') spec = mobilenetLike(layers, int(flags.input, 'input', 8), seed);
  else if (kind === 'random') spec = randomChain(seed, layers);
  else throw new UsageError(`gen: unknown kind "${kind}"; choose mobilenet-like or random`);
  buildChain(spec); // validate before writing
  const text = JSON.stringify(spec);
  if (flags.out) {
    writeOutput(flags.out, text + '\n', '--out');
    out(`wrote ${flags.out}: ${spec.layers.length} layers, input ${spec.input.join('x')}`);
  } else out(text);
}
