#!/usr/bin/env node
// Fault-injecting HTTP proxy for Frontdesk's sync tests.
//
// It sits between the station and the FHIR test server (server.js) and, on
// request of the test, misbehaves the way real networks and servers do:
// refused or hanging connections, error statuses, replies cut short or lost
// after the write was applied, slow answers, bodies that are not JSON or not
// the expected resource, huge bodies, missing paging links and 409 instead of
// 412. Without a fault it forwards requests unchanged, so a test can point the
// station at the proxy for its whole run and switch faults on and off.
//
// Usage: node fault-proxy.js --target http://127.0.0.1:PORT [--port N]
// stdout carries exactly one line ("listening <base URL>"); logs go to stderr.
//
// Control endpoint (on the proxy's port, outside /fhir, never faulted):
//   POST   /_fault  {"mode": M, "count": N, "match": "substring",
//                    "delayMs": D, "status": S}   sets the rule
//   DELETE /_fault  resets to pass-through
//   GET    /_fault  the current rule and how many requests it affected
// Only node: built-ins are used, so it runs without npm ci.

import http from 'node:http';

const BASE_PATH = '/fhir/R4';
const CONTROL_PATH = '/_fault';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MODES = new Set([
  'pass', 'refuse', 'hang', 'status', 'cut', 'drop-reply', 'latency',
  'malformed', 'wrong-type', 'huge', 'strip-links', 'conflict-409',
]);
const RULE_KEYS = new Set(['mode', 'count', 'match', 'delayMs', 'status']);
// 50 MiB: above 50,000,000 bytes, the size tests treat as "huge".
const HUGE_FILLER_BYTES = 50 * 1024 * 1024;
const HUGE_CHUNK_BYTES = 64 * 1024;
// Headers that describe one connection and must not be copied to the next.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  // The proxy reads the whole request before forwarding and has already
  // answered "100 Continue" itself; the target must not wait for one.
  'expect',
]);

function log(...args) {
  process.stderr.write(`[fault-proxy] ${args.join(' ')}\n`);
}

// ---------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { port: 0, target: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(value());
    else if (a.startsWith('--port=')) opts.port = Number(a.slice(7));
    else if (a === '--target') opts.target = value();
    else if (a.startsWith('--target=')) opts.target = a.slice(9);
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
  if (!opts.target) usage('--target is required');
  let url;
  try {
    url = new URL(opts.target);
  } catch {
    usage(`bad --target: ${opts.target}`);
  }
  if (url.protocol !== 'http:') usage('--target must be an http:// URL');
  // Accept the server's origin or its whole base URL (what server.js prints
  // after "listening "); paths are forwarded unchanged either way.
  opts.target = url;
  return opts;
}

function usage(error) {
  const text =
    'Usage: node fault-proxy.js --target http://127.0.0.1:PORT [--port N]\n' +
    '  --target URL   the FHIR server (its origin, or its base URL ending in /fhir/R4)\n' +
    '  --port N       port on 127.0.0.1 (0, the default, picks a free one)\n';
  process.stderr.write((error ? `error: ${error}\n` : '') + text);
  process.exit(error ? 2 : 0);
}

// ---------------------------------------------------------------------------
// The fault rule

const PASS_RULE = { mode: 'pass', count: null, match: null, delayMs: null, status: null };
let rule = { ...PASS_RULE };
let remaining = null; // matching requests left before reverting; null = until reset
// Requests the last POSTed rule applied to, kept after it is spent so a test
// can check it. A POSTed "pass" rule counts too, which makes it a request
// counter; the default pass-through (after start, DELETE or a spent count)
// counts nothing.
let affected = 0;
let armed = false; // whether the current rule came from a POST

function ruleState() {
  return { ...rule, remaining, affected };
}

// Validates a POST body strictly, so a typo in a test fails loudly instead of
// silently leaving the proxy in pass-through.
function parseRule(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: 'body is not valid JSON' };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body must be a JSON object' };
  for (const k of Object.keys(body)) if (!RULE_KEYS.has(k)) return { error: `unknown key "${k}"` };
  const r = { ...PASS_RULE };
  if (!MODES.has(body.mode)) return { error: `mode must be one of: ${[...MODES].join(', ')}` };
  r.mode = body.mode;
  if (body.count !== undefined && body.count !== null) {
    if (!Number.isInteger(body.count) || body.count < 1) return { error: 'count must be an integer >= 1' };
    r.count = body.count;
  }
  if (body.match !== undefined && body.match !== null) {
    if (typeof body.match !== 'string' || body.match === '') return { error: 'match must be a non-empty string' };
    r.match = body.match;
  }
  if (body.delayMs !== undefined && body.delayMs !== null) {
    if (!Number.isInteger(body.delayMs) || body.delayMs < 0) return { error: 'delayMs must be an integer >= 0' };
    r.delayMs = body.delayMs;
  }
  if (body.status !== undefined && body.status !== null) {
    if (!Number.isInteger(body.status) || body.status < 400 || body.status > 599) {
      return { error: 'status must be an integer from 400 to 599' };
    }
    r.status = body.status;
  }
  if (r.mode === 'latency' && r.delayMs === null) return { error: 'mode "latency" needs delayMs' };
  if (r.mode === 'status' && r.status === null) return { error: 'mode "status" needs status' };
  return { rule: r };
}

