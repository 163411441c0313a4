/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) for the
 * kinds clients send that way: client-go based tools such as helm write their release Secrets and
 * ConfigMaps in protobuf. Responses are always JSON, which client-go accepts.
 *
 * Wire format: the magic bytes `k8s\0`, then a runtime.Unknown message { typeMeta = 1
 * { apiVersion = 1, kind = 2 }, raw = 2, contentEncoding = 3, contentType = 4 } whose raw bytes are
 * the object's message (field numbers from k8s.io/api generated.proto).
 */
import { ApiError } from './errors.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { no: number; wire: number; value: bigint | Buffer };

function readVarint(b: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [tag, p1] = readVarint(b, pos);
    pos = p1;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      pos = p2;
      out.push({ no, wire, value: v });
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      const end = p2 + Number(len);
      if (end > b.length) throw new Error('truncated field');
      out.push({ no, wire, value: b.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ no, wire, value: b.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: b.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');
const num = (f: Field) => Number(f.value as bigint);

function mapEntry(f: Field, bytesValue: boolean): [string, string] {
  let k = '';
  let v = '';
  for (const e of fields(f.value as Buffer)) {
    if (e.no === 1) k = str(e);
    if (e.no === 2) v = bytesValue ? (e.value as Buffer).toString('base64') : str(e);
  }
  return [k, v];
}

function time(f: Field): string {
  let seconds = 0;
  for (const e of fields(f.value as Buffer)) if (e.no === 1) seconds = num(e);
  return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function ownerReference(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields(b)) {
    if (f.no === 5) o.apiVersion = str(f);
    else if (f.no === 1) o.kind = str(f);
    else if (f.no === 3) o.name = str(f);
    else if (f.no === 4) o.uid = str(f);
    else if (f.no === 6) o.controller = num(f) !== 0;
    else if (f.no === 7) o.blockOwnerDeletion = num(f) !== 0;
  }
  return o;
}

function objectMeta(b: Buffer): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  const owners: Record<string, unknown>[] = [];
  for (const f of fields(b)) {
    switch (f.no) {
      case 1: m.name = str(f); break;
      case 2: m.generateName = str(f); break;
      case 3: m.namespace = str(f); break;
      case 5: m.uid = str(f); break;
      case 6: m.resourceVersion = str(f); break;
      case 7: if (num(f) > 0) m.generation = num(f); break;
      case 8: { const t = time(f); if (!t.startsWith('1970-')) m.creationTimestamp = t; break; }
      case 11: { const [k, v] = mapEntry(f, false); labels[k] = v; break; }
      case 12: { const [k, v] = mapEntry(f, false); annotations[k] = v; break; }
      case 13: owners.push(ownerReference(f.value as Buffer)); break;
      case 14: finalizers.push(str(f)); break;
    }
  }
  for (const k of Object.keys(m)) if (m[k] === '') delete m[k];
  if (Object.keys(labels).length) m.labels = labels;
  if (Object.keys(annotations).length) m.annotations = annotations;
  if (finalizers.length) m.finalizers = finalizers;
  if (owners.length) m.ownerReferences = owners;
  return m;
}

function secret(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { metadata: {} };
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of fields(b)) {
    if (f.no === 1) o.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 2) { const [k, v] = mapEntry(f, true); data[k] = v; }
    else if (f.no === 3) o.type = str(f);
    else if (f.no === 4) { const [k, v] = mapEntry(f, false); stringData[k] = v; }
    else if (f.no === 5) o.immutable = num(f) !== 0;
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(stringData).length) o.stringData = stringData;
  return o;
}

function configMap(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { metadata: {} };
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of fields(b)) {
    if (f.no === 1) o.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 2) { const [k, v] = mapEntry(f, false); data[k] = v; }
    else if (f.no === 3) { const [k, v] = mapEntry(f, true); binaryData[k] = v; }
    else if (f.no === 4) o.immutable = num(f) !== 0;
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(binaryData).length) o.binaryData = binaryData;
  return o;
}

