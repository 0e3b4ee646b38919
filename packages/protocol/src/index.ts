export * from './errors.ts';
export * from './http.ts';
export * from './models.ts';
export * from './signaling.ts';
export * from './social.ts';
export * from './spaces.ts';
export * from './questions.ts';
export * from './recordings.ts';
