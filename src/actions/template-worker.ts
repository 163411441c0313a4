/**
 * The worker side of `rel template`'s retry with a big stack (src/actions/template.ts
 * runOnBigStack): renders once with the options in workerData and posts the result back.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runTemplateOnce, type TemplateOptions } from './template.js';

if (!isMainThread && (workerData as { relTemplate?: TemplateOptions } | null)?.relTemplate) {
  const o = (workerData as { relTemplate: TemplateOptions }).relTemplate;
  void runTemplateOnce(o, { exhausted: false }).then((r) =>
    parentPort?.postMessage({ stdout: r.stdout, stderr: r.stderr, error: r.error?.message }),
  );
}
