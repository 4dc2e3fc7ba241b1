/**
 * `npm run bench`: every benny suite in one go, each writing its JSON to bench/results/.
 * Run a single suite with `npx tsx bench/<suite>.ts`, or `npm run bench -- search kernels`.
 */
const SUITES = ['search', 'kernels', 'executor', 'emit', 'ram', 'cli', 'mcu'] as const;
const { existsSync } = await import('node:fs');
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if ((SUITES as readonly string[]).includes(name)) continue;
  console.error(`bench: unknown suite "${name}"; choose from ${SUITES.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : SUITES) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) continue;
  console.log(`\n=== bench/${name}.ts ===`);
  await import(file.href);
}
