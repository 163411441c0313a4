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
      case 7: m.generation = num(f); break;
      case 8: m.creationTimestamp = time(f); break;
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
  const dec = DECODERS[`${apiVersion}/${kind}`];
  if (!dec) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - protobuf is accepted for Namespaces, Secrets, ConfigMaps and ServiceAccounts only; send ${kind || 'this object'} as application/json (e.g. with kubectl apply)`);
  try {
    return { apiVersion, kind, ...dec(raw) };
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded as protobuf: ${(e as Error).message}`);
  }
}
