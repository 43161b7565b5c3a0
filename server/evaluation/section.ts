import type { EvaluationScope, EvaluationSection } from '../../shared/api/evaluation.js';

/**
 * How one part of the self-evaluation file renders itself for a region and term. The file's labels are
 * written in Chinese (zh-CN): it is an official document passed up the review chain, and a frozen snapshot
 * keeps one wording for everyone who reads it.
 */
export type SectionBuilder = (scope: EvaluationScope) => Promise<EvaluationSection>;
