// A simulated insurance payer beside the FHIR test server.
//
// Real clinics send a CoverageEligibilityRequest to their server, and
// something behind it (a clearinghouse, the payer's own system) answers
// with a CoverageEligibilityResponse some time later. This module plays
// that part: it notices each CoverageEligibilityRequest created in the
// repository and, after a delay, writes the answer through the same
// repository, so searches and _lastUpdated pulls see it like any other
// record.
//
// Outcome for the demo payers (decided by the Coverage, so tests and the
// demo can count on it): a subscriberId ending in 0 is not in force, one
// ending in 9 gets "payer system unavailable", any other is active with the
// co-pay of the Coverage's costToBeneficiary. An insurer that is not one of
// the demo payers gets an error.
//
// Control endpoint (served by server.js on its port, outside /fhir):
//   POST   /_payer  {"delay_ms": N, "outcome": "active|inactive|error|silent|auto"}
//   DELETE /_payer  back to the defaults
//   GET    /_payer  the current settings and how many answers were written
// "silent" never answers; "auto" is the rule above. The default delay comes
// from FRONTDESK_PAYER_DELAY_MS (700 ms when unset).

import { randomUUID } from 'node:crypto';

export const CONTROL_PATH = '/_payer';

// The payers of the demo clinic (app/core/fd-demo-clinic.c), by name: their
// Organization ids are generated, their names are fixed.
const DEMO_PAYERS = new Set([
  'Bluebonnet Health Plan',
  'Lone Prairie Mutual',
  'Cedar Ridge Health Insurance',
  'Pecan Valley Health Cooperative',
  'Redbud Care Alliance',
]);

const OUTCOMES = new Set(['active', 'inactive', 'error', 'silent', 'auto']);
const SETTING_KEYS = new Set(['delay_ms', 'outcome']);
const DEFAULT_DELAY_MS = 700;

const SYSTEM_BENEFIT_CATEGORY = 'http://terminology.hl7.org/CodeSystem/ex-benefitcategory';
const SYSTEM_BENEFIT_TYPE = 'http://terminology.hl7.org/CodeSystem/benefit-type';
const SYSTEM_COPAY_TYPE = 'http://terminology.hl7.org/CodeSystem/coverage-copay-type';
const SYSTEM_PAYER_ERROR = 'urn:frontdesk:payer-error';

function defaultDelay(env) {
  const raw = env.FRONTDESK_PAYER_DELAY_MS;
  if (raw === undefined || raw === '') return DEFAULT_DELAY_MS;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_DELAY_MS;
}

// "Type/id" of a relative or absolute reference, or null.
function referenceId(reference, type) {
  const value = reference?.reference;
  if (typeof value !== 'string') return null;
  const parts = value.split('/');
  if (parts.length < 2 || parts.at(-2) !== type || !parts.at(-1)) return null;
  return parts.at(-1);
}

// The co-pay the Coverage states: a copay, office-visit or specialist cost as money.
function coverageCopay(coverage) {
  const costs = coverage?.costToBeneficiary ?? [];
  for (const wanted of ['copay', 'gpvisit', 'spvisit']) {
    for (const cost of costs) {
      const codes = (cost.type?.coding ?? []).map((c) => c.code);
      if ((codes.includes(wanted) || (!cost.type && wanted === 'copay')) && cost.valueMoney?.value !== undefined) {
        return { value: cost.valueMoney.value, currency: cost.valueMoney.currency ?? 'USD' };
      }
    }
  }
  return null;
}

export class Payer {
  // repo: the server's repository; run(fn): runs fn in the server's request
  // queue, so the answer never interleaves with a request; log(...args).
  constructor(repo, run, log, env = process.env) {
    this.repo = repo;
    this.run = run;
    this.log = log;
    this.defaults = { delay_ms: defaultDelay(env), outcome: 'auto' };
    this.settings = { ...this.defaults };
    this.answered = 0;
    this.timers = new Set();
  }

  describe() {
    return `answers CoverageEligibilityRequest after ${this.settings.delay_ms} ms`;
  }

