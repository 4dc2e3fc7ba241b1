// int8 SOFTMAX (int8 in, int8 out) as TFLM's reference_ops::Softmax<int8_t, int8_t> computes it,
// over `rows` rows of `depth` values each (the last dimension). All arithmetic is gemmlowp's
// fixed point on int32:
//   Q5.26  the scaled input difference  (kScaledDiffIntegerBits = 5)
//   Q12.19 the sum of exponentials      (kAccumulationIntegerBits = 12)
//   Q0.31  exp() results and the reciprocal of the sum
// Per row:
//   1. max_in_row = max of the row
//   2. for every c with diff = in[c] - max_in_row >= diff_min:
//        d = SRDHM(diff * 2^input_left_shift, input_multiplier)       (Q5.26, <= 0)
//        sum += RoundingDivideByPOT(exp_on_negative_values(d), 12)     (Q0.31 -> Q12.19)
//   3. headroom = clz(sum), num_bits_over_unit = 12 - headroom,
//      scale = one_over_one_plus_x_for_x_in_0_1((sum << headroom) - 2^31)   (Q0.31)
//      exponent = num_bits_over_unit + 31 - 8
//   4. out[c] = clamp(RoundingDivideByPOT(SRDHM(scale, exp(d)), exponent) - 128, -128, 127) for the
//      elements of step 2, -128 for the others.
// The exponentials are computed twice (steps 2 and 4) as in TFLM: no scratch memory.
//
// Descriptor words (src/runtime/softmax-desc.ts fills them as TFLM's prepare does: PreprocessSoftmax-
// Scaling and CalculateInputRadius with beta and the input scale):
//   D_IN1_MULT  input_multiplier, D_IN1_SHIFT  input_left_shift (>= 0), D_IN2_MULT  diff_min (<= 0)

import { dget, D_IN1_MULT, D_IN1_SHIFT, D_IN2_MULT } from './desc';
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from './requantize';

const D_SOFTMAX_INPUT_MULT: i32 = D_IN1_MULT;
const D_SOFTMAX_INPUT_LEFT_SHIFT: i32 = D_IN1_SHIFT;
const D_SOFTMAX_DIFF_MIN: i32 = D_IN2_MULT;

const INT32_MIN: i32 = i32.MIN_VALUE;
const INT32_MAX: i32 = i32.MAX_VALUE;

/** gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: a saturating left shift. */
// @ts-ignore: decorator
@inline function saturatingShiftLeft(x: i32, exponent: i32): i32 {
  const threshold: i32 = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** exp(a) for a in [-1/4, 0), a and the result in Q0.31: a Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm: i32 = 1895147668; // exp(-1/8) in Q0.31
  const constant1Over3: i32 = 715827883; // 1/3 in Q0.31
  // x = a + 1/8
  const x: i32 = a + (1 << 28);
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  // (x^4/4 + x^3) / 3 + x^2, halved: x^4/24 + x^3/6 + x^2/2
  const x4Over24PlusX3Over6PlusX2Over2 = roundingDivideByPOT(
    saturatingRoundingDoublingHighMul(x4Over4 + x3, constant1Over3) + x2, 1);
  return constantTerm + saturatingRoundingDoublingHighMul(constantTerm, x + x4Over24PlusX3Over6PlusX2Over2);
}

/** exp(a) for a <= 0 in Q5.26; the result in Q0.31. */
function expOnNegativeValues(a: i32): i32 {
  const fractionalBits: i32 = 26;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const mask: i32 = oneQuarter - 1;
  // a = (a mod 1/4) - 1/4 - remainder, the remainder a sum of powers of two >= 1/4
  const aModQuarterMinusOneQuarter: i32 = (a & mask) - oneQuarter;
  // Rescale Q5.26 -> Q0.31: a saturating left shift by 5
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingShiftLeft(aModQuarterMinusOneQuarter, 5));
  const remainder: i32 = aModQuarterMinusOneQuarter - a;
  // Barrel shifter: multiply by exp(-2^k) for every bit 2^k (k = -2 .. 4) set in the remainder.
  if ((remainder & (1 << (fractionalBits - 2))) != 0) result = saturatingRoundingDoublingHighMul(result, 1672461947); // exp(-1/4)
  if ((remainder & (1 << (fractionalBits - 1))) != 0) result = saturatingRoundingDoublingHighMul(result, 1302514674); // exp(-1/2)
  if ((remainder & (1 << fractionalBits)) != 0) result = saturatingRoundingDoublingHighMul(result, 790015084); // exp(-1)
  if ((remainder & (1 << (fractionalBits + 1))) != 0) result = saturatingRoundingDoublingHighMul(result, 290630308); // exp(-2)
  if ((remainder & (1 << (fractionalBits + 2))) != 0) result = saturatingRoundingDoublingHighMul(result, 39332535); // exp(-4)
  if ((remainder & (1 << (fractionalBits + 3))) != 0) result = saturatingRoundingDoublingHighMul(result, 720401); // exp(-8)
  if ((remainder & (1 << (fractionalBits + 4))) != 0) result = saturatingRoundingDoublingHighMul(result, 242); // exp(-16)
  // With 5 integer bits no clamp at -32 is needed (gemmlowp applies it only above 5 bits).
  // exp(0) = 1, saturated to the largest Q0.31 value.
  return a == 0 ? INT32_MAX : result;
}

