/** Parses model bytes by file name; browser-safe (no Node APIs), used by the CLI loader and the web page. */
import { ModelError } from '../errors.js';
import { parseChainJson } from '../model/chain.js';
import type { Model } from '../model/ir.js';
import { ZOO_IDS } from '../model/zoo.js';
import { inPlannedOrder } from '../plan/order.js';
import { readTflite } from './tflite.js';
import { tfliteToModel } from './tflite-lower.js';

export function modelFromBytes(fileName: string, bytes: Uint8Array): Model {
  if (/\.json$/i.test(fileName)) return parseChainJson(new TextDecoder().decode(bytes), fileName);
  // A graph's layers come in the planner's execution order (src/plan/order.ts), not always the file's.
  if (/\.tflite$/i.test(fileName)) return inPlannedOrder(tfliteToModel(readTflite(bytes, fileName), fileName.replace(/^.*[\\/]/, '').replace(/\.tflite$/i, '')));
  throw new ModelError(`${fileName}: unsupported model file type; expected a chain model .json or a .tflite file (or a zoo id: ${ZOO_IDS.join(', ')})`);
}