  // Called by the repository after every write.
  noticeWrite(resource) {
    if (resource?.resourceType !== 'CoverageEligibilityRequest') return;
    // Only a new request is answered: a repeated PUT of the same one is not a new question.
    if (resource.meta?.versionId !== '1') return;
    const { outcome, delay_ms: delay } = this.settings;
    if (outcome === 'silent') return;
    const id = resource.id;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(() => this.answer(id, outcome)).catch((err) => this.log(`payer: cannot answer ${id}: ${err?.message ?? err}`));
    }, delay);
    this.timers.add(timer);
  }

  async read(type, id) {
    if (!id || !this.repo.exists(type, id)) return null;
    return this.repo.readResource(type, id);
  }

  // Decides from the request as it is now (a rolled-back transaction leaves
  // nothing to answer) and writes the response.
  async answer(requestId, forced) {
    const request = await this.read('CoverageEligibilityRequest', requestId);
    if (!request) return;
    const coverageRef = request.insurance?.[0]?.coverage;
    const coverage = await this.read('Coverage', referenceId(coverageRef, 'Coverage'));
    const insurer = await this.read('Organization', referenceId(request.insurer, 'Organization'));

    let outcome = forced;
    let why = null;
    if (outcome === 'auto') {
      const subscriberId = String(coverage?.subscriberId ?? '');
      if (!insurer || !DEMO_PAYERS.has(insurer.name)) {
        outcome = 'error';
        why = { code: 'unknown-payer', text: 'payer not known to the clearinghouse' };
      } else if (!coverage) {
        outcome = 'error';
        why = { code: 'no-coverage', text: 'coverage not found' };
      } else if (subscriberId.endsWith('0')) outcome = 'inactive';
      else if (subscriberId.endsWith('9')) outcome = 'error';
      else outcome = 'active';
    }
    if (outcome === 'error' && !why) why = { code: 'unavailable', text: 'payer system unavailable' };

    const response = {
      resourceType: 'CoverageEligibilityResponse',
      id: randomUUID(),
      status: 'active',
      purpose: request.purpose?.length ? request.purpose : ['validation'],
      patient: request.patient,
      created: new Date().toISOString(),
      request: { reference: `CoverageEligibilityRequest/${request.id}` },
      outcome: outcome === 'error' ? 'error' : 'complete',
      insurer: request.insurer,
    };
    if (outcome === 'error') {
      response.disposition = `Eligibility could not be determined: ${why.text}`;
      response.error = [{ code: { coding: [{ system: SYSTEM_PAYER_ERROR, code: why.code }], text: why.text } }];
    } else {
      const inforce = outcome === 'active';
      const insurance = { coverage: coverageRef, inforce };
      const copay = inforce ? coverageCopay(coverage) : null;
      if (copay) {
        insurance.item = [
          {
            category: { coding: [{ system: SYSTEM_BENEFIT_CATEGORY, code: '30', display: 'Health Benefit Plan Coverage' }] },
            network: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-network', code: 'in' }] },
            unit: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-unit', code: 'individual' }] },
            term: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-term', code: 'visit' }] },
            benefit: [
              {
                type: { coding: [{ system: SYSTEM_BENEFIT_TYPE, code: 'copay' }, { system: SYSTEM_COPAY_TYPE, code: 'copay' }] },
                allowedMoney: copay,
              },
            ],
          },
        ];
      }
      response.insurance = [insurance];
      response.disposition = inforce ? 'Policy is in force' : 'Policy is not in force on the date of service';
    }
    if (request.servicedDate) response.servicedDate = request.servicedDate;
    await this.repo.createResource(response);
    this.answered++;
    // Ids and the outcome only: never who the patient is.
    this.log(`payer: CoverageEligibilityRequest/${request.id} -> ${response.outcome}${outcome === 'inactive' ? ' (not in force)' : ''}`);
  }

  // The control endpoint; returns { status, body }.
  control(method, bodyText) {
    const state = () => ({ ...this.settings, answered: this.answered });
    if (method === 'GET') return { status: 200, body: state() };
    if (method === 'DELETE') {
      this.settings = { ...this.defaults };
      return { status: 200, body: state() };
    }
    if (method !== 'POST') return { status: 405, body: { error: `method ${method} not allowed on ${CONTROL_PATH}` } };
    let body;
    try {
      body = JSON.parse(bodyText ?? '');
    } catch {
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, body: { error: 'body must be a JSON object' } };
    for (const k of Object.keys(body)) if (!SETTING_KEYS.has(k)) return { status: 400, body: { error: `unknown key "${k}"` } };
    const next = { ...this.settings };
    if (body.delay_ms !== undefined) {
      if (!Number.isInteger(body.delay_ms) || body.delay_ms < 0) return { status: 400, body: { error: 'delay_ms must be an integer >= 0' } };
      next.delay_ms = body.delay_ms;
    }
    if (body.outcome !== undefined) {
      if (!OUTCOMES.has(body.outcome)) return { status: 400, body: { error: `outcome must be one of: ${[...OUTCOMES].join(', ')}` } };
      next.outcome = body.outcome;
    }
    this.settings = next;
    return { status: 200, body: state() };
  }
}
