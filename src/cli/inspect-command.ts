/** `msf inspect <model>`: the layer table of any model (zoo id, chain JSON, .tflite). */
import { layerRows, layersText } from '../report/layers.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { modelOf } from './model-ref.js';
import type { Out } from './options.js';

export async function inspectAction(modelRef: string, flags: { json?: boolean }, out: Out): Promise<void> {
  const model = await modelOf(modelRef);
  const encodings = { inputEncoding: model.inputEncoding ?? { dtype: 'int8' }, outputEncoding: model.outputEncoding ?? { dtype: 'int8' } };
  if (flags.json) out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, model: model.name, ...encodings, layers: layerRows(model) }, null, 2));
  else out(layersText(model));
}
