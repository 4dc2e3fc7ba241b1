/** `msf inspect <model>`: the layer table of any model (zoo id, chain JSON, .tflite). */
import type { Command } from 'commander';
import { loadModel } from '../import/load.js';
import { DEFAULT_MODEL, ZOO_IDS } from '../model/zoo.js';
import { layerRows, layersText } from '../report/layers.js';
import type { Out } from './options.js';

export function addInspectCommand(program: Command, out: Out): void {
  program
    .command('inspect')
    .description('print the layer table of a model: op, shapes, quantisation, bytes, MACs')
    .argument('[model]', `zoo id (${ZOO_IDS.join(', ')}), chain .json or .tflite file`, DEFAULT_MODEL)
    .option('--json', 'machine-readable output')
    .action((modelRef: string, flags: { json?: boolean }) => {
      const model = loadModel(modelRef);
      const encodings = { inputEncoding: model.inputEncoding ?? { dtype: 'int8' }, outputEncoding: model.outputEncoding ?? { dtype: 'int8' } };
      if (flags.json) out(JSON.stringify({ model: model.name, ...encodings, layers: layerRows(model) }, null, 2));
      else out(layersText(model));
    });
}
