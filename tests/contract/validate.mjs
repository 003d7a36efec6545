#!/usr/bin/env node
// The contract check: every answer the integration suite received must be one
// openapi.yaml documents. tests/integration/http_client.cpp appends each
// exchange (method, path, status, content type, body) to the JSONL file named
// by CINEMA_CONTRACT_LOG; scripts/test-integration runs this afterwards:
//
//   node tests/contract/validate.mjs --spec build/openapi/site/openapi.json --log FILE
//
// For each exchange: the operation is found by method and path template (HEAD
// uses GET's); its status must be documented, its media type documented for
// that status, and a JSON body must validate (ajv, JSON Schema 2020-12, with
// ajv-formats) against that response's schema: problem+json against Problem.
// Objects are closed unless the spec says otherwise (a member the spec does
// not name fails; Problem allows extension members), so the description
// cannot fall behind the API. Not checked:
//   - status 0: the transfer itself failed (timeouts, resets of outage tests);
//   - compressed bodies (Content-Encoding: gzip), which the log cannot carry;
//   - paths outside /v1/ and /metrics: the web client's static files, /docs/;
//   - requests to no documented operation (unknown paths and methods, probes):
//     those must be 4xx answers (nginx's 404/405 pages), never a 2xx, and a
//     problem+json one must be a Problem.
// Deliberate outages answer 503, which every operation documents; any other
// 5xx is a failure. Exit 1 on any failure, printing each distinct one once
// (operation, status, ajv's errors, a sample body), at most --max (30).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The node tooling lives in one place, openapi/ (package.json and its lockfile).
const require = createRequire(path.join(repo, 'openapi/package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default ?? require('ajv-formats');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const specFile = opt('--spec', path.join(repo, 'build/openapi/site/openapi.json'));
const logFile = opt('--log');
const maxShown = Number(opt('--max', '30'));
if (!logFile) {
  console.error('usage: validate.mjs --spec openapi.json --log exchanges.jsonl [--max N]');
  process.exit(64);
}

const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'];

// Close every object schema that lists its properties and says nothing about
// others (and is not a combination), so undocumented members fail.
function close(node) {
  if (Array.isArray(node)) return node.forEach(close);
  if (!node || typeof node !== 'object') return;
  if (node.properties && typeof node.properties === 'object' && !('additionalProperties' in node) &&
      !node.oneOf && !node.anyOf && !node.allOf) {
    node.additionalProperties = false;
  }
  for (const v of Object.values(node)) close(v);
}
const closed = structuredClone(spec);
close(closed.components?.schemas);
for (const item of Object.values(closed.paths ?? {})) close(item);
close(closed.components?.responses);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int64', true);
ajv.addFormat('int32', true);
closed.$id = 'openapi.json';
delete closed.$schema;
ajv.addSchema(closed);

const esc = (s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
const ptr = (parts) => '#/' + parts.map(esc).join('/');
function deref(obj, parts) {
  // A Reference Object ($ref to #/components/...): follow it; return [obj, parts].
  let guard = 0;
  while (obj && obj.$ref && guard++ < 10) {
    parts = obj.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    obj = parts.reduce((o, k) => o?.[k], spec);
  }
  return [obj, parts];
}

// Path templates, literal segments first so /v1/search/shows never reads as a template.
const ops = [];
for (const [template, item] of Object.entries(spec.paths ?? {})) {
  const re = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
  ops.push({ template, item, re, params: (template.match(/\{/g) || []).length });
}
ops.sort((a, b) => a.params - b.params);

const validators = new Map();
function validatorFor(parts) {
  const key = parts.join('/');
  if (!validators.has(key)) validators.set(key, ajv.getSchema('openapi.json' + ptr(parts)));
  return validators.get(key);
}

const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
const stats = { exchanges: 0, validated: 0, no_body: 0, transport: 0, compressed: 0, unrouted: 0, not_api: 0 };
const covered = new Set();
const failures = new Map();
function fail(where, status, what, sample, details = []) {
  const key = `${where} ${status}: ${what}`;
  const f = failures.get(key) ?? { count: 0, sample, details };
  f.count++;
  failures.set(key, f);
}

for (const line of lines) {
  let x;
  try {
    x = JSON.parse(line);
  } catch {
    continue; // a line cut short by a crash: nothing to hold the API to
  }
  stats.exchanges++;
  const status = x.status;
  if (status === 0) {
    stats.transport++;
    continue;
  }
  const method = x.method === 'HEAD' ? 'get' : x.method.toLowerCase();
  const urlPath = x.path.split('?')[0].split('#')[0];
  const mediaType = (x.content_type || '').split(';')[0].trim().toLowerCase();
  const body = x.body ?? '';
  if (!urlPath.startsWith('/v1/') && urlPath !== '/metrics') {
    stats.not_api++; // the web client's static files (nginx/www), /docs/
    continue;
  }
  const matched = ops.filter((o) => o.re.test(urlPath));
  const op = matched.map((o) => (METHODS.includes(method) && o.item[method] ? o : null)).find(Boolean);
  if (!op) {
    stats.unrouted++;
    if (status < 400 || status >= 500) {
      fail(`${x.method} ${urlPath} (no operation)`, status, 'an undocumented route answered other than 4xx', body.slice(0, 300));
    } else if (mediaType === 'application/problem+json' && x.method !== 'HEAD') {
      const problem = validatorFor(['components', 'schemas', 'Problem']);
      let value;
      try {
        value = JSON.parse(body);
      } catch {
        value = body;
      }
      stats.validated++;
      if (!problem(value)) fail(`${x.method} (no operation)`, status, 'not a Problem', body.slice(0, 300), problem.errors.slice(0, 4).map((e) => `${e.instancePath || '/'} ${e.message}`));
    }
    continue;
  }
  const where = `${method.toUpperCase()} ${op.template}`;
  covered.add(where);
  const responses = op.item[method].responses ?? {};
  const code = String(status);
  const rangeKey = `${code[0]}XX`;
  const respKey = code in responses ? code : rangeKey in responses ? rangeKey : 'default' in responses ? 'default' : null;
  if (!respKey) {
    fail(where, status, 'status not documented', `${mediaType} ${body.slice(0, 300)}`);
    continue;
  }
  const [resp, respParts] = deref(responses[respKey], ['paths', op.template, method, 'responses', respKey]);
  if (x.method === 'HEAD' || body.length === 0) {
    stats.no_body++;
    if (body.length === 0 && x.method !== 'HEAD' && resp.content && status !== 304) {
      fail(where, status, 'empty body where the spec documents one', '');
    }
    continue;
  }
  if (x.content_encoding) {
    stats.compressed++;
    continue;
  }
  const content = resp.content ?? {};
  if (!(mediaType in content)) {
    fail(where, status, `media type ${mediaType || '(none)'} not documented (${Object.keys(content).join(', ') || 'no body'})`, body.slice(0, 300));
    continue;
  }
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  let value = body;
  if (isJson) {
    try {
      value = JSON.parse(body);
    } catch (e) {
      fail(where, status, `body is not JSON (${e.message})`, body.slice(0, 300));
      continue;
    }
  }
  if (!content[mediaType].schema) {
    stats.validated++;
    continue;
  }
  const validate = validatorFor([...respParts, 'content', mediaType, 'schema']);
  stats.validated++;
  if (!validate(value)) {
    const errs = validate.errors.slice(0, 6).map((e) =>
      `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
    const first = validate.errors[0];
    const sig = `${first.instancePath.replace(/\/\d+/g, '/*')} ${first.message}${first.params?.additionalProperty ? ` '${first.params.additionalProperty}'` : ''}`;
    fail(where, status, `schema: ${sig}`, body.slice(0, 400), errs);
  }
}

const allOps = ops.flatMap((o) => METHODS.filter((m) => o.item[m]).map((m) => `${m.toUpperCase()} ${o.template}`));
const missed = allOps.filter((o) => !covered.has(o));
console.log(`contract: ${stats.exchanges} exchanges; ${stats.validated} bodies validated, ${stats.no_body} without a body, ` +
  `${stats.compressed} compressed, ${stats.transport} transport failures, ${stats.unrouted} to no documented operation, ` +
  `${stats.not_api} outside the API (web client, /docs/); ` +
  `${covered.size} of ${allOps.length} operations exercised`);
if (missed.length) console.log(`contract: not exercised: ${missed.join(', ')}`);
if (failures.size === 0) {
  console.log('contract: every answer matches openapi/openapi.yaml');
  process.exit(0);
}
let shown = 0;
const total = [...failures.values()].reduce((n, f) => n + f.count, 0);
console.error(`contract: ${total} answers in ${failures.size} kinds do not match openapi/openapi.yaml:`);
for (const [key, f] of failures) {
  if (shown++ >= maxShown) {
    console.error(`contract: ... and ${failures.size - maxShown} more kinds`);
    break;
  }
  console.error(`- ${key} (x${f.count})`);
  for (const d of f.details) console.error(`    ${d}`);
  if (f.sample) console.error(`    body: ${f.sample}`);
}
process.exit(1);
