// int8 CONV_2D and DEPTHWISE_CONV_2D with dilation factors > 1, over whole tensors, as TFLM's
// reference_integer_ops::ConvPerChannel / DepthwiseConvPerChannel compute them: tap (ky, kx) of
// output (oy, ox) reads input (oy * sh - pad_t + ky * dh, ox * sw - pad_l + kx * dw), taps outside
// the input add nothing, and per output channel
//   acc = Σ filter * (input + input_offset) + bias[oc]
//   out = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) + output_offset, act_min, act_max)
// Depthwise: output channel oc reads input channel oc / depth_mult. D_AUX: [dh, dw]. (Dilated
// convolutions run alone, never in a fusion block: src/cost/exact.ts.)
import { D_AUX, dget } from './desc';
import { layer, storeChannel } from './layer';

export function convDilated(desc: usize, input: usize, out: usize, depthwise: bool): void {
  const d = layer(desc);
  const p = <usize>dget(desc, D_AUX);
  const dh = load<i32>(p), dw = load<i32>(p + 4);
  const inH = d.inH, inW = d.inW, inC = d.inC, outC = d.outC, kh = d.kh, kw = d.kw, inOffset = d.inOffset;
  const mult = max(d.depthMult, 1);
  let o = out;
  for (let oy = 0; oy < d.outH; oy++)
    for (let ox = 0; ox < d.outW; ox++) {
      const y0 = oy * d.sh - d.padT, x0 = ox * d.sw - d.padL;
      for (let oc = 0; oc < outC; oc++) {
        let acc: i32 = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = y0 + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = x0 + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const x = input + <usize>((iy * inW + ix) * inC);
            if (depthwise) {
              acc += (<i32>load<i8>(x + <usize>(oc / mult)) + inOffset) * <i32>load<i8>(d.weights + <usize>((ky * kw + kx) * outC + oc));
            } else {
              const w = d.weights + <usize>(((oc * kh + ky) * kw + kx) * inC);
              for (let ic = 0; ic < inC; ic++) acc += (<i32>load<i8>(x + <usize>ic) + inOffset) * <i32>load<i8>(w + <usize>ic);
            }
          }
        }
        storeChannel(o, oc, acc, d);
      }
      o += <usize>outC;
    }
}
