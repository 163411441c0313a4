import { Analysis, type Check, type Measurement, builtinChecks, promDuration } from '../analysis/checks.js';
import type { MetricSelectors } from '../routers/router.js';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricProvider } from '../metrics/provider.js';
import { parseManifest, withOwnership, objectKey } from '../release/manifest.js';
import { type ReleaseContext, applyAll } from '../release/operations.js';
import { waitForReady } from '../release/wait.js';
import { GatewayRouter } from '../routers/gateway.js';
import { NginxRouter, backendServices } from '../routers/nginx.js';
import { ReplicaRouter } from '../routers/replicas.js';
import type { TrafficRouter } from '../routers/router.js';
import { labelValue, routedName } from '../routers/names.js';
import { updateWithRetry } from '../routers/update.js';
import type { Release } from '../storage/release.js';
import { type RolloutState, type RolloutTarget, RolloutStateStore } from './state.js';

export const TRACK_LABEL = 'rel.dev/track';
export const CANARY_OF_LABEL = 'rel.dev/canary-of';
/** How often a running rollout looks for `rel promote` / `rel abort` requests. */
const REQUEST_POLL_MS = 500;

export interface ProgressiveOptions {
  strategy: 'canary' | 'blueGreen';
  /** Canary traffic weights in percent; the last step that is 100 means "promote". */
  steps: number[];
  stepIntervalMs: number;
  analysisIntervalMs: number;
  /**
   * Prometheus' scrape interval (0: not given). The rate window of the checks ({{interval}}) is the analysis interval
   * plus one scrape, so that consecutive windows together use every sample: rate() only sees samples inside its
   * window, and a window as long as the interval would leave the increase between two windows out.
   */
  scrapeIntervalMs?: number;
  failureLimit: number;
  /** Fewest canary requests in a check's window for the built-in checks to be conclusive (0: no minimum). */
  minRequests?: number;
  maxErrorRate: number;
  maxLatencyRatio: number;
  extraChecks?: Check[];
  provider?: MetricProvider;
  /** Kept in the rollout state so a resuming process can build the provider again. */
  prometheusUrl?: string;
  router?: 'nginx' | 'gateway' | 'replicas';
  header?: { name: string; value?: string };
  cookie?: string;
  manualGate?: boolean;
  /** Readiness timeout for each step. */
  timeoutMs: number;
  /** Blue-green: host of a preview Ingress routing to the new version before the switch. */
  previewHost?: string;
  /** Blue-green: how long the old version stays up after the switch (instant rollback). */
  scaleDownDelayMs?: number;
  /** Called with the time (ms) left before the maintenance window closes, each tick; return 'rollback' | 'pause' | 'finish' | undefined. */
  windowCheck?: () => Promise<'rollback' | 'pause' | 'finish' | undefined>;
  /** Sleep that wakes early when a control request arrives (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

/** Raised when the rollout was rolled back (analysis, readiness, timeout, cluster error, abort). Exit code 3. */
export class RolloutRolledBack extends UserError {
  constructor(
    message: string,
    readonly measurements: Measurement[],
    readonly detectionToSafeMs: number | undefined,
    readonly timing: RollbackTiming = {},
  ) {
    super(message, { exitCode: ExitCode.ROLLED_BACK });
    this.name = 'RolloutRolledBack';
  }

