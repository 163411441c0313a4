/** Maintenance windows, freezes and the window policy: see spec.ts (format), engine.ts (rules), wait.ts (enforcement helpers). */
export * from './spec.js';
export * from './engine.js';
export * from './wait.js';
export { parseDuration, formatDuration, humanDuration, DurationError } from './duration.js';
export { loadWindows, parseWindows, WindowConfigError, type LoadedWindows, type LoadOptions } from './config.js';
export { explainBlocked, fmtTime, evaluationJson } from './cli.js';
export * from './enforce.js';
export { windowsJsonSchema } from './schema.js';
