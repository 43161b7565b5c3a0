export * from './organisation.js';
export * from './people.js';
export * from './accounts.js';
export * from './teaching.js';
export * from './evidence.js';
export * from './rollups.js';
export * from './evaluation-checklist.js';