function deleteOptions(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields(b)) {
    if (f.no === 1) o.gracePeriodSeconds = num(f);
    else if (f.no === 4) o.propagationPolicy = str(f);
    else if (f.no === 2) {
      const pre: Record<string, string> = {};
      for (const p of fields(f.value as Buffer)) {
        if (p.no === 1) pre.uid = str(p);
        if (p.no === 2) pre.resourceVersion = str(p);
      }
      o.preconditions = pre;
    }
  }
  return o;
}

function namespace(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { metadata: {} };
  for (const f of fields(b)) {
    if (f.no === 1) o.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 2) {
      const fin = fields(f.value as Buffer).filter((x) => x.no === 1).map(str);
      o.spec = fin.length ? { finalizers: fin } : {};
    }
  }
  return o;
}

function localRefs(f: Field): { name: string } {
  let name = '';
  for (const x of fields(f.value as Buffer)) if (x.no === 1) name = str(x);
  return { name };
}

function serviceAccount(b: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { metadata: {} };
  const pulls: { name: string }[] = [];
  for (const f of fields(b)) {
    if (f.no === 1) o.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 3) pulls.push(localRefs(f));
    else if (f.no === 4) o.automountServiceAccountToken = num(f) !== 0;
  }
  if (pulls.length) o.imagePullSecrets = pulls;
  return o;
}

// ---- descriptor-driven decoding of the kinds `kubectl create <kind>` sends ----

/** Field kinds: scalars drop their zero value (Go omitempty) unless they are pointers (`p…`). */
type Kind = 'str' | 'int' | 'bool' | 'pint' | 'pbool' | 'pstr' | 'strs' | 'map' | 'qmap' | 'ios' | 'meta' | Desc | { rep: Desc } | { inline: Desc };
interface Desc {
  [no: number]: [string, Kind];
}

function intOrString(b: Buffer): number | string {
  let type = 0;
  let iv = 0;
  let sv = '';
  for (const f of fields(b)) {
    if (f.no === 1) type = num(f);
    else if (f.no === 2) iv = num(f);
    else if (f.no === 3) sv = str(f);
  }
  return type === 1 ? sv : iv;
}

function int32(f: Field): number {
  const v = f.value as bigint;
  return Number(BigInt.asIntN(64, v));
}

function decodeMsg(b: Buffer, d: Desc): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields(b)) {
    const spec = d[f.no];
    if (!spec) continue;
    const [name, kind] = spec;
    if (kind === 'str') {
      const v = str(f);
      if (v !== '') o[name] = v;
    } else if (kind === 'pstr') o[name] = str(f);
    else if (kind === 'int') {
      const v = int32(f);
      if (v !== 0) o[name] = v;
    } else if (kind === 'pint') o[name] = int32(f);
    else if (kind === 'bool') {
      if (num(f) !== 0) o[name] = true;
    } else if (kind === 'pbool') o[name] = num(f) !== 0;
    else if (kind === 'strs') ((o[name] ??= []) as string[]).push(str(f));
    else if (kind === 'map') {
      const [k, v] = mapEntry(f, false);
      ((o[name] ??= {}) as Record<string, string>)[k] = v;
    } else if (kind === 'qmap') {
      let k = '';
      let v = '';
      for (const e of fields(f.value as Buffer)) {
        if (e.no === 1) k = str(e);
        if (e.no === 2) for (const q of fields(e.value as Buffer)) if (q.no === 1) v = str(q);
      }
      ((o[name] ??= {}) as Record<string, string>)[k] = v;
    } else if (kind === 'ios') o[name] = intOrString(f.value as Buffer);
    else if (kind === 'meta') o[name] = objectMeta(f.value as Buffer);
    else if ('rep' in kind) ((o[name] ??= []) as unknown[]).push(decodeMsg(f.value as Buffer, kind.rep as Desc));
    else if ('inline' in kind) Object.assign(o, decodeMsg(f.value as Buffer, kind.inline as Desc));
    else o[name] = decodeMsg(f.value as Buffer, kind as Desc);
  }
  return o;
}

