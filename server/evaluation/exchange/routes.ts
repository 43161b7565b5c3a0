import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import { EvaluationPartQuery, EvaluationTermParams, ExchangeEligibleBody, ExchangeEntry, ExchangeEntryBody, ExchangeEntryParams, ExchangeRegister } from '../../../shared/api/evaluation-checklist.js';
import type { TongkeApp } from '../../core/app-types.js';
import type { Action } from '../../policy/policy.js';
import { sendSectionWorkbook } from '../checklist/export.js';
import type { ChecklistParts } from '../checklist/parts.js';

const tags = ['evaluation'];
const BASE = '/api/evaluation/regions/:regionId/terms/:termId/exchange';

type Authorize = (request: Parameters<TongkeApp['authorize']>[0], action: Action, regionId: number) => Promise<number>;

/** The teacher-exchange register (交流轮岗) of a region's term: read with `evaluation.read`, kept with `evaluation.manage`. */
export function registerExchangeRoutes(app: TongkeApp, parts: ChecklistParts, authorize: Authorize, regionName: (regionId: number) => Promise<string>): void {
  const { exchange } = parts;

  app.get(
    BASE,
    {
      schema: {
        tags,
        produces: ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        summary: "The region's teacher-exchange register for a term",
        description: 'Rotations, the eligible-teacher count, the shares against ≥ 10 % and ≥ 20 %, and the online-exchange figure beside them. `format=xlsx` downloads it as it goes into the evaluation file.',
        params: EvaluationTermParams,
        querystring: EvaluationPartQuery,
        response: { 200: ExchangeRegister, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { regionId, termId } = request.params;
      await authorize(request, 'evaluation.read', regionId);
      if (request.query.format !== 'xlsx') return exchange.register({ regionId, termId });
      const section = await parts.sections.exchange({ regionId, termId });
      const name = await regionName(regionId);
      return sendSectionWorkbook(app, reply, section, { name: `教师交流轮岗-${name}`, ascii: `exchange-${regionId}-${termId}`, regionName: name });
    },
  );

  app.put(
    `${BASE}/eligible`,
    { schema: { tags, summary: "Sets the term's count of teachers eligible for exchange", params: EvaluationTermParams, body: ExchangeEligibleBody, response: { 200: ExchangeRegister, ...ERROR_RESPONSES } } },
    async (request) => {
      const { regionId, termId } = request.params;
      const userId = await authorize(request, 'evaluation.manage', regionId);
      return exchange.saveEligible({ regionId, termId }, request.body.eligibleTeachers, userId);
    },
  );

  app.post(
    `${BASE}/entries`,
    { schema: { tags, summary: 'Records a rotation', params: EvaluationTermParams, body: ExchangeEntryBody, response: { 201: ExchangeEntry, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { regionId, termId } = request.params;
      const userId = await authorize(request, 'evaluation.manage', regionId);
      return reply.status(201).send(await exchange.addEntry({ regionId, termId }, request.body, userId));
    },
  );

  app.put(
    `${BASE}/entries/:entryId`,
    { schema: { tags, summary: 'Changes a rotation', params: ExchangeEntryParams, body: ExchangeEntryBody, response: { 200: ExchangeEntry, ...ERROR_RESPONSES } } },
    async (request) => {
      const { regionId, termId, entryId } = request.params;
      const userId = await authorize(request, 'evaluation.manage', regionId);
      return exchange.updateEntry({ regionId, termId }, entryId, request.body, userId);
    },
  );

  app.delete(
    `${BASE}/entries/:entryId`,
    { schema: { tags, summary: 'Removes a rotation', params: ExchangeEntryParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { regionId, termId, entryId } = request.params;
      await authorize(request, 'evaluation.manage', regionId);
      await exchange.removeEntry({ regionId, termId }, entryId);
      return reply.code(204).send(null);
    },
  );
}
