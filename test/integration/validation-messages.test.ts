import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MESSAGES } from '../../shared/i18n/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * Every form's invalid cases, in zh-CN: for every route the app registered with a body schema, a valid
 * body is generated from the schema, then each property in turn (nested ones too) is made invalid in
 * every way its schema forbids — missing, empty, too long, wrong pattern, wrong type, out of range, not
 * one of the choices. Each answer must be a 400 whose messages name the field in Chinese, with no
 * English word and no regex in them.
 */

type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
};

const PATTERN_SAMPLES: Record<string, string> = {
  '\\S': '名称',
  '^[A-Za-z0-9._@-]+$': 'abc.def',
  '^[a-z0-9-]+$': 'abc-1',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-09-01',
  '^([01]\\d|2[0-3]):[0-5]\\d$': '08:30',
};

/** The branch that is not `null` of a nullable union. */
const concrete = (schema: Schema): Schema => schema.anyOf?.find((s) => s.type !== 'null') ?? schema;

function validValue(raw: Schema): unknown {
  const schema = concrete(raw);
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string': {
      if (typeof schema.pattern === 'string') return PATTERN_SAMPLES[schema.pattern] ?? 'x';
      if (schema.format === 'date-time') return '2026-09-01T08:00:00+08:00';
      return 'a'.repeat(Math.max(Number(schema.minLength ?? 1), 1) + 2).slice(0, Number(schema.maxLength ?? 100));
    }
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array': {
      const items = schema.items;
      // A tuple ([from, to]): one sample per position.
      if (Array.isArray(items)) return items.map(validValue);
      return Array.from({ length: Number(schema.minItems ?? 0) }, (_, i) => (items?.type === 'integer' ? i + 1 : validValue(items ?? {})));
    }
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, validValue(schema.properties?.[key] ?? {})]));
    default:
      throw new Error(`no valid sample for ${JSON.stringify(schema)}`);
  }
}

/** Values the schema refuses, each with what it tries. */
function invalidValues(raw: Schema): Array<{ why: string; value: unknown }> {
  const schema = concrete(raw);
  const cases: Array<{ why: string; value: unknown }> = [];
  if ('const' in schema || schema.enum) return [{ why: 'not a choice', value: '不存在的选项' }];
  switch (schema.type) {
    case 'string':
      cases.push({ why: 'wrong type', value: { a: 1 } });
      if (Number(schema.minLength ?? 0) >= 1) cases.push({ why: 'empty', value: '' });
      if (Number(schema.minLength ?? 0) > 1) cases.push({ why: 'too short', value: 'a' });
      if (schema.maxLength !== undefined) cases.push({ why: 'too long', value: 'a'.repeat(Number(schema.maxLength) + 1) });
      if (schema.pattern === '\\S') cases.push({ why: 'blank', value: '   ' });
      else if (schema.pattern !== undefined) cases.push({ why: 'pattern', value: '张三 李四' });
      if (schema.format === 'date-time') cases.push({ why: 'format', value: '明天' });
      break;
    case 'integer':
    case 'number':
      cases.push({ why: 'wrong type', value: '三' });
      if (schema.type === 'integer') cases.push({ why: 'fraction', value: 1.5 });
      // A nullable number coerces 0 to null (Ajv coerceTypes), which is valid: go below 0 instead.
      if (schema.minimum !== undefined) cases.push({ why: 'below minimum', value: Number(schema.minimum) - 1 === 0 && raw.anyOf ? -1 : Number(schema.minimum) - 1 });
      if (schema.maximum !== undefined) cases.push({ why: 'above maximum', value: Number(schema.maximum) + 1 });
      break;
    case 'boolean':
      cases.push({ why: 'wrong type', value: '也许' });
      break;
    case 'array':
      cases.push({ why: 'wrong type', value: { a: 1 } });
      if (Number(schema.minItems ?? 0) >= 1) cases.push({ why: 'too few', value: [] });
      break;
    case 'object':
      cases.push({ why: 'wrong type', value: '文字' });
      break;
  }
  return cases;
}

interface BodyCase {
  route: string;
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  why: string;
  path: string;
  body: unknown;
}