const LABEL_SELECTOR: Desc = { 1: ['matchLabels', 'map'], 2: ['matchExpressions', { rep: { 1: ['key', 'str'], 2: ['operator', 'str'], 3: ['values', 'strs'] } }] };
const CONTAINER: Desc = {
  1: ['name', 'str'],
  2: ['image', 'str'],
  3: ['command', 'strs'],
  4: ['args', 'strs'],
  5: ['workingDir', 'str'],
  6: ['ports', { rep: { 1: ['name', 'str'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'str'], 5: ['hostIP', 'str'] } }],
  7: ['env', { rep: { 1: ['name', 'str'], 2: ['value', 'str'] } }],
  8: ['resources', { 1: ['limits', 'qmap'], 2: ['requests', 'qmap'] }],
  13: ['terminationMessagePath', 'str'],
  14: ['imagePullPolicy', 'str'],
  16: ['stdin', 'bool'],
  17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'],
  20: ['terminationMessagePolicy', 'str'],
};
const POD_SPEC: Desc = {
  2: ['containers', { rep: CONTAINER }],
  3: ['restartPolicy', 'str'],
  4: ['terminationGracePeriodSeconds', 'pint'],
  5: ['activeDeadlineSeconds', 'pint'],
  6: ['dnsPolicy', 'str'],
  7: ['nodeSelector', 'map'],
  8: ['serviceAccountName', 'str'],
  10: ['nodeName', 'str'],
  16: ['hostname', 'str'],
  17: ['subdomain', 'str'],
  19: ['schedulerName', 'str'],
  20: ['initContainers', { rep: CONTAINER }],
};
const POD_TEMPLATE: Desc = { 1: ['metadata', 'meta'], 2: ['spec', POD_SPEC] };
const JOB_SPEC: Desc = {
  1: ['parallelism', 'pint'],
  2: ['completions', 'pint'],
  3: ['activeDeadlineSeconds', 'pint'],
  4: ['selector', LABEL_SELECTOR],
  5: ['manualSelector', 'pbool'],
  6: ['template', POD_TEMPLATE],
  7: ['backoffLimit', 'pint'],
  8: ['ttlSecondsAfterFinished', 'pint'],
  9: ['completionMode', 'pstr'],
  10: ['suspend', 'pbool'],
};
const POLICY_RULE: Desc = { 1: ['verbs', 'strs'], 2: ['apiGroups', 'strs'], 3: ['resources', 'strs'], 4: ['resourceNames', 'strs'], 5: ['nonResourceURLs', 'strs'] };
const BINDING: Desc = {
  1: ['metadata', 'meta'],
  2: ['subjects', { rep: { 1: ['kind', 'str'], 2: ['apiGroup', 'str'], 3: ['name', 'str'], 4: ['namespace', 'str'] } }],
  3: ['roleRef', { 1: ['apiGroup', 'str'], 2: ['kind', 'str'], 3: ['name', 'str'] }],
};
const ROLE: Desc = { 1: ['metadata', 'meta'], 2: ['rules', { rep: POLICY_RULE }] };
const INGRESS_BACKEND: Desc = { 4: ['service', { 1: ['name', 'str'], 2: ['port', { 1: ['name', 'str'], 2: ['number', 'int'] }] }] };