/** gemmlowp's RoundingHalfSum(a, b) = (a + b) / 2 rounded to nearest, ties away from zero. */
// @ts-ignore: decorator
@inline function roundingHalfSum(a: i32, b: i32): i32 {
  const sum: i64 = <i64>a + <i64>b;
  const sign: i64 = sum >= 0 ? 1 : -1;
  return <i32>((sum + sign) / 2); // i64 division truncates toward zero, as in C
}

/** 1 / (1 + a) for a in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29. */
function oneOverOnePlusXForXIn01(a: i32): i32 {
  const halfDenominator = roundingHalfSum(a, INT32_MAX); // (1 + a) / 2 in Q0.31
  const constant48Over17: i32 = 1515870810; // Q2.29
  const constantNeg32Over17: i32 = -1010580540; // Q2.29
  const oneQ2: i32 = 1 << 29;
  let x: i32 = constant48Over17 + saturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17);
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x); // Q2.29
    const oneMinusHalfDenominatorTimesX: i32 = oneQ2 - halfDenominatorTimesX;
    // x * (1 - d x) is Q4.27; Rescale to Q2.29: a saturating left shift by 2
    x = x + saturatingShiftLeft(saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 2);
  }
  // x / 2 as Q1.30 (same raw bits), then Rescale to Q0.31: a saturating left shift by 1
  return saturatingShiftLeft(x, 1);
}

/** Softmax over the last dimension: `rows` rows of `depth` int8 values, input to output. */
export function softmax(desc: usize, input: usize, output: usize, rows: i32, depth: i32): void {
  const inputBetaMultiplier = dget(desc, D_SOFTMAX_INPUT_MULT);
  const inputBetaLeftShift = dget(desc, D_SOFTMAX_INPUT_LEFT_SHIFT);
  const diffMin = dget(desc, D_SOFTMAX_DIFF_MIN);
  const accumulationIntegerBits: i32 = 12;
  for (let i = 0; i < rows; i++) {
    const row = input + <usize>(i * depth);
    const out = output + <usize>(i * depth);
    // 1. the largest value of the row
    let maxInRow: i32 = -128;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i8>(row + <usize>c));

    // 2. the sum of exp(diff), Q12.19
    let sumOfExps: i32 = 0;
    for (let c = 0; c < depth; c++) {
      const inputDiff: i32 = <i32>load<i8>(row + <usize>c) - maxInRow;
      if (inputDiff >= diffMin) {
        const inputDiffRescaled = saturatingRoundingDoublingHighMul(inputDiff * (1 << inputBetaLeftShift), inputBetaMultiplier);
        sumOfExps += roundingDivideByPOT(expOnNegativeValues(inputDiffRescaled), accumulationIntegerBits);
      }
    }

    // 3. its reciprocal: sum = 2^numBitsOverUnit * (1 + f), f in [0, 1)
    const headroomPlusOne: i32 = <i32>clz<u32>(<u32>sumOfExps);
    const numBitsOverUnit: i32 = accumulationIntegerBits - headroomPlusOne;
    const shiftedSumMinusOne: i32 = <i32>((<u32>sumOfExps << <u32>headroomPlusOne) - (<u32>1 << 31));
    const shiftedScale = oneOverOnePlusXForXIn01(shiftedSumMinusOne);
    const exponent: i32 = numBitsOverUnit + 31 - 8;
    assert(exponent >= 0 && exponent <= 31, 'softmax: reciprocal exponent out of range');

    // 4. the outputs, zero point -128, scale 1/256
    for (let c = 0; c < depth; c++) {
      const inputDiff: i32 = <i32>load<i8>(row + <usize>c) - maxInRow;
      let v: i32 = -128;
      if (inputDiff >= diffMin) {
        const inputDiffRescaled = saturatingRoundingDoublingHighMul(inputDiff * (1 << inputBetaLeftShift), inputBetaMultiplier);
        const expIn0 = expOnNegativeValues(inputDiffRescaled);
        const unsatOutput = roundingDivideByPOT(saturatingRoundingDoublingHighMul(shiftedScale, expIn0), exponent);
        v = unsatOutput - 128;
        v = v < -128 ? -128 : v;
        v = v > 127 ? 127 : v;
      }
      store<i8>(out + <usize>c, <i8>v);
    }
  }
}
