import { describe, expect, it } from 'vitest';
import { lessonForFeatures } from '../testing.js';
import type { RecordingControl } from './recording.js';

/** A recorder that does what it is asked, telling the feature as the real one does. */
function control(show: (state: 'off' | 'recording') => void): RecordingControl & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    start: async (startedBy) => void (calls.push(`start:${startedBy}`), show('recording')),
    stop: async () => void (calls.push('stop'), show('off')),
  };
}

describe('the recording feature', () => {
  it('lets the lead teacher start and stop under teacher_choice, and tells every site', async () => {
    const { lesson, sent, join } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const recording = lesson.features.recording;
    const recorder = control((state) => recording.show(state === 'recording' ? { state, recordingId: 9 } : { state, recordingId: 9 }));
    recording.bind(recorder, 'teacher_choice');
    expect(await recording.start(teacher)).toMatchObject({ state: 'recording', recordingId: 9, policy: 'teacher_choice' });
    // A second click changes nothing.
    await recording.start(teacher);
    expect(await recording.stop(teacher)).toMatchObject({ state: 'off' });
    expect(recorder.calls).toEqual(['start:1', 'stop']);
    expect(sent.filter((m) => m.event === 'recording:state').map((m) => [m.to, (m.payload as { state: string }).state])).toEqual([
      [null, 'recording'],
      [null, 'off'],
    ]);
    expect(lesson.snapshotFor(teacher, []).recording).toMatchObject({ state: 'off', recordingId: 9 });
  });

  it('refuses a site that is not the lead teacher, and the policies that forbid it', async () => {
    const { lesson, join } = lessonForFeatures();
    const teacher = join(1, 'lead_teacher');
    const classroom = join(2, 'receiving_classroom');
    const recording = lesson.features.recording;
    await expect(recording.start(teacher)).rejects.toMatchObject({ code: 'recording_unavailable' });
    const recorder = control(() => undefined);
    recording.bind(recorder, 'never');
    await expect(recording.start(teacher)).rejects.toMatchObject({ code: 'recording_not_allowed' });
    recording.bind(recorder, 'always');
    await expect(recording.stop(teacher)).rejects.toMatchObject({ code: 'recording_required' });
    recording.bind(recorder, 'teacher_choice');
    await expect(recording.start(classroom)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(recording.stop(classroom)).rejects.toMatchObject({ code: 'forbidden' });
    expect(recorder.calls).toEqual([]);
  });
});