  /** Time from the moment the current step's weight reached the router to traffic back on stable only (ms). */
  get stepToSafeMs(): number | undefined {
    const { stepStartedAt, safeAt } = this.timing;
    return stepStartedAt !== undefined && safeAt !== undefined ? safeAt - stepStartedAt : undefined;
  }
}

/** Epoch milliseconds of the moments a rollback is measured between. */
export interface RollbackTiming {
  /** The revision that was rolled back. */
  revision?: number;
  /** Canary weight of the step that failed. */
  weight?: number;
  /** When that step's weight was set on the router (traffic started reaching the new version at it). */
  stepStartedAt?: number;
  /** When rel decided to roll back. */
  detectedAt?: number;
  /** When the router sent all traffic to the stable version again (canary weight 0). */
  safeAt?: number;
}

type Dep = KubeObject & {
  spec: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
};
type Svc = KubeObject & { spec?: { selector?: Record<string, string>; ports?: unknown[]; type?: string } };

const suffixed = (v: string, s: string) => `${v.slice(0, 63 - s.length)}${s}`;

interface Plan {
  target: RolloutTarget;
  stable: Dep;
  canary: Dep;
  service?: Svc;
  canaryService?: Svc;
  router: TrafficRouter;
}

/**
 * Drives a canary or blue-green rollout of one release revision on plain Kubernetes objects:
 * parallel Deployments and Services, traffic moved by a router, Prometheus analysis at every step,
 * automatic rollback. Its state lives in the cluster so another process can resume, promote or abort.
 */
export class ProgressiveRollout {
  readonly store: RolloutStateStore;
  private plans: Plan[] = [];
  private state!: RolloutState;
  private analyses: Analysis[] = [];
  private rendered: KubeObject[] = [];
  private previewIngresses: KubeObject[] = [];
  /** When the current step's weight was set on the routers (epoch ms). */
  private stepStartedAt: number | undefined;
  /** When abort() had sent all traffic back to stable (epoch ms). */
  private safeAt: number | undefined;
  readonly measurements: Measurement[] = [];

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly opts: ProgressiveOptions,
  ) {
    this.store = new RolloutStateStore(ctx.kube, ctx.namespace);
  }

  /** The PromQL rate window of the checks: one analysis interval, plus one scrape interval when it is known. */
  get rateWindowMs(): number {
    return this.opts.analysisIntervalMs + (this.opts.scrapeIntervalMs ?? 0);
  }

  private get kube(): Kube {
    return this.ctx.kube;
  }

  private log(line: string): void {
    this.ctx.log(line);
  }

  /** The applyObjects hook of deploy(): runs the whole rollout. */
  async run(objects: KubeObject[], rls: Release, previous: Release | undefined, resume?: RolloutState): Promise<void> {
    if (!previous) {
      this.log(`  first install of ${rls.name}: nothing to ${this.opts.strategy === 'canary' ? 'canary' : 'switch'} against, applying directly`);
      await applyAll(this.ctx, objects);
      return;
    }
    this.rendered = objects;
    const prevObjects = this.previousObjects(previous);
    this.plans = await this.plan(objects, prevObjects);
    if (this.plans.length === 0) {
      this.log('  no Deployment changed its pod template: applying directly');
      await applyAll(this.ctx, objects);
      return;
    }
    this.refuse(this.plans, false);
    if (this.opts.strategy === 'canary' && (this.opts.header || this.opts.cookie)) {
      for (const p of this.plans.filter((x) => !routesByHeader(x)))
        this.log(`  note: ${p.router.describe()} routes by weight only; --canary-header/--canary-cookie apply to ingress-nginx and Gateway API routes`);
    }
    const targetKeys = new Set(this.plans.map((p) => objectKey(p.stable, this.ctx.namespace)));
    const others = objects.filter((o) => !targetKeys.has(objectKey(o, this.ctx.namespace)));
    const now = new Date().toISOString();
    this.state = resume ?? {
      release: rls.name,
      namespace: this.ctx.namespace,
      revision: rls.version,
      strategy: this.opts.strategy,
      phase: 'progressing',
      steps: this.opts.steps,
      stepIndex: 0,
      weight: 0,
      targets: this.plans.map((p) => p.target),
      startedAt: now,
      updatedAt: now,
      heartbeat: now,
      driverPid: process.pid,
      settings: { ...this.opts, provider: undefined, sleep: undefined, windowCheck: undefined },
    };
    this.state.driverPid = process.pid;
    this.state.heartbeat = now;
    if (!resume) {
      // a request left in the ConfigMap by an earlier rollout is not for this one
      const prev = await this.store.load(rls.name).catch(() => undefined);
      this.state.request = undefined;
      this.state.handledRequest = prev?.requestId ?? prev?.handledRequest;
    }
    await this.store.save(this.state);
    this.analyses = this.plans.map(
      (p) =>
        new Analysis(this.opts.provider ?? noProvider, [...builtinChecks({ maxErrorRate: this.opts.maxErrorRate, maxLatencyRatio: this.opts.maxLatencyRatio, intervalMs: this.opts.analysisIntervalMs, failureLimit: this.opts.failureLimit, minRequests: this.opts.minRequests }), ...(this.opts.extraChecks ?? [])], {
          release: rls.name,
          namespace: this.ctx.namespace,
          canary: p.canaryService?.metadata?.name ?? p.canary.metadata!.name!,
          stable: p.service?.metadata?.name ?? p.stable.metadata!.name!,
          interval: promDuration(this.rateWindowMs),
          selectors: p.router.selectors(),
        }, this.opts.analysisIntervalMs),
    );
    if (!this.opts.provider) this.log('  no Prometheus configured (--prometheus-url or analysis.prometheus.url): steps are checked for readiness only');
    try {
      if (!resume) await applyAll(this.ctx, others);
      if (this.opts.strategy === 'canary') await this.canarySteps();
      else await this.blueGreen();
    } catch (err) {
      const detected = Date.now();
      const reason = err instanceof RolloutRolledBack ? err.message : `rollout error: ${(err as Error).message}`;
      this.log(`  rolling back: ${reason}`);
      const weight = this.state.weight;
      await this.abort(prevObjects, objects);
      const safeAt = this.safeAt ?? Date.now();
      const safeMs = safeAt - detected;
      const timing: RollbackTiming = { revision: rls.version, weight, stepStartedAt: this.stepStartedAt, detectedAt: detected, safeAt };
      this.log(
        `  traffic back on the stable version ${safeMs} ms after detection${this.stepStartedAt !== undefined ? `, ${safeAt - this.stepStartedAt} ms after the ${weight}% step began` : ''}`,
      );
      throw new RolloutRolledBack(reason, this.measurements, safeMs, timing);
    }
  }

