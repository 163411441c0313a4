/** Types of the project file rel.yaml (see schema.ts for the validated shape). */

export interface WindowSpec {
  name?: string;
  schedule: string;
  duration: string;
  timeZone?: string;
  every?: string;
  anchor?: string;
}

export interface FreezeSpec {
  name?: string;
  start: string;
  end: string;
  timeZone?: string;
  reason?: string;
}

export interface WindowsSpec {
  allow?: WindowSpec[];
  deny?: WindowSpec[];
  freezes?: FreezeSpec[];
  policy?: { rollback?: 'always' | 'window'; canaryAtClose?: 'rollback' | 'pause' | 'finish'; closeMargin?: string };
}

export interface CheckSpec {
  name: string;
  builtin?: 'error-rate' | 'latency';
  query?: string;
  threshold?: number;
  op?: '<' | '<=' | '>' | '>=';
  interval?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  noData?: 'pass' | 'fail' | 'inconclusive';
  countQuery?: string;
  minRequests?: number;
}

export interface AnalysisSpec {
  prometheus?: { url?: string; bearerTokenEnv?: string; insecureSkipVerify?: boolean; caFile?: string; timeout?: string; scrapeInterval?: string };
  interval?: string;
  failureLimit?: number;
  minRequests?: number;
  maxErrorRate?: number;
  maxLatencyRatio?: number;
  checks?: CheckSpec[];
}

export interface StrategySpec {
  type?: 'rolling' | 'canary' | 'blueGreen';
  steps?: number[];
  stepInterval?: string;
  header?: string;
  cookie?: string;
  manualGate?: boolean;
  router?: 'nginx' | 'gateway' | 'replicas';
  previewHost?: string;
  scaleDownDelay?: string;
}

export interface NotificationsSpec {
  webhooks?: { url: string; events?: string[] }[];
}

export interface Settings {
  kubeContext?: string;
  kubeconfig?: string;
  namespace?: string;
  values?: string[];
  set?: Record<string, string | number | boolean>;
  strategy?: StrategySpec;
  analysis?: AnalysisSpec;
  windows?: WindowsSpec;
  notifications?: NotificationsSpec;
  timeout?: string;
  historyMax?: number;
  createNamespace?: boolean;
}

export interface ReleaseSpec extends Settings {
  name: string;
  chart: string;
  environments?: Record<string, Settings>;
}

export interface Project {
  apiVersion?: 'rel.dev/v1';
  defaults?: Settings;
  environments?: Record<string, Settings>;
  releases: ReleaseSpec[];
}
