import { LESSON_REQUESTS, type LessonRequestName } from '../../shared/lesson/protocol.js';

// The benches' seeded PRNG (mulberry32), so that a failing run can be replayed from its printed seed.
export { seededRandom } from '../../bench/synthetic-year.js';

const REQUEST_NAMES = Object.keys(LESSON_REQUESTS) as LessonRequestName[];
const UNKNOWN_EVENTS = ['lesson:unknown', 'chat:delete', 'admin:grant', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'lesson:join ', 'LESSON:JOIN', ''];

/** Well-formed payloads of every request, with ids that may or may not exist (the fuzzer mutates them). */
function template(name: LessonRequestName, id: string, courseId: number): Record<string, unknown> {
  const byName: Record<LessonRequestName, Record<string, unknown>> = {
    'lesson:capabilities': { courseId },
    'lesson:join': { courseId, rtpCapabilities: { codecs: [] } },
    'lesson:start': { courseId },
    'lesson:end': {},
    'lesson:leave': {},
    'lesson:lock': { locked: true },
    'transport:create': { direction: 'send' },
    'transport:connect': { transportId: id, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] } },
    'transport:restart-ice': { transportId: id },
    'producer:create': { transportId: id, kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus' }] } },
    'producer:close': { producerId: id },
    'producer:pause': { producerId: id },
    'producer:resume': { producerId: id },
    'consumer:create': { producerId: id },
    'consumer:resume': { consumerId: id },
    'consumers:resume': { consumerIds: [id] },
    'consumer:tile': { consumerId: id, width: 320, height: 180, visible: true },
    'media:audio-only': { enabled: true },
    'hand:raise': {},
    'recording:start': {},
    'recording:stop': {},
    'hand:lower': { participantId: id },
    'stage:invite': { participantId: id },
    'stage:return': { participantId: id },
    'moderate:mute': { participantId: 'all' },
    'moderate:stop-camera': { participantId: id },
    'moderate:remove': { participantId: id },
    'moderate:readmit': { userId: 1 },
    'chat:send': { text: '捣乱' },
    'chat:set-enabled': { enabled: false },
    'observers:chat': { allowed: true },
    'board:open': { open: true },
    'board:add-blank': {},
    'board:show-document': { coursewareId: 1 },
    'board:turn': { pageId: id },
    'board:stroke': { pageId: id, strokeId: id, tool: 'pen', colour: 'red', width: 30, points: [[1, 2]] },
    'board:place': { pageId: id, item: { kind: 'text', at: [1, 2], text: '捣乱', size: 300, colour: 'red' } },
    'board:erase': { pageId: id, all: true },
    'board:laser': { pageId: id, at: [1, 2] },
    'board:pen': { participantId: id },
    'poll:create': { question: 'Q', options: ['a', 'b'], multiple: false },
    'poll:answer': { pollId: id, choices: [0] },
    'poll:close': { pollId: id },
    'quality:report': { rttMs: 10 },
    'classroom:headcount': { count: 3 },
  };
  return structuredClone(byName[name]);
}

/** One message the fuzzer sends: an event name, its arguments, and whether a function ack goes last. */
export interface FuzzMessage {
  event: string;
  args: unknown[];
  ack: 'function' | 'none' | 'not-a-function';
  /** Why it looks the way it does (printed when an assertion fails). */
  shape: string;
}

/**
 * Malformed and out-of-role lesson messages: wrong types, huge and deeply nested payloads, missing or
 * non-function acks, binary, unknown events, extra arguments, mutated well-formed payloads and random ids.
 * `ids` are real ids of the live lesson (participants, producers, polls…) mixed in with made-up ones.
 */
