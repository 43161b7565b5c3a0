import { describe, expect, it } from 'vitest';
import { RecordingManager, recordingClock } from './recording.svelte.js';
import { recordingHost } from './testing.js';

const SINCE = '2026-11-30T01:00:00.000Z';

describe('the recording manager', () => {
  it('shows the state the snapshot carries, and counts the elapsed time from when it started', () => {
    const recording = new RecordingManager(recordingHost().host, () => false);
    recording.fromSnapshot({ recording: { state: 'recording', since: SINCE, recordingId: 7, policy: 'always' } });
    expect(recording.recording).toBe(true);
    expect(recording.elapsedSeconds(Date.parse(SINCE) + 75_500)).toBe(75);
    expect(recordingClock(75)).toBe('01:15');
    expect(recordingClock(3725)).toBe('1:02:05');
  });

  it('lets only the lead teacher control it, and only under teacher_choice', () => {
    let lead = true;
    const recording = new RecordingManager(recordingHost().host, () => lead);
    recording.fromSnapshot({ recording: { state: 'off', since: SINCE, policy: 'teacher_choice' } });
    expect(recording.canControl).toBe(true);
    recording.events['recording:state']({ state: 'recording', since: SINCE, recordingId: 1, policy: 'always' });
    expect(recording.canControl).toBe(false);
    lead = false;
    recording.events['recording:state']({ state: 'off', since: SINCE, policy: 'teacher_choice' });
    expect(recording.canControl).toBe(false);
  });

  it('sends start and stop, and tells the room when a recording was cut short', async () => {
    const { host, requests, notices } = recordingHost();
    const recording = new RecordingManager(host, () => true);
    recording.fromSnapshot({ recording: { state: 'off', since: SINCE, policy: 'teacher_choice' } });
    expect(await recording.start()).toBe(true);
    expect(await recording.stop()).toBe(true);
    expect(requests.map((r) => r.name)).toEqual(['recording:start', 'recording:stop']);
    recording.events['recording:state']({ state: 'off', since: SINCE, recordingId: 3, cut: 'disk_low', policy: 'teacher_choice' });
    expect(recording.recording).toBe(false);
    expect(recording.elapsedSeconds(Date.now())).toBe(0);
    expect(notices).toEqual(['warning:lessonRecording.cut.disk_low']);
  });
});