  private previousObjects(previous: Release): KubeObject[] {
    return parseManifest(previous.manifest ?? '').map((d) => withOwnership(d.object, previous.name, this.ctx.namespace));
  }

  /**
   * The preflight hook of deploy(): refuses a rollout that would fail part-way (a router that cannot take these
   * flags, an HTTPRoute the canary rules would push past the Gateway API limits) before the release record is written
   * and before anything in the cluster changes. Reads the cluster only (the Deployments' replicas).
   */
  async preflight(objects: KubeObject[], previous: Release | undefined): Promise<void> {
    if (!previous) return;
    this.refuse(await this.plan(objects, this.previousObjects(previous)), true);
  }

  /**
   * Throws a usage error when the planned rollout cannot run as asked (see {@link preflight}); `untouched`: called
   * before the release record and the cluster changed (else from run(), before the chart's objects are applied).
   */
  private refuse(plans: Plan[], untouched: boolean): void {
    if (this.opts.strategy !== 'canary') return;
    if ((this.opts.header || this.opts.cookie) && this.opts.steps.includes(0)) {
      const byWeight = plans.filter((p) => !routesByHeader(p));
      if (byWeight.length > 0) {
        throw new UserError(`a canary step at weight 0 reaches the canary only by header or cookie, which the nginx and gateway routers do; ${byWeight.map((p) => p.router.describe()).join(', ')} route by weight`, {
          exitCode: ExitCode.USAGE,
          hint: 'Start the canary at a weight above 0, or route it through an ingress-nginx Ingress or a Gateway API HTTPRoute.',
        });
      }
    }
    const blocked = plans.map((p) => ({ plan: p, problems: p.router.check?.() ?? [] })).filter((b) => b.problems.length > 0);
    if (blocked.length > 0) {
      const flags = [this.opts.header && `--canary-header ${this.opts.header.name}${this.opts.header.value ? `=${this.opts.header.value}` : ''}`, this.opts.cookie && `--canary-cookie ${this.opts.cookie}`].filter(Boolean).join(' ');
      const what = blocked.map((b) => `Deployment ${b.plan.target.deployment} (${b.plan.router.describe()})`).join(', ');
      const problems = blocked.flatMap((b) => b.problems);
      const hints = [...new Set(problems.map((x) => x.hint))];
      throw new UserError(`cannot canary ${what}${flags ? ` with ${flags}` : ''}: ${problems.map((x) => x.message).join('; ')}${untouched ? '; nothing was changed' : ''}`, {
        exitCode: ExitCode.USAGE,
        hint: hints.map((h) => `${h[0]!.toUpperCase()}${h.slice(1)}.`).join(' '),
      });
    }
  }

