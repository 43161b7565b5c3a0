import type { LessonRequestName } from '../../../../shared/lesson/protocol.js';
import type { FeatureClientHost } from './feature-client.js';

/**
 * For the feature managers' unit tests: a host that records the requests a manager sends (answering each
 * with `accept`) and the notices it shows, so a test asserts what would go to the server and to the room.
 */
export function recordingHost(accept = true) {
  const requests: Array<{ name: LessonRequestName; payload: unknown }> = [];
  const notices: string[] = [];
  const host: FeatureClientHost = {
    request: async (name, payload) => (requests.push({ name, payload }), accept),
    notify: (kind, key) => void notices.push(`${kind}:${key}`),
  };
  return { host, requests, notices };
}