/** Every property (and the properties of nested objects and of array items) made invalid in every way. */
function casesOf(method: BodyCase['method'], url: string, bodySchema: Schema): BodyCase[] {
  const route = `${method} ${url}`;
  const concreteUrl = url.replace(/:[A-Za-z]+/g, '1');
  const cases: BodyCase[] = [];
  // `base` is a valid body in which the parent of `pointer` exists (optional objects and array items are
  // filled in first, so that the property itself is the one thing wrong).
  const visit = (schema: Schema, pointer: string[], required: boolean, base: unknown) => {
    const path = `/${pointer.join('/')}`;
    const body = (value: unknown): unknown => setAt(structuredClone(base), pointer, value);
    if (required && !('default' in schema)) cases.push({ route, url: concreteUrl, method, why: 'missing', path, body: body(undefined) });
    for (const { why, value } of invalidValues(schema)) cases.push({ route, url: concreteUrl, method, why, path, body: body(value) });
    const inner = concrete(schema);
    if (inner.type === 'object') {
      const seeded = body(validValue(inner));
      for (const [key, child] of Object.entries(inner.properties ?? {})) visit(child, [...pointer, key], (inner.required ?? []).includes(key), seeded);
    }
    const item = inner.type === 'array' && inner.items && !Array.isArray(inner.items) ? concrete(inner.items) : null;
    if (item?.type === 'object') {
      // As many items as the array needs (a rubric dimension has at least two levels), the first one walked.
      const seeded = body(Array.from({ length: Math.max(Number(inner.minItems ?? 0), 1) }, () => validValue(item)));
      for (const [key, child] of Object.entries(item.properties ?? {})) visit(child, [...pointer, '0', key], (item.required ?? []).includes(key), seeded);
    }
  };
  const base = validValue(bodySchema);
  for (const [key, child] of Object.entries(bodySchema.properties ?? {})) visit(child, [key], (bodySchema.required ?? []).includes(key), base);
  return cases;
}

function setAt(target: unknown, pointer: readonly string[], value: unknown): unknown {
  let node = target as Record<string, unknown>;
  for (const key of pointer.slice(0, -1)) {
    node[key] ??= /^\d+$/.test(pointer[pointer.indexOf(key) + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  const last = pointer.at(-1) ?? '';
  if (value === undefined) delete node[last];
  else node[last] = value;
  return target;
}

describe('validation messages in zh-CN', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    // Behind a (pretend) proxy, each case comes from its own address: the sign-in and setup routes are
    // rate-limited by address, and this walk sends more than their limit.
    f = await createOrganisationFixture({ media: true }, { loginAccountLimit: 1000, trustProxy: true });
  });
  afterAll(async () => f.close());

  it('every invalid value of every form answers beside its field in Chinese, with no English and no regex', async () => {
    const admin = await f.as('system_admin');
    const cases = f.t.app.registeredRoutes.flatMap((r) =>
      r.body && (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') ? casesOf(r.method, r.url, r.body as Schema) : [],
    );
    const routes = new Set(cases.map((c) => c.route));
    // 382 cases over 24 routes when written: a generator that stopped producing cases would prove nothing.
    expect(routes.size).toBeGreaterThanOrEqual(20);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(routes).toContain('POST /api/users');

    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const res = await admin.request(c.method, c.url, c.body, { 'accept-language': 'zh-CN', 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` });
      const error = res.json().error as { code: string; message: string; details?: Array<{ path: string; message: string }> } | undefined;
      const label = `${c.route} ${c.path} (${c.why})`;
      if (res.statusCode !== 400 || error?.code !== 'bad_request') {
        failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        continue;
      }
      const beside = error.details?.find((d) => d.path === c.path);
      if (!beside) failures.push(`${label}: no message beside the field, got ${JSON.stringify(error.details)}`);
      for (const message of [error.message, ...(error.details ?? []).map((d) => d.message)]) {
        if (/[A-Za-z]|\^|\$|\\/.test(message)) failures.push(`${label}: "${message}"`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers a rule the service checks beside its field in the user's language, keeping the reason for developers", async () => {
    const admin = await f.as('system_admin');
    const body = { username: 'rule.check', displayName: '规则', password: 'long-password-1', grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }], student: { schoolId: f.ids.leadSchoolId, grade: 3, className: '', homeDelivery: false } };
    const zh = await admin.request('POST', '/api/users', body, { 'accept-language': 'zh-CN' });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.details).toEqual([{ path: '/student', field: 'student', keyword: 'rule', message: '“学生信息”的内容不正确。', reason: 'only students have a student profile' }]);
    const en = await admin.request('POST', '/api/users', body, { 'accept-language': 'en' });
    expect(en.json().error.details[0].message).toBe('"student details" is not valid.');
  });

  it('labels every property of every body in both languages', () => {
    const names = new Set<string>();
    const collect = (schema: Schema) => {
      const inner = concrete(schema);
      for (const [key, child] of Object.entries(inner.properties ?? {})) {
        names.add(key);
        collect(child);
      }
      for (const items of [inner.items ?? []].flat()) collect(items);
    };
    for (const r of f.t.app.registeredRoutes) if (r.body) collect(r.body as Schema);
    for (const locale of ['zh-CN', 'en'] as const) {
      const labels = SHARED_MESSAGES[locale].field as Record<string, string>;
      expect([...names].filter((name) => !labels[name]), locale).toEqual([]);
    }
  });
});