  /** Deployments whose pod template changed, with their Services and a router each. */
  private async plan(objects: KubeObject[], prev: KubeObject[]): Promise<Plan[]> {
    const ns = this.ctx.namespace;
    const prevByKey = new Map(prev.map((o) => [objectKey(o, ns), o]));
    const plans: Plan[] = [];
    for (const o of objects) {
      if (o.kind !== 'Deployment') continue;
      const old = prevByKey.get(objectKey(o, ns)) as Dep | undefined;
      const dep = o as Dep;
      if (!old || JSON.stringify(old.spec?.template) === JSON.stringify(dep.spec?.template)) continue;
      const podLabels = dep.spec.template.metadata?.labels ?? {};
      const service = objects.find(
        (s) => s.kind === 'Service' && Object.keys((s as Svc).spec?.selector ?? {}).length > 0 && Object.entries((s as Svc).spec!.selector!).every(([k, v]) => podLabels[k] === v),
      ) as Svc | undefined;
      const stableName = dep.metadata!.name!;
      const live = (await this.kube.get('apps/v1', 'Deployment', stableName, dep.metadata?.namespace ?? ns)) as Dep | undefined;
      const stableReplicas = live?.spec?.replicas ?? dep.spec.replicas ?? 1;
      const suffix = this.opts.strategy === 'canary' ? '-canary' : '-preview';
      const canaryName = suffixed(stableName, suffix);
      const canarySvcName = service ? suffixed(service.metadata!.name!, suffix) : undefined;
      let routerKind: RolloutTarget['router'] = 'replicas';
      let router: TrafficRouter | undefined;
      const target = {
        namespace: ns,
        release: '',
        stableService: service?.metadata?.name ?? '',
        canaryService: canarySvcName ?? '',
        header: this.opts.header,
        cookie: this.opts.cookie,
      };
      if (service && this.opts.strategy === 'canary') {
        const candidates: [RolloutTarget['router'], TrafficRouter][] = [
          ['nginx', new NginxRouter(this.kube, target, objects)],
          ['gateway', new GatewayRouter(this.kube, target, objects)],
        ];
        for (const [k, r] of candidates) {
          if ((this.opts.router === undefined || this.opts.router === k) && (await r.applies())) {
            routerKind = k;
            router = r;
            break;
          }
        }
      }
      if (this.opts.strategy === 'blueGreen') routerKind = 'service';
      if (!router) {
        router = new ReplicaRouter(this.kube, { ...target, canaryDeployment: canaryName, stableDeployment: stableName, totalReplicas: stableReplicas }, objects);
        if (this.opts.strategy === 'canary') routerKind = 'replicas';
      }
      // Pods of the new version must not be selected by the stable Deployment or (except for the
      // replica-ratio canary) the stable Service: rename the selector keys' values on them.
      const separate = routerKind !== 'replicas';
      const renameKeys = new Set([...Object.keys(dep.spec.selector?.matchLabels ?? {}), ...(separate ? Object.keys(service?.spec?.selector ?? {}) : [])]);
      const relabel = (labels: Record<string, string> = {}) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(labels)) out[k] = renameKeys.has(k) && separate ? suffixed(v, suffix) : v;
        out[TRACK_LABEL] = suffix.slice(1);
        return out;
      };
      const canary = structuredClone(dep) as Dep;
      canary.metadata = {
        name: canaryName,
        namespace: dep.metadata?.namespace ?? ns,
        labels: { ...(dep.metadata?.labels ?? {}), [CANARY_OF_LABEL]: labelValue(stableName) },
        annotations: {},
      };
      canary.spec.selector = { ...(dep.spec.selector ?? {}), matchLabels: relabel(dep.spec.selector?.matchLabels) };
      canary.spec.template.metadata = { ...(dep.spec.template.metadata ?? {}), labels: relabel(podLabels) };
      delete (canary as { status?: unknown }).status;
      let canaryService: Svc | undefined;
      if (service && separate) {
        canaryService = {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: canarySvcName!, namespace: service.metadata?.namespace ?? ns, labels: { [CANARY_OF_LABEL]: labelValue(service.metadata!.name!) } },
          spec: { type: 'ClusterIP', ports: structuredClone(service.spec?.ports ?? []).map(stripNodePort), selector: relabel(service.spec?.selector) },
        };
      }
      plans.push({
        target: { deployment: stableName, canaryDeployment: canaryName, service: service?.metadata?.name, canaryService: canarySvcName, router: routerKind, stableReplicas },
        stable: dep,
        canary,
        service,
        canaryService,
        router,
      });
    }
    return plans;
  }

  private canaryReplicas(p: Plan, weight: number): number {
    if (p.target.router === 'replicas') return weight <= 0 ? 0 : Math.max(1, Math.round((p.target.stableReplicas * weight) / 100));
    return Math.max(1, Math.ceil((p.target.stableReplicas * weight) / 100));
  }

  private async startCanaries(weight: number): Promise<void> {
    for (const p of this.plans) {
      if (p.canaryService) await this.kube.apply(p.canaryService);
      await this.kube.apply({ ...p.canary, spec: { ...p.canary.spec, replicas: this.opts.strategy === 'canary' ? this.canaryReplicas(p, weight) : p.target.stableReplicas } });
    }
    await waitForReady(
      this.kube,
      this.plans.map((p) => p.canary),
      { timeoutMs: this.opts.timeoutMs, signal: this.ctx.signal },
    ).catch((e: Error) => {
      throw new RolloutRolledBack(`the new version did not become ready: ${e.message}`, this.measurements, undefined);
    });
  }

  private async canarySteps(): Promise<void> {
    const steps = this.state.steps;
    for (; this.state.stepIndex < steps.length; this.state.stepIndex++) {
      const w = steps[this.state.stepIndex]!;
      if (w >= 100) break;
      this.log(`  step ${this.state.stepIndex + 1}/${steps.length}: canary at ${w}%`);
      await this.startCanaries(w);
      for (const p of this.plans) await p.router.setWeight(w);
      // The step (and its first analysis window, one interval from now) starts when the weight is on the router.
      this.stepStartedAt = Date.now();
      this.state.weight = w;
      this.state.phase = 'progressing';
      await this.store.save(this.state);
      const outcome = await this.analyse(this.opts.stepIntervalMs);
      if (outcome === 'promote-full') break;
    }
    if (this.opts.manualGate && this.state.request !== 'promote' && this.state.request !== 'promote-full') {
      this.state.phase = 'paused';
      this.state.pausedReason = 'manual gate: waiting for `rel promote`';
      this.log(`  paused at ${this.state.weight}%: run \`rel promote ${this.state.release}\` to finish or \`rel abort ${this.state.release}\``);
      await this.store.save(this.state);
      await this.analyse(Number.POSITIVE_INFINITY);
    }
    await this.promote();
  }

  /**
   * Checks every analysis interval for `durationMs` (Infinity: until promote/abort), beating the
   * heartbeat and reading control requests. Resolves 'done' or 'promote-full'; throws to roll back.
   */
  private async analyse(durationMs: number): Promise<'done' | 'promote-full'> {
    const end = Date.now() + durationMs;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      // Sleep until the next measurement, but look for promote/abort requests twice a second.
      const until = Date.now() + Math.min(this.opts.analysisIntervalMs, end - Date.now());
      let live: RolloutState | undefined;
      for (;;) {
        const left = until - Date.now();
        if (left > 0) await sleep(Math.min(left, REQUEST_POLL_MS));
        if (this.ctx.signal?.aborted) throw new RolloutRolledBack('interrupted (Ctrl-C)', this.measurements, undefined);
        live = await this.store.load(this.state.release);
        if (live?.request || Date.now() >= until) break;
        // The window's close deadline is checked as often as requests, not only once per analysis interval.
        if (this.opts.windowCheck && this.state.phase !== 'paused' && (await this.opts.windowCheck()) !== undefined) break;
      }
      if (live?.request) {
        const req = live.request;
        this.state.request = undefined;
        this.state.handledRequest = live.requestId;
        if (req === 'abort') throw new RolloutRolledBack(`aborted by request${live.requestReason ? `: ${live.requestReason}` : ''}`, this.measurements, undefined);
        if (req === 'promote-full') return 'promote-full';
        if (req === 'promote') {
          if (this.state.phase === 'paused') return 'done';
          this.state.request = undefined;
          return 'done';
        }
      }
      if (this.opts.windowCheck) {
        const action = await this.opts.windowCheck();
        if (action === 'rollback') throw new RolloutRolledBack('the maintenance window is about to close (policy: rollback)', this.measurements, undefined);
        if (action === 'finish') return 'promote-full';
        if (action === 'pause' && this.state.phase !== 'paused') {
          this.state.phase = 'paused';
          this.state.pausedReason = 'maintenance window closing (policy: pause)';
          this.log('  paused: the maintenance window is closing; resume with `rel deploy --resume` in the next window');
          await this.store.save(this.state);
          durationMs = Number.POSITIVE_INFINITY;
        }
      }
      if (this.opts.provider) {
        for (const a of this.analyses) {
          const { measurements, failure } = await a.measure(new Date());
          this.measurements.push(...measurements);
          this.log(`    analysis: ${measurements.map((m) => `${m.check}=${m.value === undefined ? m.message : m.message}`).join(', ')}`);
          if (failure) throw new RolloutRolledBack(failure, this.measurements, undefined);
        }
      }
      this.state.heartbeat = new Date().toISOString();
      this.state.lastMeasurements = this.measurements.slice(-6);
      await this.store.save(this.state);
      if (Date.now() >= end) return 'done';
    }
  }

  /** Success: the stable Deployments get the new template, traffic returns to them, canary objects go. */
  private async promote(): Promise<void> {
    this.state.phase = 'promoting';
    await this.store.save(this.state);
    this.log('  promoting: the stable Deployments take the new version');
    for (const p of this.plans) if (p.target.router !== 'replicas') await p.router.setWeight(100);
    for (const p of this.plans) await this.kube.apply(p.stable);
    await waitForReady(this.kube, this.plans.map((p) => p.stable), { timeoutMs: this.opts.timeoutMs, signal: this.ctx.signal });
    await this.cleanup();
    this.state.phase = 'done';
    this.state.weight = 0;
    await this.store.delete(this.state.release);
  }

  /** Replaces a Service's selector (an update, so no key of the other selector survives a merge). */
  private async setSelector(svc: Svc, selector: Record<string, string>): Promise<void> {
    const read = () => this.kube.get('v1', 'Service', svc.metadata!.name!, svc.metadata?.namespace ?? this.ctx.namespace);
    const done = await updateWithRetry(this.kube, read, (live) => {
      (live as Svc).spec = { ...(live as Svc).spec, selector };
    });
    if (!done) throw new Error(`Service ${svc.metadata?.name} not found`);
  }

  /** An Ingress `<ingress>-preview` on the preview host, routing the chart's paths to the preview Service. */
  private async createPreviewIngresses(host: string): Promise<void> {
    type Ing = KubeObject & { spec?: { ingressClassName?: string; rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[] } };
    for (const p of this.plans) {
      if (!p.service || !p.canaryService) continue;
      const svc = p.service.metadata!.name!;
      const ing = this.rendered.find((o) => o.kind === 'Ingress' && ((o as Ing).spec?.rules ?? []).some((r) => (r.http?.paths ?? []).some((x) => x.backend?.service?.name === svc))) as Ing | undefined;
      if (!ing) continue;
      const paths = (ing.spec?.rules ?? [])
        .flatMap((r) => r.http?.paths ?? [])
        .filter((x) => x.backend?.service?.name === svc)
        .map((x) => ({ ...x, backend: { ...x.backend, service: { ...x.backend!.service, name: p.canaryService!.metadata!.name } } }));
      const preview: KubeObject = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: routedName(ing.metadata!.name!, backendServices(ing).size > 1 ? svc : undefined, '-preview'), namespace: this.ctx.namespace, labels: { [CANARY_OF_LABEL]: labelValue(ing.metadata!.name!) } },
        spec: { ...(ing.spec?.ingressClassName ? { ingressClassName: ing.spec.ingressClassName } : {}), rules: [{ host, http: { paths } }] },
      };
      this.log(`  preview Ingress ${preview.metadata!.name} for host ${host}`);
      await this.kube.apply(preview);
      this.previewIngresses.push(preview);
    }
  }

  private async cleanup(): Promise<void> {
    for (const i of this.previewIngresses) await this.kube.delete(i);
    for (const p of this.plans) {
      await p.router.reset();
      await this.kube.delete(p.canary);
      if (p.canaryService) await this.kube.delete(p.canaryService);
    }
  }

  /** Failure: traffic to stable at once, new-version objects removed, the previous revision's other objects restored. */
  private async abort(prevObjects: KubeObject[], newObjects: KubeObject[]): Promise<void> {
    this.state.phase = 'aborting';
    for (const p of this.plans) await p.router.reset().catch((e: Error) => this.log(`  warning: resetting ${p.router.describe()}: ${e.message}`));
    if (this.opts.strategy === 'blueGreen') {
      for (const p of this.plans) if (p.service) await this.setSelector(p.service, p.service.spec?.selector ?? {}).catch((e: Error) => this.log(`  warning: ${e.message}`));
    }
    // Replica-ratio canaries keep serving until their pods go: for them traffic is safe after the delete below.
    if (!this.plans.some((p) => p.target.router === 'replicas')) this.safeAt = Date.now();
    for (const p of this.plans) {
      await this.kube.delete(p.canary);
      if (p.canaryService) await this.kube.delete(p.canaryService);
    }
    this.safeAt ??= Date.now();
    for (const i of this.previewIngresses) await this.kube.delete(i);
    const ns = this.ctx.namespace;
    const prevKeys = new Set(prevObjects.map((o) => objectKey(o, ns)));
    await applyAll(this.ctx, prevObjects);
    for (const o of newObjects) if (!prevKeys.has(objectKey(o, ns))) await this.kube.delete(o);
    this.state.phase = 'aborted';
    this.state.weight = 0;
    await this.store.delete(this.state.release);
  }

  /** Blue-green: preview beside the old version, analysis on the preview, switch the Service at once, watch, then settle. */
  private async blueGreen(): Promise<void> {
    this.log('  starting the new version beside the old one (preview)');
    await this.startCanaries(100);
    if (this.opts.previewHost) await this.createPreviewIngresses(this.opts.previewHost);
    this.state.phase = 'progressing';
    await this.store.save(this.state);
    // Before the switch the preview pods are reached through the preview Service only; after it, through the
    // stable Service (and the old pods get no traffic, so latency is compared with the stable p99 measured now).
    const ns = this.ctx.namespace;
    const appSelectors = (canary: string, stable: string): MetricSelectors => ({ requests: 'http_requests_total', duration: 'http_request_duration_seconds', canary, stable });
    const checks = builtinChecks({ maxErrorRate: this.opts.maxErrorRate, maxLatencyRatio: this.opts.maxLatencyRatio, intervalMs: this.opts.analysisIntervalMs, failureLimit: this.opts.failureLimit, minRequests: this.opts.minRequests });
    const vars = (p: Plan, selectors: MetricSelectors) => ({
      release: this.state.release,
      namespace: ns,
      canary: p.canaryService?.metadata?.name ?? p.canary.metadata!.name!,
      stable: p.service?.metadata?.name ?? p.stable.metadata!.name!,
      interval: promDuration(this.rateWindowMs),
      selectors,
    });
    const provider = this.opts.provider ?? noProvider;
    this.analyses = this.plans.map(
      (p) => new Analysis(provider, [...checks, ...(this.opts.extraChecks ?? [])], vars(p, appSelectors(`namespace="${ns}",service="${p.canaryService?.metadata?.name}"`, `namespace="${ns}",service="${p.service?.metadata?.name}"`)), this.opts.analysisIntervalMs),
    );
    this.log('  pre-promotion analysis on the preview');
    await this.analyse(this.opts.stepIntervalMs);
    const baselines: (number | undefined)[] = [];
    for (const p of this.plans) {
      const q = `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${ns}",service="${p.service?.metadata?.name}"}[${promDuration(Math.max(this.opts.analysisIntervalMs, this.opts.stepIntervalMs))}])))`;
      baselines.push(this.opts.provider ? await this.opts.provider.query(q).catch(() => undefined) : undefined);
    }
    if (this.opts.manualGate) {
      this.state.phase = 'paused';
      this.state.pausedReason = 'manual gate before the switch';
      await this.store.save(this.state);
      await this.analyse(Number.POSITIVE_INFINITY);
    }
    this.log('  switching traffic to the new version');
    for (const p of this.plans) if (p.service && p.canaryService) await this.setSelector(p.service, p.canaryService.spec!.selector!);
    this.state.weight = 100;
    await this.store.save(this.state);
    this.analyses = this.plans.map((p, i) => {
      const sel = appSelectors(`namespace="${ns}",service="${p.service?.metadata?.name}"`, `namespace="${ns}",service="${p.service?.metadata?.name}"`);
      const post: Check[] = [checks[0]!];
      const base = baselines[i];
      if (base !== undefined && base > 0) {
        // Latency after the switch against the stable version's p99 before it.
        post.push({ ...checks[1]!, query: 'histogram_quantile(0.99, sum by (le) (rate({{selectors.duration}}_bucket{ {{selectors.canary}} }[{{interval}}])))', threshold: this.opts.maxLatencyRatio * base });
      }
      return new Analysis(provider, [...post, ...(this.opts.extraChecks ?? [])], vars(p, sel), this.opts.analysisIntervalMs);
    });
    this.log(`  post-promotion analysis; the old version stays up ${Math.round((this.opts.scaleDownDelayMs ?? 30_000) / 1000)}s for an instant rollback`);
    await this.analyse(Math.max(this.opts.stepIntervalMs, this.opts.scaleDownDelayMs ?? 30_000));
    // Settle: the chart's own Deployment takes the new version, the Service goes back to it, preview removed.
    this.state.phase = 'promoting';
    await this.store.save(this.state);
    for (const p of this.plans) await this.kube.apply(p.stable);
    await waitForReady(this.kube, this.plans.map((p) => p.stable), { timeoutMs: this.opts.timeoutMs, signal: this.ctx.signal });
    for (const p of this.plans) if (p.service) await this.setSelector(p.service, p.service.spec?.selector ?? {});
    await this.cleanup();
    await this.store.delete(this.state.release);
  }
}

/** The plan's router can route the canary by header or cookie (ingress-nginx, Gateway API). */
const routesByHeader = (p: Plan) => p.target.router === 'nginx' || p.target.router === 'gateway';

function stripNodePort(p: unknown): unknown {
  const { nodePort: _n, ...rest } = p as Record<string, unknown>;
  return rest;
}

const noProvider: MetricProvider = {
  name: 'none',
  async query() {
    return undefined;
  },
};
