/**
 * `syncFromProvider` through the real SMART on FHIR client (`fhirclient`'s
 * Node client with a bearer token) against a small FHIR R4 server started
 * here on 127.0.0.1 — one that can also misbehave on cue: other patients'
 * records, invalid and unversioned resources, 401, 429, 503 part-way,
 * malformed pages, next links to another origin or back to themselves,
 * unsorted results, attachments too large or not as stated. The example
 * provider portal's end-to-end runs are in packages/stack/test (core cannot
 * depend on the examples); this server is only what a unit test needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha1 } from '@noble/hashes/legacy.js';
import fc from 'fast-check';
import smart from 'fhirclient';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { base64Encode } from '../health-links/encoding.js';
import { DEFAULT_CATEGORIES } from '../keys/index.js';
import { ImportError, ImportLandRefusedError } from './errors.js';
import { checkFhirResource } from './fhir-validation.js';
import { type BuiltRecord, provenanceOf } from './record.js';
import type { ProviderClient } from './requests.js';
import { importState } from './state.js';
import { type SyncFromProviderParameters, type SyncReport, syncFromProvider } from './sync.js';

type Json = Record<string, unknown>;
type Reply = { status: number; headers?: Record<string, string>; body?: string | Uint8Array };
type Fault = { match: (url: URL) => boolean; reply: (url: URL) => Reply; times: number };

const TOKEN = 'token-for-p1';
const PATIENT = 'p1';

/** A FHIR R4 server small enough to read: searches by patient, _lastUpdated order and ge, _count paging. */
class TinyFhir {
  readonly resources = new Map<string, Json>(); // by Type/id
  readonly binaries = new Map<string, Reply>();
  faults: Fault[] = [];
  /** What the token endpoint answers a refresh with. */
  token: Reply = { status: 400, body: JSON.stringify({ error: 'invalid_grant' }) };
  log: string[] = [];
  base = '';
  #server: Server | undefined;
  #clock = Date.parse('2026-03-01T00:00:00Z');

  async start(): Promise<this> {
    this.#server = createServer((req, res) => this.#route(req, res));
    await new Promise<void>((r) => this.#server?.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/fhir`;
    return this;
  }

  async close() {
    this.#server?.closeAllConnections();
    await new Promise((r) => this.#server?.close(r));
  }

  /** Stores a resource as a new version, dated a second after the last write. */
  put(resource: Json): Json {
    const key = `${resource.resourceType}/${resource.id}`;
    const previous = this.resources.get(key);
    const version = previous ? Number((previous.meta as Json).versionId) + 1 : 1;
    this.#clock += 1000;
    const stored = {
      ...resource,
      meta: { versionId: String(version), lastUpdated: new Date(this.#clock).toISOString() },
    };
    this.resources.set(key, stored);
    return stored;
  }

  /** Answers the next `times` requests whose URL matches with `reply`. */
  fault(match: (url: URL) => boolean, reply: Reply | ((url: URL) => Reply), times = 1) {
    this.faults.push({ match, reply: typeof reply === 'function' ? reply : () => reply, times });
  }

  #send(res: ServerResponse, reply: Reply) {
    res.writeHead(reply.status, { 'content-type': 'application/fhir+json', ...reply.headers });
    res.end(reply.body);
  }

  #route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.base);
    this.log.push(`${url.pathname}${url.search}`);
    const fault = this.faults.find((f) => f.times > 0 && f.match(url));
    if (fault) {
      fault.times -= 1;
      return this.#send(res, fault.reply(url));
    }
    if (url.pathname === '/fhir/token' && req.method === 'POST') return this.#send(res, this.token);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return this.#send(res, {
        status: 401,
        body: JSON.stringify({ resourceType: 'OperationOutcome' }),
      });
    }
    const [, , type, id] = url.pathname.split('/');
    if (type === 'Binary' && id) {
      return this.#send(res, this.binaries.get(id) ?? { status: 404, body: '{}' });
    }
    if (type && id) {
      const found = this.resources.get(`${type}/${id}`);
      return this.#send(
        res,
        found ? { status: 200, body: JSON.stringify(found) } : { status: 404, body: '{}' },
      );
    }
    if (!type) return this.#send(res, { status: 404, body: '{}' });
    const patient = url.searchParams.get('patient');
    const ge = url.searchParams.get('_lastUpdated')?.replace(/^ge/, '');
    const count = Number(url.searchParams.get('_count') ?? 50);
    const offset = Number(url.searchParams.get('_offset') ?? 0);
    const matches = [...this.resources.values()]
      .filter((r) => r.resourceType === type)
      .filter((r) => {
        const ref = ((r.subject ?? r.patient) as Json | undefined)?.reference;
        return ref === `Patient/${patient}`;
      })
      .filter((r) => !ge || Date.parse((r.meta as Json).lastUpdated as string) >= Date.parse(ge))
      .sort(
        (a, b) =>
          Date.parse((a.meta as Json).lastUpdated as string) -
          Date.parse((b.meta as Json).lastUpdated as string),
      );
    const page = matches.slice(offset, offset + count);
    const link = [{ relation: 'self', url: url.href }];
    if (offset + count < matches.length) {
      const next = new URL(url);
      next.searchParams.set('_offset', String(offset + count));
      link.push({ relation: 'next', url: next.href });
    }
    this.#send(res, {
      status: 200,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        total: matches.length,
        link,
        entry: page.map((resource) => ({
          fullUrl: `${this.base}/${type}/${resource.id}`,
          resource,
          search: { mode: 'match' },
        })),
      }),
    });
  }
}