// Decides, when a request arrives, which mode applies to it, and consumes one
// unit of count. Deciding on arrival keeps concurrent requests consistent.
function takeMode(pathAndQuery) {
  if (rule.match !== null && !pathAndQuery.includes(rule.match)) return { mode: 'pass' };
  const applied = { ...rule };
  if (!armed) return applied;
  affected++;
  if (remaining !== null && --remaining <= 0) {
    // Spent: back to pass-through, but keep the counter for GET /_fault.
    rule = { ...PASS_RULE };
    remaining = null;
    armed = false;
  }
  return applied;
}

function handleControl(req, res, bodyText) {
  if (req.method === 'GET') return sendJson(res, 200, ruleState());
  if (req.method === 'DELETE') {
    rule = { ...PASS_RULE };
    remaining = null;
    affected = 0;
    armed = false;
    return sendJson(res, 200, ruleState());
  }
  if (req.method === 'POST') {
    const parsed = parseRule(bodyText);
    if (parsed.error) return sendJson(res, 400, { error: parsed.error });
    rule = parsed.rule;
    remaining = rule.count;
    affected = 0;
    armed = true;
    return sendJson(res, 200, ruleState());
  }
  res.setHeader('Allow', 'GET, POST, DELETE');
  return sendJson(res, 405, { error: `method ${req.method} not allowed on ${CONTROL_PATH}` });
}

// ---------------------------------------------------------------------------
// HTTP helpers

function sendJson(res, status, body, contentType = 'application/json') {
  sendRaw(res, status, { 'Content-Type': contentType }, Buffer.from(JSON.stringify(body)));
}

function sendRaw(res, status, headers, body) {
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  res.end(body);
}

