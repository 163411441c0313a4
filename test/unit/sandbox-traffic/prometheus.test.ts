import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusConfig, queryProm, startPrometheus } from '../../../src/sandbox/traffic/prometheus.js';

describe('Prometheus launcher', () => {
  it('generates a config scraping the target every second', () => {
    const cfg = parse(prometheusConfig('http://127.0.0.1:8123/metrics'));
    expect(cfg.global).toEqual({ scrape_interval: '1s', evaluation_interval: '1s' });
    expect(cfg.scrape_configs).toEqual([
      { job_name: 'rel-sandbox', scheme: 'http', metrics_path: '/metrics', scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: ['127.0.0.1:8123'] }] },
    ]);
    expect(parse(prometheusConfig('http://localhost/x/metrics?a=1')).scrape_configs[0]).toMatchObject({ metrics_path: '/x/metrics', params: { a: ['1'] }, static_configs: [{ targets: ['localhost:80'] }] });
    expect(() => prometheusConfig('not a url')).toThrow(/not a URL/);
  });

  it('says how to install Prometheus when the binary is missing', async () => {
    await expect(startPrometheus({ scrapeTarget: 'http://127.0.0.1:1/metrics', binary: '/nonexistent/prometheus' })).rejects.toThrow(/apt-get install -y prometheus/);
  });

  it('reports an unreachable Prometheus clearly', async () => {
    await expect(queryProm('http://127.0.0.1:1', 'up')).rejects.toThrow(/cannot reach Prometheus at http:\/\/127.0.0.1:1/);
  });
});
