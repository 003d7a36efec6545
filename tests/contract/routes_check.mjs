#!/usr/bin/env node
// The routes the functions declare and the operations openapi.yaml describes
// must be the same set (method and path template, `{id}` parameters):
//   - every route of `scripts/routes table` is an operation of the spec;
//   - every operation of the spec is routed, or is one nginx serves itself
//     (STATIC below: the description as a static file, the live events).
// Run by ctest (openapi_routes, label unit) on the bundled JSON the build makes.
//   node tests/contract/routes_check.mjs --spec build/openapi/site/openapi.json \
//        [--routes-dir build/routes] [--functions infra/functions.conf]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const specFile = opt('--spec', path.join(repo, 'build/openapi/site/openapi.json'));
const routesArgs = ['table'];
if (opt('--routes-dir')) routesArgs.push('--routes-dir', opt('--routes-dir'));
if (opt('--functions')) routesArgs.push('--functions', opt('--functions'));

// Served by nginx itself, not by a function: the description (a static file
// of the build) and the live seat events (nchan, nginx/live.conf.in).
const STATIC = new Set(['GET /v1/openapi.json', 'GET /v1/shows/{id}/events', 'OPTIONS /v1/shows/{id}/events']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const documented = new Set();
for (const [p, item] of Object.entries(spec.paths ?? {})) {
  for (const m of METHODS) if (item[m]) documented.add(`${m.toUpperCase()} ${p}`);
}

const table = execFileSync(path.join(repo, 'scripts/routes'), routesArgs, { encoding: 'utf8' });
const routed = new Map();
for (const line of table.split('\n')) {
  const [method, pattern, fn] = line.trim().split(/\s+/);
  if (!method || !pattern) continue;
  routed.set(`${method} ${pattern}`, fn);
}
if (routed.size === 0) {
  console.error('routes_check: scripts/routes table listed no routes (build first)');
  process.exit(1);
}

const problems = [];
for (const [route, fn] of routed) {
  if (!documented.has(route)) problems.push(`routed but not in openapi.yaml: ${route} (${fn})`);
}
for (const op of documented) {
  if (!routed.has(op) && !STATIC.has(op)) problems.push(`in openapi.yaml but not routed: ${op}`);
}
for (const op of STATIC) {
  if (!documented.has(op)) problems.push(`static route not in openapi.yaml: ${op}`);
  if (routed.has(op)) problems.push(`static route also declared by ${routed.get(op)}: ${op}`);
}
if (problems.length) {
  for (const p of problems) console.error(`routes_check: ${p}`);
  process.exit(1);
}
console.log(`routes_check: ${routed.size} routes, ${documented.size} operations (${STATIC.size} static): consistent`);
