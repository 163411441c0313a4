/** The commented starter project file written by `rel init`. */
export function starterProject(opts: { release: string; chart: string }): string {
  return `# rel.yaml: the releases of this project and the environments they go to.
# Full reference: README.md, section "rel.yaml".
apiVersion: rel.dev/v1

# Settings every environment and release starts from.
defaults:
  namespace: default
  timeout: 5m
  historyMax: 10
  strategy:
    type: rolling              # rolling | canary | blueGreen
  analysis:
    prometheus:
      url: http://127.0.0.1:9090
    interval: 10s              # how often checks run during a rollout step
    failureLimit: 2            # consecutive failed checks that roll back
    maxErrorRate: 0.05         # roll back when more than 5% of requests fail...
    maxLatencyRatio: 3         # ...or p99 latency is above 3x the stable version

environments:
  dev:
    kubeContext: rel-sandbox
    namespace: ${opts.release}-dev
  prod:
    namespace: ${opts.release}
    strategy:
      type: canary
      steps: [10, 25, 50, 100] # traffic weights, in percent
      stepInterval: 5m
    windows:
      allow:
        - name: tuesday-night
          schedule: "0 2 * * 2"  # Tuesdays 02:00
          duration: 2h
          timeZone: Asia/Shanghai
      policy:
        canaryAtClose: rollback  # rollback | pause | finish

releases:
  - name: ${opts.release}
    chart: ${opts.chart}
    # values files added after values/<chart>/common.yaml and values/<chart>/<env>.yaml:
    # values: [values/extra.yaml]
`;
}
