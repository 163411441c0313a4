/**
 * JSON schema of the project file `rel.yaml`. Validated with ajv; unknown keys are errors
 * (with a "did you mean" hint), so a typo never silently does nothing.
 */
import { windowsJsonSchema } from '../windows/schema.js';

const duration = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d|w))+$' } as const;

/** The windows section's schema comes from the window engine, so both always agree. */
const { $id: _id, ...windows } = windowsJsonSchema as unknown as Record<string, unknown>;

const check = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string' },
    builtin: { enum: ['error-rate', 'latency'] },
    query: { type: 'string', description: 'PromQL template; variables {{release}}, {{namespace}}, {{canary}}, {{stable}}, {{ingress}}, {{interval}}' },
    threshold: { type: 'number' },
    op: { enum: ['<', '<=', '>', '>='], description: 'the check passes when VALUE op THRESHOLD' },
    interval: duration,
    failureLimit: { type: 'integer', minimum: 0 },
    inconclusiveLimit: { type: 'integer', minimum: 0 },
    noData: { enum: ['pass', 'fail', 'inconclusive'] },
    countQuery: { type: 'string', description: 'PromQL giving the number of requests in the window; with minRequests' },
    minRequests: { type: 'integer', minimum: 0, description: 'fewer requests than this in the window: inconclusive' },
  },
} as const;

const analysis = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prometheus: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string' },
        bearerTokenEnv: { type: 'string' },
        insecureSkipVerify: { type: 'boolean' },
        caFile: { type: 'string' },
        timeout: duration,
        scrapeInterval: duration,
      },
    },
    interval: duration,
    failureLimit: { type: 'integer', minimum: 0 },
    minRequests: { type: 'integer', minimum: 0 },
    maxErrorRate: { type: 'number', minimum: 0, maximum: 1 },
    maxLatencyRatio: { type: 'number', minimum: 0 },
    checks: { type: 'array', items: check },
  },
} as const;

const strategy = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { enum: ['rolling', 'canary', 'blueGreen'] },
    steps: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
    stepInterval: duration,
    header: { type: 'string' },
    cookie: { type: 'string' },
    manualGate: { type: 'boolean' },
    router: { enum: ['nginx', 'gateway', 'replicas'] },
    previewHost: { type: 'string' },
    scaleDownDelay: duration,
  },
} as const;

const notifications = {
  type: 'object',
  additionalProperties: false,
  properties: {
    webhooks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string' },
          events: { type: 'array', items: { enum: ['started', 'promoted', 'rolled-back', 'failed', 'refused'] } },
        },
      },
    },
  },
} as const;

/** Settings an environment, a release, or a release-in-an-environment may set. */
const settings = {
  kubeContext: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  values: { type: 'array', items: { type: 'string' } },
  set: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  strategy,
  analysis,
  windows,
  notifications,
  timeout: duration,
  historyMax: { type: 'integer', minimum: 0 },
  createNamespace: { type: 'boolean' },
} as const;

export const projectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['releases'],
  properties: {
    apiVersion: { const: 'rel.dev/v1' },
    defaults: { type: 'object', additionalProperties: false, properties: settings },
    environments: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      additionalProperties: { type: 'object', additionalProperties: false, properties: settings },
    },
    releases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'chart'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 53 },
          chart: { type: 'string' },
          ...settings,
          environments: {
            type: 'object',
            additionalProperties: { type: 'object', additionalProperties: false, properties: settings },
          },
        },
      },
    },
  },
} as const;

/** Keys allowed at each level, for "did you mean" hints. */
export const settingKeys = Object.keys(settings);