const KINDS: Record<string, Desc> = {
  'apps/v1/Deployment': {
    1: ['metadata', 'meta'],
    2: ['spec', {
      1: ['replicas', 'pint'],
      2: ['selector', LABEL_SELECTOR],
      3: ['template', POD_TEMPLATE],
      4: ['strategy', { 1: ['type', 'str'], 2: ['rollingUpdate', { 1: ['maxUnavailable', 'ios'], 2: ['maxSurge', 'ios'] }] }],
      5: ['minReadySeconds', 'int'],
      6: ['revisionHistoryLimit', 'pint'],
      7: ['paused', 'bool'],
      9: ['progressDeadlineSeconds', 'pint'],
    }],
  },
  'v1/Service': {
    1: ['metadata', 'meta'],
    2: ['spec', {
      1: ['ports', { rep: { 1: ['name', 'str'], 2: ['protocol', 'str'], 3: ['port', 'int'], 4: ['targetPort', 'ios'], 5: ['nodePort', 'int'], 6: ['appProtocol', 'pstr'] } }],
      2: ['selector', 'map'],
      3: ['clusterIP', 'str'],
      4: ['type', 'str'],
      5: ['externalIPs', 'strs'],
      7: ['sessionAffinity', 'str'],
      8: ['loadBalancerIP', 'str'],
      10: ['externalName', 'str'],
      11: ['externalTrafficPolicy', 'str'],
    }],
  },
  'v1/Pod': { 1: ['metadata', 'meta'], 2: ['spec', POD_SPEC] },
  'batch/v1/Job': { 1: ['metadata', 'meta'], 2: ['spec', JOB_SPEC] },
  'batch/v1/CronJob': {
    1: ['metadata', 'meta'],
    2: ['spec', {
      1: ['schedule', 'str'],
      2: ['startingDeadlineSeconds', 'pint'],
      3: ['concurrencyPolicy', 'str'],
      4: ['suspend', 'pbool'],
      5: ['jobTemplate', { 1: ['metadata', 'meta'], 2: ['spec', JOB_SPEC] }],
      6: ['successfulJobsHistoryLimit', 'pint'],
      7: ['failedJobsHistoryLimit', 'pint'],
      8: ['timeZone', 'pstr'],
    }],
  },
  'rbac.authorization.k8s.io/v1/Role': ROLE,
  'rbac.authorization.k8s.io/v1/ClusterRole': ROLE,
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
  'networking.k8s.io/v1/Ingress': {
    1: ['metadata', 'meta'],
    2: ['spec', {
      1: ['defaultBackend', INGRESS_BACKEND],
      2: ['tls', { rep: { 1: ['hosts', 'strs'], 2: ['secretName', 'str'] } }],
      // IngressRule inlines IngressRuleValue (field 2), whose field 1 is http
      3: ['rules', { rep: { 1: ['host', 'str'], 2: ['', { inline: { 1: ['http', { 1: ['paths', { rep: { 1: ['path', 'str'], 2: ['backend', INGRESS_BACKEND], 3: ['pathType', 'pstr'] } }] }] } }] } }],
      4: ['ingressClassName', 'pstr'],
    }],
  },
  'policy/v1/PodDisruptionBudget': {
    1: ['metadata', 'meta'],
    2: ['spec', { 1: ['minAvailable', 'ios'], 2: ['selector', LABEL_SELECTOR], 3: ['maxUnavailable', 'ios'], 4: ['unhealthyPodEvictionPolicy', 'pstr'] }],
  },
};

const DECODERS: Record<string, (b: Buffer) => Record<string, unknown>> = {
  'v1/Secret': secret,
  'v1/ConfigMap': configMap,
  'v1/Namespace': namespace,
  'v1/ServiceAccount': serviceAccount,
  'v1/DeleteOptions': deleteOptions,
  'meta.k8s.io/v1/DeleteOptions': deleteOptions,
};

/** Decodes a protobuf-encoded Kubernetes object to its JSON form; a 415 error for kinds it does not know. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ApiError(400, 'BadRequest', 'the body of the request was not a valid Kubernetes protobuf message (missing k8s magic prefix)');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  try {
    for (const f of fields(body.subarray(4))) {
      if (f.no === 1) {
        for (const t of fields(f.value as Buffer)) {
          if (t.no === 1) apiVersion = str(t);
          if (t.no === 2) kind = str(t);
        }
      } else if (f.no === 2) raw = f.value as Buffer;
    }
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded as protobuf: ${(e as Error).message}`);
  }
  const desc = KINDS[`${apiVersion}/${kind}`];
  const dec = DECODERS[`${apiVersion}/${kind}`] ?? (desc ? (b: Buffer) => decodeMsg(b, desc) : undefined);
  if (!dec) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - protobuf is not accepted for ${kind || 'this kind'}; send it as application/json (e.g. with kubectl apply)`);
  try {
    return { apiVersion, kind, ...dec(raw) };
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded as protobuf: ${(e as Error).message}`);
  }
}
