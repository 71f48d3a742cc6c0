// Optional authentication for the FHIR test server.
//
// Clinic servers rarely answer anyone who asks: HAPI behind a proxy wants a
// user name and password or a bearer token, cloud FHIR services want an
// OAuth2 access token bought with client credentials. With --auth the test
// server behaves like them:
//
//   --auth basic:USER:PASSWORD   HTTP Basic on every FHIR request
//   --auth bearer:TOKEN          a fixed bearer token
//   --auth oauth2:CLIENT:SECRET  bearer tokens from POST /oauth/token
//                                (RFC 6749 §4.4 client credentials, the
//                                client authenticated by HTTP Basic or by
//                                client_id/client_secret in the form)
//   --token-lifetime SECONDS     expires_in of the tokens (default 3600)
//
// Requests without valid credentials get 401 with an OperationOutcome and a
// WWW-Authenticate header. /metadata stays open, as on most real servers.
//
// Control endpoint (on the server's port, outside /fhir):
//   GET  /_auth  {"mode", "lifetime", "tokens_issued", "token_refusals",
//                 "refused", "live_tokens"}
//   POST /_auth  {"revoke": true} forgets every token issued so far;
//                {"lifetime": N} sets expires_in of the next tokens;
//                {"broken": true} makes the token endpoint answer 200 with
//                an HTML sign-in page instead of a token (false: back)
// Nothing secret is ever logged.

import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PATH = '/oauth/token';
export const CONTROL_PATH = '/_auth';

const MODES = new Set(['basic', 'bearer', 'oauth2']);
const CONTROL_KEYS = new Set(['revoke', 'lifetime', 'broken']);

function same(a, b) {
  const x = Buffer.from(String(a ?? ''));
  const y = Buffer.from(String(b ?? ''));
  return x.length === y.length && timingSafeEqual(x, y);
}

// "basic:user:pass" -> { mode: 'basic', name: 'user', secret: 'pass' };
// the secret may itself hold colons. Throws on a bad spec.
export function parseAuthSpec(spec) {
  const first = spec.indexOf(':');
  const mode = first < 0 ? spec : spec.slice(0, first);
  if (!MODES.has(mode)) throw new Error(`--auth mode must be one of ${[...MODES].join(', ')}`);
  const rest = spec.slice(first + 1);
  if (mode === 'bearer') {
    if (!rest) throw new Error('--auth bearer:TOKEN needs a token');
    return { mode, name: null, secret: rest };
  }
  const second = rest.indexOf(':');
  if (first < 0 || second <= 0 || second === rest.length - 1) throw new Error(`--auth ${mode}:NAME:SECRET needs both parts`);
  return { mode, name: rest.slice(0, second), secret: rest.slice(second + 1) };
}

// "Basic base64(a:b)" -> [a, b], or null
function basicPair(header) {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : [text.slice(0, colon), text.slice(colon + 1)];
}

function decodeForm(value) {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function outcome401(text) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'login', details: { text } }],
  };
}

export class Auth {
  constructor(spec, lifetime, log) {
    this.spec = spec;
    this.lifetime = lifetime;
    this.log = log;
    this.tokens = new Map(); // access token -> expiry (ms since the epoch)
    this.tokensIssued = 0;
    this.tokenRefusals = 0;
    this.refused = 0;
    this.broken = false;
  }

  describe() {
    return this.spec.mode === 'oauth2' ? `oauth2 client credentials, tokens for ${this.lifetime} s` : this.spec.mode;
  }

  // Whether a FHIR request carries the credentials this server wants
  allows(req) {
    const header = req.headers.authorization ?? '';
    if (this.spec.mode === 'basic') {
      const pair = basicPair(header);
      return pair !== null && same(pair[0], this.spec.name) && same(pair[1], this.spec.secret);
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return false;
    if (this.spec.mode === 'bearer') return same(m[1], this.spec.secret);
    const expires = this.tokens.get(m[1]);
    return expires !== undefined && Date.now() < expires;
  }

  refusal() {
    this.refused++;
    const scheme = this.spec.mode === 'basic' ? 'Basic realm="fhir"' : 'Bearer realm="fhir", error="invalid_token"';
    return { status: 401, body: outcome401('Authentication required'), headers: { 'WWW-Authenticate': scheme } };
  }

  // POST /oauth/token
  token(req, bodyText) {
    const json = (status, body, headers = {}) => ({
      status,
      body,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    });
    if (this.spec.mode !== 'oauth2') return json(404, { error: 'not_found' });
    if (req.method !== 'POST') return json(405, { error: 'invalid_request' });
    if (this.broken) return { status: 200, body: '<html><body>Sign in</body></html>', headers: { 'Content-Type': 'text/html' }, raw: true };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return json(400, { error: 'invalid_request', error_description: 'form body expected' });
    }
    const form = new URLSearchParams(bodyText ?? '');
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const pair = basicPair(req.headers.authorization);
    if (pair) {
      id = decodeForm(pair[0]);
      secret = decodeForm(pair[1]);
    }
    if (!same(id, this.spec.name) || !same(secret, this.spec.secret)) {
      this.tokenRefusals++;
      return json(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="token"' });
    }
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.lifetime * 1000);
    this.tokensIssued++;
    const answer = { access_token: token, token_type: 'Bearer', expires_in: this.lifetime };
    if (form.get('scope')) answer.scope = form.get('scope');
    return json(200, answer);
  }

  // GET/POST /_auth
  control(method, bodyText) {
    const now = Date.now();
    const state = () => ({
      mode: this.spec.mode,
      lifetime: this.lifetime,
      tokens_issued: this.tokensIssued,
      token_refusals: this.tokenRefusals,
      refused: this.refused,
      live_tokens: [...this.tokens.values()].filter((t) => t > now).length,
      broken: this.broken,
    });
    if (method === 'GET') return { status: 200, body: state() };
    if (method !== 'POST') return { status: 405, body: { error: `method ${method} not allowed on ${CONTROL_PATH}` } };
    let body;
    try {
      body = JSON.parse(bodyText ?? '');
    } catch {
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, body: { error: 'body must be a JSON object' } };
    for (const k of Object.keys(body)) if (!CONTROL_KEYS.has(k)) return { status: 400, body: { error: `unknown key "${k}"` } };
    if (body.lifetime !== undefined) {
      if (!Number.isInteger(body.lifetime) || body.lifetime < 1) return { status: 400, body: { error: 'lifetime must be an integer >= 1' } };
      this.lifetime = body.lifetime;
    }
    if (body.broken !== undefined) {
      if (typeof body.broken !== 'boolean') return { status: 400, body: { error: 'broken must be true or false' } };
      this.broken = body.broken;
    }
    if (body.revoke === true) {
      this.tokens.clear();
      this.log('auth: every token revoked');
    }
    return { status: 200, body: state() };
  }
}