function outcome(code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// A TCP reset where the platform offers one (what a refused or dropped
// connection looks like), a plain close otherwise.
function resetSocket(socket) {
  if (!socket || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function copyHeaders(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function isJson(headers) {
  return /json/i.test(headers['content-type'] ?? '') && !headers['content-encoding'];
}

// Requests whose answer is a Bundle: searches, history, batch/transaction.
function expectsBundle(method, pathname) {
  const segs = pathname.slice(BASE_PATH.length).split('/').filter(Boolean);
  if (segs.includes('_history') || segs.at(-1) === '_search') return true;
  if (method === 'GET' && segs.length === 1 && segs[0] !== 'metadata') return true;
  return method === 'POST' && segs.length === 0;
}

// ---------------------------------------------------------------------------
// Forwarding

let targetOrigin = '';
let proxyOrigin = '';

// Sends the request to the target and resolves with its whole answer
// ({status, headers, body}); bodies are buffered because several modes edit
// or cut them, and test-server answers are small.
function forward(req, body) {
  return new Promise((resolve, reject) => {
    const headers = copyHeaders(req.headers);
    headers.host = new URL(targetOrigin).host;
    if (body.length || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
    // A fresh connection per request (agent: false): a pooled one could be
    // closed by the server's keep-alive timeout just as it is reused, and
    // that spurious reset would look like an injected fault.
    const out = http.request(`${targetOrigin}${req.url}`, { method: req.method, headers, agent: false }, (answer) => {
      const chunks = [];
      answer.on('data', (c) => chunks.push(c));
      answer.on('end', () => resolve({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

// The server writes absolute URLs (next links, fullUrl, Location) with its own
// origin; point them at the proxy so a client that follows them stays behind
// the proxy and its faults.
function rewriteAnswer(method, answer) {
  const headers = copyHeaders(answer.headers);
  for (const h of ['location', 'content-location']) {
    if (typeof headers[h] === 'string') headers[h] = headers[h].split(targetOrigin).join(proxyOrigin);
  }
  let body = answer.body;
  if (isJson(answer.headers) && body.length) {
    const text = body.toString('utf8');
    if (text.includes(targetOrigin)) body = Buffer.from(text.split(targetOrigin).join(proxyOrigin));
  }
  // HEAD, 204 and 304 answers carry no body; keep their Content-Length as is.
  const bodiless = method === 'HEAD' || answer.status === 204 || answer.status === 304;
  if (!bodiless) headers['content-length'] = String(body.length);
  return { status: answer.status, headers, body, bodiless };
}

function stripNextLinks(answer) {
  if (answer.bodiless || !isJson(answer.headers)) return answer;
  let bundle;
  try {
    bundle = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return answer;
  }
  if (bundle?.resourceType !== 'Bundle' || !Array.isArray(bundle.link)) return answer;
  bundle.link = bundle.link.filter((l) => l?.relation !== 'next');
  const body = Buffer.from(JSON.stringify(bundle));
  return { ...answer, body, headers: { ...answer.headers, 'content-length': String(body.length) } };
}

function writeAnswer(res, answer, statusMessage) {
  if (statusMessage) res.writeHead(answer.status, statusMessage, answer.headers);
  else res.writeHead(answer.status, answer.headers);
  res.end(answer.bodiless ? undefined : answer.body);
}

// ---------------------------------------------------------------------------
// Faults that answer without the target

// About 50 MiB of valid JSON, streamed with back-pressure from one reused
// chunk: a Bundle with one Patient whose narrative is one huge string.
function sendHuge(res) {
  const head = Buffer.from(
    '{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":' +
      '{"resourceType":"Patient","id":"huge","text":{"status":"generated",' +
      '"div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">',
  );
  const tail = Buffer.from('</div>"}}}]}');
  const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'x');
  res.writeHead(200, { 'Content-Type': FHIR_JSON, 'Content-Length': head.length + HUGE_FILLER_BYTES + tail.length });
  res.write(head);
  let left = HUGE_FILLER_BYTES;
  const pump = () => {
    while (left > 0) {
      if (res.destroyed) return;
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  pump();
}

// ---------------------------------------------------------------------------
// Request handling

async function handle(req, res) {
  const started = Date.now();
  const pathOnly = req.url.split('?')[0];
  // Method, path (without query values, which may hold patient data), status
  // and the fault applied; never bodies.
  const done = (status, mode) => log(`${req.method} ${pathOnly} ${status}${mode === 'pass' ? '' : ` [${mode}]`} ${Date.now() - started}ms`);

  if (pathOnly === CONTROL_PATH) {
    const body = await readBody(req);
    handleControl(req, res, body.toString('utf8'));
    done(res.statusCode, 'control');
    return;
  }

  const applied = takeMode(req.url);
  const mode = applied.mode;

  if (mode === 'refuse') {
    resetSocket(req.socket);
    done('-', mode);
    return;
  }
  if (mode === 'hang') {
    // Read and discard the body so the client finishes sending, then never
    // answer. No timer: the socket stays open until the client gives up.
    req.resume();
    done('-', mode);
    res.on('close', () => done('closed by client', mode));
    return;
  }

  const body = await readBody(req);

  if (mode === 'status') {
    sendJson(res, applied.status, outcome('transient', `fault-proxy: injected HTTP ${applied.status}`), FHIR_JSON);
    done(applied.status, mode);
    return;
  }
  if (mode === 'malformed') {
    sendRaw(res, 200, { 'Content-Type': FHIR_JSON }, Buffer.from('{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Pat'));
    done(200, mode);
    return;
  }
  if (mode === 'wrong-type') {
    const wrong = expectsBundle(req.method, pathOnly)
      ? { resourceType: 'Patient', id: 'x' }
      : { resourceType: 'OperationOutcome', issue: [] };
    sendJson(res, 200, wrong, FHIR_JSON);
    done(200, mode);
    return;
  }
  if (mode === 'huge') {
    sendHuge(res);
    done(200, mode);
    return;
  }
  if (mode === 'latency') {
    // Wait, unless the client gives up first; then forward nothing.
    const gaveUp = await new Promise((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        res.off('close', onClose);
        resolve(false);
      }, applied.delayMs);
      res.once('close', onClose);
    });
    if (gaveUp) {
      done('closed by client', mode);
      return;
    }
  }

  let answer;
  try {
    answer = rewriteAnswer(req.method, await forward(req, body));
  } catch (err) {
    log(`cannot reach target: ${err.message}`);
    if (!res.destroyed) sendJson(res, 502, outcome('transient', 'fault-proxy: target unreachable'), FHIR_JSON);
    done(502, mode);
    return;
  }

  if (mode === 'drop-reply') {
    // The target has applied the request; the client never learns the result.
    resetSocket(req.socket);
    done(`${answer.status} dropped`, mode);
    return;
  }
  if (mode === 'cut') {
    // The full Content-Length announces more than arrives, so the client can
    // tell the body was cut.
    res.writeHead(answer.status, answer.headers);
    const half = answer.bodiless ? Buffer.alloc(0) : answer.body.subarray(0, Math.floor(answer.body.length / 2));
    res.write(half, () => req.socket.destroy());
    done(`${answer.status} cut`, mode);
    return;
  }
  if (mode === 'strip-links') answer = stripNextLinks(answer);
  if (mode === 'conflict-409' && answer.status === 412) {
    writeAnswer(res, { ...answer, status: 409 }, 'Conflict');
    done('409 (was 412)', mode);
    return;
  }
  writeAnswer(res, answer);
  done(answer.status, mode);
}

function serve(port) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`error: ${err?.stack ?? err}`);
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, outcome('exception', 'fault-proxy: internal error'), FHIR_JSON);
      else res.destroy();
    });
  });
  // No server-side request timeout: under "hang" and "latency" only the
  // client decides when to give up.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5000;
  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address();
    proxyOrigin = `http://127.0.0.1:${actual}`;
    process.stdout.write(`listening ${proxyOrigin}${BASE_PATH}\n`);
  });
  server.on('error', (err) => {
    log(`cannot listen: ${err.message}`);
    process.exit(1);
  });
  return server;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      log(`${sig}: exiting`);
      process.exit(0);
    });
  }
  targetOrigin = opts.target.origin;
  serve(opts.port);
}

main();
