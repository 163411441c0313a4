import { describe, expect, it } from 'vitest';
import { Template } from '../../../src/engine/gotemplate/index.js';
import { FuncMap, GoValue } from '../../../src/engine/types.js';
import { goData } from './helpers.js';

// A guard against pathological slowdowns (quadratic output building, per-node allocation
// storms): 300 Deployment-like documents with helpers must render well within a second.
const helpers = `{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 }}{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}`;
const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}-{{ .Values.idx }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            {{- range .Values.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ printf "%v" $v | quote }}
            {{- end }}
`;

describe('performance', () => {
  it('renders 300 documents quickly', () => {
    let root: Template;
    const fm: FuncMap = {
      trunc: { params: ['int', 'string'], fn: (n: bigint, s: string) => s.slice(0, Number(n)) },
      include: { params: ['string', 'any'], fn: (n: string, d: GoValue) => root.executeTemplate(n, d) },
      nindent: { params: ['int', 'string'], fn: (n: bigint, s: string) => '\n' + s.replace(/^/gm, ' '.repeat(Number(n))) },
      quote: { params: [], variadic: 'any', fn: (...a: GoValue[]) => a.map((x) => JSON.stringify(String(x))).join(' ') },
    };
    root = new Template('gotpl').funcs(fm).option('missingkey=zero');
    root.new('app/templates/_helpers.tpl').parse(helpers);
    const t = root.new('app/templates/deploy.yaml').parse(deploy);
    const data = Array.from({ length: 300 }, (_, i) =>
      goData({
        Values: {
          idx: i,
          replicaCount: 3,
          image: { repository: 'nginx', tag: '1.0' },
          ports: [
            { name: 'http', port: 80 },
            { name: 'metrics', port: 9090 },
          ],
          env: { A: 1, B: 'two', C: true },
        },
        Chart: { Name: 'app' },
        Release: { Name: 'rel' },
      }),
    );
    const t0 = performance.now();
    let out = '';
    for (const d of data) out += t.execute(d);
    const ms = performance.now() - t0;
    expect(out.match(/^kind: Deployment$/gm)?.length).toBe(300);
    expect(out).toContain('          env:\n            - name: A\n              value: "1"\n');
    expect(out).toContain('name: rel-app-299');
    expect(ms).toBeLessThan(1500);
  });
});