/** fhirclient's Node client for `base`, holding `token` as its access token (as `medvault import` makes it), or `state`. */
function clientFor(base: string, token = TOKEN, state: Json = {}): ProviderClient {
  const memory = new Map<string, unknown>();
  const storage = {
    get: async (k: string) => memory.get(k),
    set: async (k: string, v: unknown) => memory.set(k, v) && v,
    unset: async (k: string) => memory.delete(k),
  };
  return smart({} as never, {} as never, storage).client({
    serverUrl: base,
    tokenResponse: { access_token: token, patient: PATIENT },
    ...state,
  });
}

const observation = (id: string, fields: Json = {}): Json => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/observation-category',
          code: 'laboratory',
        },
      ],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
  subject: { reference: `Patient/${PATIENT}` },
  effectiveDateTime: '2026-03-03T09:00:00Z',
  valueQuantity: { value: 7.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  ...fields,
});

/** A chart: the patient, an allergy, two conditions, five lab results, a vaccination — and someone else's result. */
function chart(fhir: TinyFhir) {
  fhir.put({
    resourceType: 'Patient',
    id: PATIENT,
    name: [{ given: ['Maria'], family: 'Alvarez' }],
    birthDate: '1961-04-12',
  });
  fhir.put({ resourceType: 'Patient', id: 'p2', birthDate: '1970-01-01' });
  fhir.put({
    resourceType: 'AllergyIntolerance',
    id: 'a1',
    patient: { reference: `Patient/${PATIENT}` },
    code: { text: 'Penicillin' },
  });
  fhir.put({
    resourceType: 'Condition',
    id: 'c1',
    subject: { reference: `Patient/${PATIENT}` },
    code: {
      coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Type 2 diabetes' }],
    },
  });
  fhir.put({
    resourceType: 'Condition',
    id: 'c2',
    subject: { reference: `Patient/${PATIENT}` },
    code: {
      coding: [
        { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.9', display: 'Depression' },
      ],
    },
  });
  for (let i = 1; i <= 5; i++) fhir.put(observation(`o${i}`));
  fhir.put({
    resourceType: 'Immunization',
    id: 'i1',
    status: 'completed',
    vaccineCode: { text: 'Influenza' },
    patient: { reference: `Patient/${PATIENT}` },
    occurrenceDateTime: '2025-10-01',
  });
  fhir.put(observation('someone-else', { subject: { reference: 'Patient/p2' } }));
}

/** Where landed records go in these tests: a list, as a ledger would hold them. */
function ledger() {
  const records: BuiltRecord[] = [];
  return {
    records,
    land: async (record: BuiltRecord) => {
      records.push(record);
    },
    state: () => importState(records.map((r) => r.note)),
    keys: () => records.map((r) => r.key),
  };
}

let fhir: TinyFhir;
beforeEach(async () => {
  fhir = await new TinyFhir().start();
  chart(fhir);
});
afterEach(async () => {
  await fhir.close();
});

const sync = (
  params: Partial<SyncFromProviderParameters> & Pick<SyncFromProviderParameters, 'land'>,
) =>
  syncFromProvider({
    client: clientFor(fhir.base),
    patientId: PATIENT,
    pageSize: 2,
    retries: 2,
    maxRetryWaitMs: 2000,
    ...params,
  });

const codes = (report: SyncReport) => report.failed.map((f) => [f.ref, f.error.code]);

describe('a sync', () => {
  test('lands each of the patient’s resources once, as valid records with their provenance, page by page', async () => {
    const into = ledger();
    const report = await sync({ land: into.land });
    expect(report).toMatchObject({
      server: fhir.base,
      imported: 10,
      unchanged: 0,
      failed: [],
      notOffered: [],
      complete: true,
    });
    expect(report.stoppedAt).toBeUndefined();
    expect(into.records.map((r) => r.ref)).toEqual([
      'Patient/p1',
      'AllergyIntolerance/a1',
      'Condition/c1',
      'Condition/c2',
      'Observation/o1',
      'Observation/o2',
      'Observation/o3',
      'Observation/o4',
      'Observation/o5',
      'Immunization/i1',
    ]);
    expect(into.records.map((r) => r.category)).toEqual([
      'demographics',
      'allergy',
      'problem-list',
      'psychiatry',
      ...Array(5).fill('laboratory'),
      'immunization',
    ]);
    for (const record of into.records) {
      expect(checkFhirResource(JSON.parse(new TextDecoder().decode(record.bytes)))).toEqual({
        resourceType: 'Bundle',
      });
      expect(provenanceOf(record.bytes)).toMatchObject({
        server: fhir.base,
        source: record.ref,
        version: '1',
      });
      expect(DEFAULT_CATEGORIES).toContain(record.category);
    }
    // searched by patient, in _lastUpdated order, two per page, following next links
    expect(fhir.log).toContain(`/fhir/Observation?patient=${PATIENT}&_sort=_lastUpdated&_count=2`);
    expect(fhir.log.filter((l) => l.startsWith('/fhir/Observation'))).toHaveLength(3);
  });

  test('the next sync reads only what changed and refuses duplicates; a new version is a new record', async () => {
    const into = ledger();
    await sync({ land: into.land });
    fhir.log = [];
    const again = await sync({ land: into.land, state: into.state() });
    expect(again).toMatchObject({ imported: 0, complete: true });
    // each type searched from its newest landed instant (ge: the newest itself comes back, unchanged)
    const cursor = into.records.find((r) => r.ref === 'Observation/o5')?.note.lastUpdated as string;
    expect(fhir.log).toContain(
      `/fhir/Observation?patient=${PATIENT}&_sort=_lastUpdated&_count=2&_lastUpdated=ge${encodeURIComponent(cursor)}`,
    );
    expect(again.unchanged).toBe(5); // the Patient, and the newest of each type

    fhir.put(
      observation('o2', {
        valueQuantity: { value: 6.4, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      }),
    );
    const changed = await sync({ land: into.land, state: into.state() });
    expect(changed).toMatchObject({ imported: 1, complete: true });
    expect(into.records.at(-1)?.key).toBe(`${fhir.base} Observation/o2 2`);
    expect(new Set(into.keys()).size).toBe(into.records.length);
  });

  test('what the server should not have sent is refused resource by resource; the rest lands', async () => {
    // a search answered with another patient's result, an invalid one, an unversioned one, a Patient
    fhir.fault(
      (u) => u.pathname.endsWith('/Observation'),
      () => ({
        status: 200,
        body: JSON.stringify({
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            { resource: fhir.resources.get('Observation/o1') },
            { resource: { ...fhir.resources.get('Observation/o2'), status: 'done' } },
            { resource: { ...fhir.resources.get('Observation/o3'), meta: undefined } },
            { resource: fhir.resources.get('Patient/p1') },
            { resource: { ...fhir.resources.get('Observation/someone-else') } },
            {
              search: { mode: 'outcome' },
              resource: { resourceType: 'OperationOutcome', issue: [] },
            },
            {},
          ],
        }),
      }),
    );
    const into = ledger();
    const report = await sync({ land: into.land });
    expect(codes(report)).toEqual([
      ['Observation/o2', 'IMPORT_INVALID_FHIR'],
      ['Observation/o3', 'IMPORT_UNVERSIONED'],
      ['Patient/p1', 'IMPORT_UNEXPECTED_RESOURCE'],
      ['Observation/someone-else', 'IMPORT_WRONG_PATIENT'],
      ['an entry of Observation (page 1)', 'IMPORT_UNEXPECTED_RESOURCE'],
    ]);
    expect(report.failed[0]?.error.shortMessage).toBe(
      'Observation.status: Code "done" not found in value set.',
    );
    expect(report).toMatchObject({ imported: 6, complete: true });
    expect(into.records.filter((r) => r.resourceType === 'Observation').map((r) => r.ref)).toEqual([
      'Observation/o1',
    ]);
  });

  test('a refused or expired authorisation stops the sync at once', async () => {
    const into = ledger();
    const report = await syncFromProvider({
      client: clientFor(fhir.base, 'expired'),
      patientId: PATIENT,
      land: into.land,
    });
    expect(report).toMatchObject({
      imported: 0,
      complete: false,
      stoppedAt: { type: 'Patient', reason: 'unauthorized' },
    });
    expect(report.stoppedAt?.error.code).toBe('IMPORT_UNAUTHORIZED');
    expect(report.stoppedAt?.error.shortMessage).toMatch(/sign in at the provider again/);
    expect(fhir.log).toHaveLength(1);
  });

  test('an expired access token is refreshed by the client; a refused refresh stops the sync', async () => {
    const expired = (base: string) =>
      clientFor(base, 'expired', {
        tokenUri: `${base}/token`,
        expiresAt: Math.floor(Date.now() / 1000) - 60,
        tokenResponse: {
          access_token: 'expired',
          refresh_token: 'refresh-1',
          scope: 'launch/patient offline_access patient/*.rs',
          patient: PATIENT,
        },
      });
    const refused = await syncFromProvider({
      client: expired(fhir.base),
      patientId: PATIENT,
      land: ledger().land,
    });
    expect(refused).toMatchObject({
      imported: 0,
      complete: false,
      stoppedAt: { reason: 'unauthorized' },
    });

    fhir.token = {
      status: 200,
      body: JSON.stringify({ access_token: TOKEN, token_type: 'bearer', expires_in: 3600 }),
    };
    const refreshed = await syncFromProvider({
      client: expired(fhir.base),
      patientId: PATIENT,
      land: ledger().land,
    });
    expect(refreshed).toMatchObject({ imported: 10, complete: true });
  });

  test('429: Retry-After is honoured a few times, then the sync stops; a long wait is not waited', async () => {
    fhir.fault(
      (u) => u.pathname.endsWith('/Condition'),
      { status: 429, headers: { 'retry-after': '0' } },
      2,
    );
    const ok = await sync({ land: ledger().land });
    expect(ok).toMatchObject({ imported: 10, complete: true });

    fhir.fault(
      (u) => u.pathname.endsWith('/Condition'),
      { status: 429, headers: { 'retry-after': '0' } },
      3,
    );
    const into = ledger();
    const stopped = await sync({ land: into.land });
    expect(stopped).toMatchObject({
      complete: false,
      stoppedAt: { type: 'Condition', reason: 'rate-limited' },
    });
    expect(into.records.map((r) => r.ref)).toEqual(['Patient/p1', 'AllergyIntolerance/a1']);

    fhir.fault((u) => u.pathname.endsWith('/Patient/p1'), {
      status: 429,
      headers: { 'retry-after': '3600' },
    });
    const started = Date.now();
    const long = await sync({ land: ledger().land });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(long.stoppedAt?.error).toMatchObject({
      code: 'IMPORT_RATE_LIMITED',
      retryAfterSeconds: 3600,
    });
  });

  test('a 503 part-way keeps what landed and says incomplete; the next sync completes without duplicates', async () => {
    // the second page of lab results fails
    fhir.fault(
      (u) => u.pathname.endsWith('/Observation') && u.searchParams.get('_offset') === '2',
      { status: 503 },
    );
    const into = ledger();
    const first = await sync({ land: into.land });
    expect(first).toMatchObject({
      imported: 6,
      complete: false,
      stoppedAt: { type: 'Observation', reason: 'server-error' },
    });
    expect(first.stoppedAt?.error.code).toBe('IMPORT_SERVER_ERROR');
    const second = await sync({ land: into.land, state: into.state() });
    expect(second).toMatchObject({ imported: 4, complete: true });
    expect(into.records).toHaveLength(10);
    expect(new Set(into.keys()).size).toBe(10);
  });

  test('a page that is not a search result ends its type, the others are read', async () => {
    fhir.fault((u) => u.pathname.endsWith('/Condition'), {
      status: 200,
      body: '{"resourceType": "Bundle", "entry": [',
    });
    fhir.fault((u) => u.pathname.endsWith('/AllergyIntolerance'), {
      status: 200,
      body: JSON.stringify({ resourceType: 'Patient' }),
    });
    const report = await sync({ land: ledger().land });
    expect(codes(report)).toEqual([
      ['AllergyIntolerance (page 1)', 'IMPORT_MALFORMED_PAGE'],
      ['Condition (page 1)', 'IMPORT_MALFORMED_PAGE'],
    ]);
    expect(report).toMatchObject({ imported: 7, complete: false });
    expect(report.stoppedAt).toBeUndefined();
  });

  test('a next link to another origin is not followed (the token stays home), nor one back to a page read', async () => {
    const other = await new TinyFhir().start();
    try {
      fhir.fault(
        (u) => u.pathname.endsWith('/Observation'),
        () => ({
          status: 200,
          body: JSON.stringify({
            resourceType: 'Bundle',
            type: 'searchset',
            entry: [{ resource: fhir.resources.get('Observation/o1') }],
            link: [{ relation: 'next', url: `${other.base}/Observation?patient=p1` }],
          }),
        }),
      );
      fhir.fault(
        (u) => u.pathname.endsWith('/Condition'),
        (u) => ({
          status: 200,
          body: JSON.stringify({
            resourceType: 'Bundle',
            type: 'searchset',
            link: [{ relation: 'next', url: u.href }],
          }),
        }),
      );
      const report = await sync({ land: ledger().land });
      expect(codes(report)).toEqual([
        ['Condition (page 1)', 'IMPORT_PAGING_LOOP'],
        ['Observation (page 1)', 'IMPORT_FOREIGN_URL'],
      ]);
      expect(other.log).toEqual([]);
      expect(report.complete).toBe(false);
    } finally {
      await other.close();
    }
  });

  test('a search redirected on the server is followed there; one redirected elsewhere is not', async () => {
    const other = await new TinyFhir().start();
    try {
      fhir.fault(
        (u) => u.pathname.endsWith('/Condition') && !u.searchParams.has('_moved'),
        (u) => ({ status: 302, headers: { location: `${u.pathname}${u.search}&_moved=1` } }),
      );
      fhir.fault((u) => u.pathname.endsWith('/Observation'), {
        status: 307,
        headers: { location: `${other.base}/Observation?patient=p1` },
      });
      const into = ledger();
      const report = await sync({ land: into.land });
      expect(codes(report)).toEqual([['Observation (page 1)', 'IMPORT_FOREIGN_URL']]);
      expect(into.records.filter((r) => r.resourceType === 'Condition')).toHaveLength(2);
      expect(other.log).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('results out of _lastUpdated order are reported; everything returned still lands', async () => {
    fhir.fault(
      (u) => u.pathname.endsWith('/Observation'),
      () => ({
        status: 200,
        body: JSON.stringify({
          resourceType: 'Bundle',
          type: 'searchset',
          entry: ['o3', 'o1', 'o2'].map((id) => ({
            resource: fhir.resources.get(`Observation/${id}`),
          })),
        }),
      }),
    );
    const into = ledger();
    const report = await sync({ land: into.land });
    expect(codes(report)).toEqual([['Observation (page 1)', 'IMPORT_UNSORTED']]);
    expect(into.records.filter((r) => r.resourceType === 'Observation')).toHaveLength(3);
  });

  test('a page over the size cap, a type the server does not offer', async () => {
    fhir.fault((u) => u.pathname.endsWith('/Procedure'), { status: 404, body: '{}' });
    const report = await sync({ land: ledger().land, maxPageBytes: 1000 });
    expect(report.notOffered).toEqual(['Procedure']);
    expect(codes(report)).toContainEqual(['Observation (page 1)', 'IMPORT_PAGE_TOO_LARGE']);
  });

  test('land may refuse one resource; a failing land stops the sync, and the next sync lands it', async () => {
    const into = ledger();
    const refusing = await sync({
      land: async (record) => {
        if (record.category === 'psychiatry')
          throw new ImportLandRefusedError(record.ref, 'no key for psychiatry yet');
        await into.land(record);
      },
    });
    expect(codes(refusing)).toEqual([['Condition/c2', 'IMPORT_LAND_REFUSED']]);
    expect(refusing).toMatchObject({ imported: 9, complete: true });

    const fresh = ledger();
    let calls = 0;
    const failing = await sync({
      land: async (record) => {
        if (++calls === 3) throw new Error('ledger host unreachable');
        await fresh.land(record);
      },
    });
    expect(failing).toMatchObject({
      imported: 2,
      complete: false,
      stoppedAt: { type: 'Condition', reason: 'land-failed' },
    });
    expect(failing.stoppedAt?.error.walk()).toEqual(new Error('ledger host unreachable'));
    const resumed = await sync({ land: fresh.land, state: fresh.state() });
    expect(resumed).toMatchObject({ imported: 8, complete: true });
    expect(fresh.records).toHaveLength(10);
  });

  test('aborted, unreachable, or too slow: stopped with a typed error', async () => {
    const controller = new AbortController();
    const into = ledger();
    const aborted = await sync({
      land: async (record) => {
        await into.land(record);
        if (into.records.length === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(aborted).toMatchObject({
      imported: 3,
      complete: false,
      stoppedAt: { reason: 'aborted' },
    });

    const hanging = new TinyFhir();
    await hanging.start();
    const { base } = hanging;
    await hanging.close();
    const unreachable = await syncFromProvider({
      client: clientFor(base),
      patientId: PATIENT,
      land: ledger().land,
    });
    expect(unreachable.stoppedAt).toMatchObject({ type: 'Patient', reason: 'network' });
    expect(unreachable.stoppedAt?.error.code).toBe('IMPORT_NETWORK');
  });

  test('a server that does not answer in time', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/fhir`;
      const report = await syncFromProvider({
        client: clientFor(base),
        patientId: PATIENT,
        land: ledger().land,
        requestTimeoutMs: 300,
      });
      expect(report.stoppedAt).toMatchObject({ reason: 'network' });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  test('options that make no sync possible are thrown', async () => {
    const land = ledger().land;
    await expect(sync({ land, patientId: '../p1' })).rejects.toMatchObject({
      code: 'IMPORT_INVALID_OPTIONS',
    });
    await expect(sync({ land, serverUrl: 'https://elsewhere.example/r4' })).rejects.toMatchObject({
      code: 'IMPORT_INVALID_OPTIONS',
    });
    await expect(sync({ land, since: 'yesterday' })).rejects.toMatchObject({
      code: 'IMPORT_INVALID_OPTIONS',
    });
    await expect(sync({ land, pageSize: 0 })).rejects.toMatchObject({
      code: 'IMPORT_INVALID_OPTIONS',
    });
    await expect(
      syncFromProvider({
        client: clientFor('http://fhir.example.org/r4'),
        patientId: PATIENT,
        land,
      }),
    ).rejects.toMatchObject({ code: 'IMPORT_INVALID_OPTIONS' });
  });
});

describe('attachments', () => {
  const pdf = new TextEncoder().encode('%PDF-1.7 discharge summary');
  const document = (id: string, attachment: Json): Json => ({
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    subject: { reference: `Patient/${PATIENT}` },
    description: `Letter ${id}`,
    content: [{ attachment: { contentType: 'application/pdf', ...attachment } }],
  });
  const onlyDocuments = { types: ['DocumentReference' as const] };

  test('read through the client and embedded; all as stated or the record is not imported', async () => {
    fhir.binaries.set('raw', {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: pdf,
    });
    fhir.binaries.set('json', {
      status: 200,
      body: JSON.stringify({
        resourceType: 'Binary',
        contentType: 'application/pdf',
        data: base64Encode(pdf),
      }),
    });
    fhir.binaries.set('big', {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: new Uint8Array(4096),
    });
    fhir.put(
      document('d-raw', { url: 'Binary/raw', size: pdf.length, hash: base64Encode(sha1(pdf)) }),
    );
    fhir.put(document('d-json', { url: `${fhir.base}/Binary/json` }));
    fhir.put(document('d-big', { url: 'Binary/big' }));
    fhir.put(
      document('d-hash', { url: 'Binary/raw', hash: base64Encode(sha1(new Uint8Array(1))) }),
    );
    fhir.put(document('d-size', { url: 'Binary/raw', size: 3 }));
    fhir.put(document('d-away', { url: 'https://cdn.example/letter.pdf' }));
    fhir.put(document('d-gone', { url: 'Binary/missing' }));
    const into = ledger();
    const report = await sync({ land: into.land, ...onlyDocuments, maxAttachmentBytes: 1024 });
    expect(codes(report)).toEqual([
      ['DocumentReference/d-big', 'IMPORT_ATTACHMENT_TOO_LARGE'],
      ['DocumentReference/d-hash', 'IMPORT_ATTACHMENT_MISMATCH'],
      ['DocumentReference/d-size', 'IMPORT_ATTACHMENT_MISMATCH'],
      ['DocumentReference/d-away', 'IMPORT_FOREIGN_URL'],
      ['DocumentReference/d-gone', 'IMPORT_NOT_FOUND'],
    ]);
    expect(report).toMatchObject({ imported: 2, complete: true });
    for (const record of into.records) {
      const { attachments } = provenanceOf(record.bytes);
      expect(attachments).toHaveLength(1);
      expect(attachments[0]).toMatchObject({ contentType: 'application/pdf', size: pdf.length });
    }
    expect(fhir.log.some((l) => l.includes('cdn.example'))).toBe(false);
  });

  test('an attachment over the default 20 MiB cap is refused', async () => {
    fhir.binaries.set('huge', {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: new Uint8Array(20 * 1024 * 1024 + 1),
    });
    fhir.put(document('d-huge', { url: 'Binary/huge' }));
    const report = await sync({ land: ledger().land, ...onlyDocuments });
    expect(codes(report)).toEqual([['DocumentReference/d-huge', 'IMPORT_ATTACHMENT_TOO_LARGE']]);
  });
});

describe('malformed pages', () => {
  let hostile: Server;
  let base: string;
  let body: string | Uint8Array = '';
  beforeAll(async () => {
    hostile = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(body);
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/fhir`;
  });
  afterAll(async () => {
    hostile.closeAllConnections();
    await new Promise((r) => hostile.close(r));
  });

  /** Bundle-like pages: the right frame with any parts, or anything at all. */
  const page = fc.oneof(
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
    fc.string(),
    fc.uint8Array({ maxLength: 256 }),
    fc
      .record(
        {
          resourceType: fc.oneof(fc.constant('Bundle'), fc.jsonValue({ maxDepth: 1 })),
          type: fc.oneof(fc.constant('searchset'), fc.jsonValue({ maxDepth: 1 })),
          entry: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.array(
              fc.oneof(
                fc.jsonValue({ maxDepth: 3 }),
                fc.record(
                  {
                    resource: fc.oneof(
                      fc.jsonValue({ maxDepth: 3 }),
                      fc.constant(observation('x')),
                    ),
                    search: fc.jsonValue({ maxDepth: 2 }),
                  },
                  { requiredKeys: [] },
                ),
              ),
              { maxLength: 5 },
            ),
          ),
          link: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.array(
              fc.record({
                relation: fc.constantFrom('next', 'self', 'x'),
                url: fc.oneof(fc.webUrl(), fc.string(), fc.jsonValue({ maxDepth: 1 })),
              }),
              { maxLength: 3 },
            ),
          ),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  );

  test('any page is refused or read with typed errors, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(page, async (served) => {
        body = served;
        const report = await syncFromProvider({
          client: clientFor(base),
          patientId: PATIENT,
          types: ['Observation'],
          land: async () => {},
          maxPages: 3,
        });
        for (const { error } of report.failed) expect(error).toBeInstanceOf(ImportError);
        if (report.stoppedAt) expect(report.stoppedAt.error).toBeInstanceOf(ImportError);
        // anything refused at the page level leaves the sync incomplete
        if (
          report.failed.some(
            (f) => /^\w+ \(page \d+\)$/.test(f.ref) && f.error.code !== 'IMPORT_UNSORTED',
          )
        ) {
          expect(report.complete).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the Patient read may be anything too', async () => {
    await fc.assert(
      fc.asyncProperty(page, async (served) => {
        body = served;
        const report = await syncFromProvider({
          client: clientFor(base),
          patientId: PATIENT,
          types: ['Patient'],
          land: async () => {},
        });
        for (const { error } of report.failed) expect(error).toBeInstanceOf(ImportError);
      }),
      { numRuns: 100 },
    );
  });
});

test('fhirclient’s Client is a ProviderClient', () => {
  const client: ProviderClient = smart({} as never, {} as never).client({
    serverUrl: 'https://fhir.example.org/r4',
  });
  expect(typeof client.request).toBe('function');
});
