/**
 * The built-in model zoo: the three layer chains of the msf-CNN paper's analytical study, exactly as
 * ../shared/reference/paper-models.md lists them. Each layer is written `<op><k>s<s>p<p>x<cout>`
 * with op `c` = conv2d, `d` = depthwise conv2d.
 */
import { ModelError } from '../errors.js';
import { buildChain, type ChainLayerSpec } from './chain.js';
import type { Model } from './ir.js';

const ZOO_SOURCES = {
  'mbv2-w0.35-r144': {
    input: 144,
    description: 'MobileNetV2 width 0.35, 144x144 (paper chain)',
    layers:
      'c3s2p1x11 c1s1p0x11 d3s1p1x11 c1s1p0x5 c1s1p0x30 d3s2p1x30 c1s1p0x8 c1s1p0x48 d3s1p1x48 c1s1p0x8 c1s1p0x48 d3s2p1x48 c1s1p0x11 c1s1p0x66 d3s1p1x66 c1s1p0x11 c1s1p0x66 d3s1p1x66 c1s1p0x11 c1s1p0x66 d3s2p1x66 c1s1p0x22 c1s1p0x132 d3s1p1x132 c1s1p0x22 c1s1p0x132 d3s1p1x132 c1s1p0x22 c1s1p0x132 d3s1p1x132 c1s1p0x22 c1s1p0x132 d3s1p1x132 c1s1p0x33 c1s1p0x198 d3s1p1x198 c1s1p0x33 c1s1p0x198 d3s1p1x198 c1s1p0x33 c1s1p0x198 d3s2p1x198 c1s1p0x56 c1s1p0x336 d3s1p1x336 c1s1p0x56 c1s1p0x336 d3s1p1x336 c1s1p0x56 c1s1p0x336 d3s1p1x336 c1s1p0x112 c1s1p0x448',
  },
  'mcunet-vww5-r80': {
    input: 80,
    description: 'MCUNetV2-vww-5fps, 80x80 (paper chain)',
    layers:
      'c3s2p1x16 d3s1p1x16 c1s1p0x8 c1s1p0x48 d3s2p1x48 c1s1p0x16 c1s1p0x48 d3s1p1x48 c1s1p0x16 c1s1p0x48 d3s1p1x48 c1s1p0x16 c1s1p0x48 d7s2p3x48 c1s1p0x24 c1s1p0x144 d3s1p1x144 c1s1p0x24 c1s1p0x120 d5s1p2x120 c1s1p0x24 c1s1p0x144 d7s2p3x144 c1s1p0x40 c1s1p0x240 d7s1p3x240 c1s1p0x40 c1s1p0x240 d3s1p1x240 c1s1p0x48 c1s1p0x192 d3s1p1x192 c1s1p0x48 c1s1p0x240 d5s2p2x240 c1s1p0x96 c1s1p0x480 d3s1p1x480 c1s1p0x96 c1s1p0x384 d3s1p1x384 c1s1p0x96 c1s1p0x288 d7s1p3x288 c1s1p0x160',
  },
  'mcunet-320kb-r176': {
    input: 176,
    description: 'MCUNet-320KB-ImageNet, 176x176 (paper chain)',
    layers:
      'c3s2p1x16 d3s1p1x16 c1s1p0x8 c1s1p0x24 d7s2p3x24 c1s1p0x16 c1s1p0x80 d3s1p1x80 c1s1p0x16 c1s1p0x80 d7s1p3x80 c1s1p0x16 c1s1p0x64 d5s1p2x64 c1s1p0x16 c1s1p0x80 d5s2p2x80 c1s1p0x24 c1s1p0x120 d5s1p2x120 c1s1p0x24 c1s1p0x120 d5s1p2x120 c1s1p0x24 c1s1p0x120 d3s2p1x120 c1s1p0x40 c1s1p0x240 d7s1p3x240 c1s1p0x40 c1s1p0x160 d5s1p2x160 c1s1p0x40 c1s1p0x200 d5s1p2x200 c1s1p0x48 c1s1p0x240 d7s1p3x240 c1s1p0x48 c1s1p0x240 d3s1p1x240 c1s1p0x48 c1s1p0x288 d3s2p1x288 c1s1p0x96 c1s1p0x480 d7s1p3x480 c1s1p0x96 c1s1p0x384 d3s1p1x384 c1s1p0x96 c1s1p0x480 d7s1p3x480 c1s1p0x160',
  },
} as const;

export type ZooId = keyof typeof ZOO_SOURCES;
export const ZOO_IDS = Object.keys(ZOO_SOURCES) as ZooId[];
export const DEFAULT_MODEL: ZooId = 'mbv2-w0.35-r144';

export const isZooId = (id: string): id is ZooId => Object.hasOwn(ZOO_SOURCES, id);

export function zooDescription(id: ZooId): string {
  return ZOO_SOURCES[id].description;
}

function parseLayer(code: string): ChainLayerSpec {
  const m = /^([cd])(\d+)s(\d+)p(\d+)x(\d+)$/.exec(code);
  if (!m) throw new Error(`bad zoo layer code ${code}`);
  const [, op, k, s, p, c] = m;
  return op === 'c'
    ? { op: 'conv2d', filters: Number(c), kernel: Number(k), stride: Number(s), padding: Number(p) }
    : { op: 'depthwise_conv2d', kernel: Number(k), stride: Number(s), padding: Number(p) };
}

export function zooModel(id: string): Model {
  if (!isZooId(id)) throw new ModelError(`unknown zoo model "${id}"; run \`msf zoo\` to list: ${ZOO_IDS.join(', ')}`);
  const src = ZOO_SOURCES[id];
  return buildChain({ name: id, input: [src.input, src.input, 3], layers: src.layers.split(' ').map(parseLayer) });
}
