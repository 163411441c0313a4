/**
 * JSON Schema (draft-07, for ajv) of the `windows` section of rel.yaml, for the project-file schema to embed
 * (at `windows` and `environments.<env>.windows`). It checks shapes only; compileWindowSpec() still checks
 * cron expressions, zones, durations and date order, with messages that name the field.
 */
const duration = {
  type: 'string',
  pattern: '^([+-]?0|[+-]?((\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+)$',
  description: 'Go-style duration, e.g. 90m, 1h30m, 2h',
};

const window = {
  type: 'object',
  additionalProperties: false,
  required: ['schedule', 'duration'],
  properties: {
    name: { type: 'string', minLength: 1 },
    schedule: { type: 'string', minLength: 1, description: 'cron schedule of the start: 5 fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly' },
    duration,
    timeZone: { type: 'string', minLength: 1, description: 'IANA time zone, e.g. Europe/Berlin (default: windows.timeZone, else UTC)' },
    every: { type: 'string', pattern: '^\\d+\\s*[dw]$', description: 'keep only every Nth week (Nw) or day (Nd), counted from anchor' },
    anchor: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date where block 0 of `every` starts' },
  },
  dependencies: { every: ['anchor'], anchor: ['every'] },
};

const freeze = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end', 'reason'],
  properties: {
    name: { type: 'string', minLength: 1 },
    start: { type: 'string', description: 'ISO 8601 date-time with offset, or local date-time/date in timeZone' },
    end: { type: 'string', description: 'like start; a bare date means the end of that day' },
    timeZone: { type: 'string', minLength: 1 },
    reason: { type: 'string', minLength: 1 },
  },
};

export const windowsJsonSchema = {
  $id: 'https://rel.dev/schemas/windows.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    timeZone: { type: 'string', minLength: 1 },
    allow: { type: 'array', items: window },
    deny: { type: 'array', items: window },
    freezes: { type: 'array', items: freeze },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rollback: { enum: ['always', 'window'] },
        canaryAtClose: { enum: ['rollback', 'pause', 'finish'] },
        closeMargin: duration,
      },
    },
  },
} as const;
