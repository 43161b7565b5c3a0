import { describe, expect, it } from 'vitest';
import { recordingHost } from './features/testing.js';
import { LessonState } from './lesson-state.svelte.js';

describe('LessonState advice', () => {
  it('keeps recovered, so a site in audio-only mode can be told its video may come back', () => {
    const state = new LessonState(recordingHost().host);
    state.setAdvice('audio_only_suggested');
    expect(state.advice).toBe('audio_only_suggested');
    state.setAdvice('recovered');
    expect(state.advice).toBe('recovered');
    state.setAdvice(null);
    expect(state.advice).toBeNull();
  });
});
