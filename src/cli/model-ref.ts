/** A model named on the command line: zoo ids need no file reader, so the TFLite reader loads only for files. */
import type { Model } from '../model/ir.js';
import { isZooId, zooModel } from '../model/zoo.js';

export async function modelOf(ref: string): Promise<Model> {
  if (isZooId(ref)) return zooModel(ref);
  return (await import('../import/load.js')).loadModel(ref);
}
