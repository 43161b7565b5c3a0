/**
 * The camera and microphone this browser chose on the device check, remembered in localStorage so that a
 * classroom device joins its next lesson with one click, with the same camera, without asking again.
 */
export interface DeviceChoice {
  cameraId: string | null;
  micId: string | null;
  /** Join with the camera on (a site may choose to only watch and listen). */
  cameraOn: boolean;
  micOn: boolean;
}

const STORAGE_KEY = 'tongke.lesson.devices';
const DEFAULT_CHOICE: DeviceChoice = { cameraId: null, micId: null, cameraOn: true, micOn: true };

/** The remembered choice, or null when this browser never completed a device check. */
export function storedDeviceChoice(): DeviceChoice | null {
  let raw: string | null;
  try {
    raw = window.localStorage.getItem(STORAGE_KEY);
  } catch (error) {
    // Storage can be disabled by policy; the device check still works, it just is not remembered.
    console.warn('localStorage is not available', error);
    return null;
  }
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    const id = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
    return {
      cameraId: id(record.cameraId),
      micId: id(record.micId),
      cameraOn: record.cameraOn !== false,
      micOn: record.micOn !== false,
    };
  } catch (error) {
    console.warn('ignoring an unreadable stored device choice', error);
    return null;
  }
}

export function initialDeviceChoice(): DeviceChoice {
  return storedDeviceChoice() ?? { ...DEFAULT_CHOICE };
}

export function storeDeviceChoice(choice: DeviceChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
  } catch (error) {
    console.warn('could not remember the device choice', error);
  }
}
