/**
 * User names of classroom devices. Pairing names a classroom's device account `classroom-<classroom id>`
 * (or `classroom-<id>-<n>` when an account made before this rule holds that name); people can never take a
 * name of that shape, so a device and a person are never confused and pairing never fails on a taken name.
 */
const DEVICE_NAMESPACE = /^classroom-\d+(-\d+)?$/i;

/** Whether a user name belongs to the classroom-device namespace (refused for people). */
export function isDeviceUsername(username: string): boolean {
  return DEVICE_NAMESPACE.test(username.trim());
}

/** The names a classroom's device account may take, in order of preference. */
export function deviceUsernameCandidates(classroomId: number): string[] {
  return [`classroom-${classroomId}`, ...Array.from({ length: 9 }, (_, i) => `classroom-${classroomId}-${i + 2}`)];
}
