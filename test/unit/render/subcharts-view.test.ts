/**
 * A chart's dot (common.Values) and the same map under the parent's .Subcharts
 * (map[string]interface {}) are two views of one map, as in helm. Expected text printed by helm 4.1.4.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runTemplate } from '../../../src/actions/template.js';

it('dot and .Subcharts entry: types, and writes seen through both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rel-subcharts-'));
  const w = (p: string, s: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), s);
  };
  w('Chart.yaml', 'apiVersion: v2\nname: sc\nversion: 0.1.0\n');
  w('values.yaml', 'a: 1\nsub:\n  b: 2\n');
  w('charts/sub/Chart.yaml', 'apiVersion: v2\nname: sub\nversion: 0.1.0\n');
  w('charts/sub/values.yaml', 'b: 0\n');
  w(
    'templates/t.yaml',
    [
      '# {{ typeOf . }} {{ typeOf .Subcharts.sub }} {{ typeOf .Values }} {{ kindOf .Subcharts.sub }} {{ typeOf .Subcharts.sub.Values }}',
      '# {{ $_ := set . "extra" "x" }}{{ .extra }} {{ hasKey .Subcharts.sub "Values" }} {{ .Subcharts.sub.Values.b }} {{ typeOf .Template }}',
      '# {{ $s := .Subcharts.sub }}{{ $_ := set $s "added" "y" }}{{ .Subcharts.sub.added }} {{ dig "sub" "b" "none" .Values.AsMap }}',
      '# {{ keys .Subcharts | sortAlpha }} {{ len .Subcharts.sub }} {{ .Subcharts.sub.Chart.Name }}',
      '',
    ].join('\n'),
  );
  w('charts/sub/templates/s.yaml', '# sub: {{ typeOf . }} {{ typeOf .Values }} {{ .Values.b }} {{ .added | default "none" }} {{ keys . | sortAlpha }}\n');
  const r = await runTemplate({ releaseName: 'r', chart: dir });
  expect(r.error).toBeUndefined();
  expect(r.stdout).toBe(
    [
      '---',
      '# Source: sc/charts/sub/templates/s.yaml',
      '# sub: common.Values common.Values 2 none [Capabilities Chart Files Release Subcharts Template Values]',
      '---',
      '# Source: sc/templates/t.yaml',
      '# common.Values map[string]interface {} common.Values map common.Values',
      '# x true 2 common.Values',
      '# y 2',
      '# [sub] 8 sub',
      '',
    ].join('\n'),
  );
});