export function lessonFuzzer(random: () => number, courseIds: number[], ids: () => string[]) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number) => Math.floor(random() * max);
  const anyId = () => (random() < 0.5 && ids().length > 0 ? pick(ids()) : pick(['', 'x', '0', '-1', 'null', 'a'.repeat(101), crypto.randomUUID(), '../../etc', '{"$ne":1}']));
  const nested = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value };
    return value;
  };
  const scalar = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => int(2) === 0,
      () => int(1e9) - 5e8,
      () => random() * 1e308,
      () => -0,
      () => 'x'.repeat(int(600)),
      () => [],
      () => ({}),
      () => [1, 'a', null],
      () => Buffer.from([int(256), int(256)]),
      () => anyId(),
    ])();
  const mutate = (payload: Record<string, unknown>): [Record<string, unknown>, string] => {
    const keys = Object.keys(payload);
    switch (int(6)) {
      case 0:
        return [{ ...payload, [pick(['extra', '__proto__', 'constructor', 'courseId', 'participantId'])]: scalar() }, 'extra property'];
      case 1:
        if (keys.length === 0) return [{ x: 1 }, 'property on an empty request'];
        return [{ ...payload, [pick(keys)]: scalar() }, 'wrong type'];
      case 2: {
        if (keys.length === 0) return [payload, 'as is'];
        const copy = { ...payload };
        delete copy[pick(keys)];
        return [copy, 'missing property'];
      }
      case 3:
        return [{ ...payload, ...Object.fromEntries(keys.filter((k) => /Id$/.test(k)).map((k) => [k, anyId()])) }, 'random ids'];
      case 4:
        return [{ ...payload, courseId: pick([...courseIds, 0, -1, 2 ** 53, 1.5, 99999]) }, 'course id'];
      default:
        return [payload, 'as is'];
    }
  };

  return function next(): FuzzMessage {
    const roll = random();
    const ack = roll < 0.05 ? 'none' : roll < 0.08 ? 'not-a-function' : 'function';
    const event = random() < 0.06 ? pick(UNKNOWN_EVENTS) : pick(REQUEST_NAMES);
    const known = REQUEST_NAMES.includes(event as LessonRequestName);
    const base = known ? template(event as LessonRequestName, anyId(), pick(courseIds)) : {};
    const shape = int(20);
    let args: unknown[];
    let why: string;
    if (shape === 0) [args, why] = [[{ ...base, blob: 'x'.repeat(200_000) }], 'huge payload'];
    else if (shape === 1) [args, why] = [[nested(500 + int(1500))], 'deeply nested'];
    else if (shape === 2) [args, why] = [[Buffer.alloc(int(4096), int(256))], 'binary'];
    else if (shape === 3) [args, why] = [[scalar()], 'not an object'];
    else if (shape === 4) [args, why] = [[], 'no payload'];
    else if (shape === 5) [args, why] = [[base, scalar()], 'extra argument'];
    else if (shape === 6) [args, why] = [[{ ...base, data: Buffer.from('binary inside') }], 'binary inside'];
    else {
      const [payload, what] = mutate(base);
      [args, why] = [[payload], what];
    }
    if (ack === 'not-a-function') args = [...(args.length ? args : [{}]), 'not a function'];
    return { event, args, ack, shape: why };
  };
}

/**
 * Payloads only a hand-written client sends (the Socket.IO client's encoder cannot produce them): nesting
 * 100,000 deep, numbers JSON reads as Infinity, lone surrogates, prototype keys. Raw JSON text.
 */
export function rawPayloads(random: () => number): () => string {
  const deepArray = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const shapes: Array<() => string> = [
    () => deepArray(1_000 + Math.floor(random() * 100_000)),
    () => deepObject(1_000 + Math.floor(random() * 20_000)),
    () => `{"courseId":${deepArray(50_000)}}`,
    () => `{"text":${deepObject(10_000)}}`,
    () => '{"courseId":1e999}',
    () => '{"count":-0,"courseId":1e-999}',
    () => '{"text":"\\ud800\\udfff\\ud800"}',
    () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    () => '{"rtpCapabilities":{"codecs":[],"__proto__":{"polluted":true}},"courseId":1}',
    () => `[${Array.from({ length: 20_000 }, () => '{}').join(',')}]`,
    () => '"' + 'x'.repeat(200_000) + '"',
  ];
  return () => shapes[Math.floor(random() * shapes.length)]!();
}

/** Socket.IO frames that break the protocol: the server closes that connection and nothing else. */
export const BROKEN_FRAMES = [
  '2/lesson,abc["chat:send",{"text":"x"}]',
  '2/lesson,1{"text":"x"}',
  '2/lesson,1["chat:send",{"text":',
  '9',
  '2/nowhere,1["chat:send",{"text":"x"}]',
  '51-/lesson,1["chat:send",{"_placeholder":true,"num":5}]',
  '5999999-/lesson,1["chat:send",{}]',
  '2/lesson,1[]',
  '2/lesson,1[42]',
];
