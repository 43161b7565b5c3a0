import type { Locale } from '../../shared/i18n/index.js';

/** One problem with one field of a request, as the client shows it beside that field. */
export interface FieldProblem {
  /** JSON pointer into the request part ('/username', '/grants/0/role'); '' for the whole body. */
  path: string;
  /** The property name the label comes from ('username'), '' for the whole body. */
  field: string;
  /** The schema keyword that failed ('pattern', 'maxLength', …). */
  keyword: string;
  /** Why, in the caller's language, naming the field by its label. */
  message: string;
}

/** What Ajv reports for one failed keyword (the part we read). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

type Translate = (locale: Locale, key: string, params?: Record<string, unknown>) => string;

/**
 * The shared schemas' patterns, each with a message a teacher understands (a regex is no message). A
 * pattern not listed here gets the generic "not in the right format" — never its source.
 */
const PATTERN_MESSAGES: Record<string, string> = {
  '\\S': 'patternNotBlank',
  '^[A-Za-z0-9._@-]+$': 'patternUsername',
  '^[a-z0-9-]+$': 'patternCode',
  '^\\d{4}-\\d{2}-\\d{2}$': 'patternDate',
  '^([01]\\d|2[0-3]):[0-5]\\d$': 'patternTime',
};

/** Keywords whose message is the keyword's own, with `{{limit}}`. */
const LIMIT_KEYWORDS = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems']);
/** Keywords that only say "one of the branches failed": the branch's own error says more. */
const COMBINATOR_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

/**
 * Turns schema (Ajv) errors into field-level messages in the caller's language: THE place where a
 * failed keyword becomes words. Fields are named by their label (`field.<property>` in the shared
 * catalog). One message per field — the first failure Ajv reports for it — so that a union's
 * branches ("should be integer", "should be null") do not all reach the user.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], locale: Locale, translate: Translate): FieldProblem[] {
  const problems = new Map<string, FieldProblem>();
  const meaningful = errors.filter((e) => !COMBINATOR_KEYWORDS.has(e.keyword));
  for (const error of meaningful.length > 0 ? meaningful : errors) {
    const path = problemPath(error);
    if (problems.has(path)) continue;
    const field = fieldName(path);
    const label = translate(locale, `field.${field || 'body'}`, { defaultValue: translate(locale, 'field.body') });
    problems.set(path, { path, field, keyword: error.keyword, message: translate(locale, `validation.${messageKey(error)}`, messageParams(error, label, locale, translate)) });
  }
  return [...problems.values()];
}

/**
 * A rule the service checked (`invalidField(path, reason)`: "no such school", "not an active teacher…")
 * as a field-level message in the caller's language. The reason is English for developers; it stays in
 * the answer as `reason` but is not what the user reads.
 */
export function describeRuleProblem(path: string, reason: string, locale: Locale, translate: Translate): FieldProblem & { reason: string } {
  const field = fieldName(path);
  const label = translate(locale, `field.${field || 'body'}`, { defaultValue: translate(locale, 'field.body') });
  return { path, field, keyword: 'rule', message: translate(locale, 'validation.invalid', { field: label }), reason };
}

/** The missing or unknown property is part of the path: the message belongs beside that field. */
function problemPath(error: SchemaError): string {
  const property = error.keyword === 'required' ? error.params.missingProperty : error.keyword === 'additionalProperties' ? error.params.additionalProperty : undefined;
  return typeof property === 'string' ? `${error.instancePath}/${property}` : error.instancePath;
}

/** The last named segment: '/grants/0/role' → 'role', '/studentIds/3' → 'studentIds'. */
function fieldName(path: string): string {
  return path.split('/').filter((segment) => segment !== '' && !/^\d+$/.test(segment)).at(-1) ?? '';
}

function messageKey(error: SchemaError): string {
  const { keyword, params } = error;
  if (keyword === 'minLength' && params.limit === 1) return 'empty';
  if (LIMIT_KEYWORDS.has(keyword) || keyword === 'required' || keyword === 'type' || keyword === 'format' || keyword === 'uniqueItems') return keyword;
  if (keyword === 'exclusiveMinimum') return 'minimum';
  if (keyword === 'exclusiveMaximum') return 'maximum';
  if (keyword === 'enum' || keyword === 'const') return 'enum';
  if (keyword === 'additionalProperties') return 'unknownField';
  if (keyword === 'pattern') return PATTERN_MESSAGES[String(params.pattern)] ?? 'pattern';
  return 'invalid';
}

function messageParams(error: SchemaError, label: string, locale: Locale, translate: Translate): Record<string, unknown> {
  const type = [error.params.type].flat()[0];
  return {
    field: label,
    limit: error.params.limit ?? error.params.comparison,
    type: typeof type === 'string' ? translate(locale, `validation.typeName.${type}`) : '',
  };
}
