/**
 * Validates a JSON document against a field list of src/report/schema.ts:
  what is wrong with a document against a field list (missing required fields, unknown fields,
 * fields out of order); empty when it conforms.
 */
export function fieldProblems(doc: object, fields: readonly string[], where = 'document'): string[] {
  const keys = Object.keys(doc);
  const names = fields.map((f) => f.replace(/\?$/, ''));
  const problems: string[] = [];
  for (const f of fields) if (!f.endsWith('?') && !keys.includes(f)) problems.push(`${where}: missing "${f}"`);
  for (const k of keys) if (!names.includes(k)) problems.push(`${where}: unknown field "${k}"`);
  const order = keys.filter((k) => names.includes(k)).map((k) => names.indexOf(k));
  if (order.some((v, i) => i > 0 && v < order[i - 1]!)) problems.push(`${where}: fields out of order (${keys.join(', ')})`);
  return problems;
}
