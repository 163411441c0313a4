import type { NotificationsSpec } from '../project/types.js';

export interface NotifyEvent {
  release: string;
  namespace: string;
  revision?: number;
  strategy: string;
  message: string;
}

/**
 * Posts a Slack-compatible JSON message ({text, …}) to every webhook that subscribes to the event.
 * A failing webhook is logged, never fatal.
 */
export async function notify(spec: NotificationsSpec | undefined, event: string, e: NotifyEvent, log: (l: string) => void): Promise<void> {
  for (const hook of spec?.webhooks ?? []) {
    if (hook.events && !hook.events.includes(event)) continue;
    const text = `rel: ${e.release} (${e.namespace}) ${event}${e.revision ? ` at revision ${e.revision}` : ''} [${e.strategy}]: ${e.message}`;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, event, ...e }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) log(`  warning: webhook ${hook.url} answered HTTP ${res.status}`);
    } catch (err) {
      log(`  warning: webhook ${hook.url} failed: ${(err as Error).message}`);
    }
  }
}
