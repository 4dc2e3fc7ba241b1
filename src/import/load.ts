/** Resolves what a user names as a model (Node): a zoo id, a chain `.json` file or a `.tflite` file. */
import { readFileSync, statSync } from 'node:fs';
import { ModelError } from '../errors.js';
import { modelFromBytes } from './from-bytes.js';
import type { Model } from '../model/ir.js';
import { ZOO_IDS, isZooId, zooModel } from '../model/zoo.js';

/** Larger files are refused before reading: no MCU has the flash for them. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

export function loadModel(ref: string): Model {
  if (isZooId(ref)) return zooModel(ref);
  let isFile = false;
  let exists = false;
  let size = 0;
  try {
    const st = statSync(ref);
    isFile = st.isFile();
    size = st.size;
    exists = true;
  } catch {
    /* not found: handled below */
  }
  if (isFile && size > MAX_MODEL_BYTES)
    throw new ModelError(`${ref}: ${size} bytes; model files larger than ${MAX_MODEL_BYTES} bytes are refused (an MCU model is far smaller)`);
  if (exists && !isFile) throw new ModelError(`${ref}: not a regular file; give a zoo id (${ZOO_IDS.join(', ')}) or a path to a chain .json or .tflite model`);
  if (!isFile) {
    if (!/[./\\]/.test(ref)) return zooModel(ref); // looks like an id: "unknown zoo model" with the list
    throw new ModelError(`${ref}: file not found; give a zoo id (${ZOO_IDS.join(', ')}) or a path to a chain .json or .tflite model`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(ref);
  } catch (e) {
    throw new ModelError(`${ref}: cannot read the file (${(e as Error).message})`);
  }
  return modelFromBytes(ref, bytes);
}
