import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a student link grants: one student, one course, until a time; `linkId` names its row, to revoke it. */
export interface StudentLinkClaims {
  linkId: number;
  studentId: number;
  courseId: number;
  expiresAt: Date;
}

const sign = (secret: string, payload: string): string => createHmac('sha256', secret).update(`student-link:${payload}`).digest('base64url');

/** A compact signed token: base64url(JSON claims) + "." + HMAC-SHA256. */
export function signStudentLink(secret: string, claims: StudentLinkClaims): string {
  const payload = Buffer.from(JSON.stringify({ l: claims.linkId, s: claims.studentId, c: claims.courseId, e: claims.expiresAt.getTime() })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export type StudentLinkResult = { ok: true; claims: StudentLinkClaims } | { ok: false; reason: 'link_invalid' | 'link_expired' };

export function verifyStudentLink(secret: string, token: string, now: Date): StudentLinkResult {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'link_invalid' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'link_invalid' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'link_invalid' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'link_invalid' };
  const { l, s, c, e } = raw as Record<string, unknown>;
  // A link signed before links had rows (no `l`) cannot be revoked, so it is no longer honoured.
  if (!Number.isInteger(l) || !Number.isInteger(s) || !Number.isInteger(c) || !Number.isInteger(e)) return { ok: false, reason: 'link_invalid' };
  const claims = { linkId: l as number, studentId: s as number, courseId: c as number, expiresAt: new Date(e as number) };
  if (claims.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'link_expired' };
  return { ok: true, claims };
}
