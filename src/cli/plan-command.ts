/** `msf plan`: plan one model and print the plan (text or JSON), optionally an HTML report. */
import { planModel } from '../plan/planner.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { planJson } from '../report/json.js';
import { planText } from '../report/text.js';
import { writeOutput } from './files.js';
import { modelOf } from './model-ref.js';
import { type Out, type PlanFlags, planOptions } from './options.js';

export async function planAction(modelRef: string, flags: PlanFlags, out: Out): Promise<void> {
  const options = planOptions(flags);
  const model = await modelOf(modelRef);
  const result = planModel(model, options);
  if (flags.report) {
    const { planHtml } = await import('../report/html.js');
    writeOutput(flags.report, planHtml(model, result), '--report');
  }
  if (!flags.front) delete result.front;
  out(flags.json ? JSON.stringify(planJson(model, result), null, 2) : planText(model, result));
  if (flags.report && !flags.json) out(`report written to ${flags.report}`);
}
