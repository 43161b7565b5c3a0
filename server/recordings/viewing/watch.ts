import type { Access } from '../../core/access.js';
import type { CourseFacts } from '../../policy/policy.js';
import type { RecordingFacts, ViewerPlace } from './repository.js';

/*
 * STAND-IN for the policy's `recording.watch` (the library part adds it to server/policy/policy.ts): the lead
 * swaps `mayWatch` for `access.can('recording.watch', …)` at merge. Until then the same rule, read from the
 * course's own actions: the course's audience (its sites, lead teacher and admins over it) may watch any of
 * its recordings; anyone else only a published one, by its visibility against the viewer's own unit.
 */
export function mayWatch(access: Access, recording: RecordingFacts, course: CourseFacts, viewer: ViewerPlace): boolean {
  const target = { kind: 'course' as const, course };
  if (access.can('course.join', target) || access.can('course.teach', target) || access.can('course.manage', target)) return true;
  switch (recording.visibility) {
    case 'everyone':
      return true;
    case 'region':
      return viewer.regionId === recording.hostRegionId;
    case 'group':
      return recording.hostGroupId !== null && viewer.groupId === recording.hostGroupId;
    default:
      return false;
  }
}
