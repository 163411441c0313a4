/**
 * The client side of the render server (src/fast/server.ts), as bin/run.js uses it for
 * `rel template`: find the server of this bundle build, send the request, write the reply to
 * descriptors 1 and 2, or say why the caller must render itself (no server, busy, cannot mirror
 * the command). After an in-process render that found no server, `startServer` starts one in
 * the background. Built into dist/fast/client.cjs (CommonJS, node builtins only) by
 * scripts/build-fast.mjs: it is loaded on every `rel template`, before the bundle.
 */
import { closeSync, openSync, statSync, utimesSync } from 'node:fs';
import { connect } from 'node:net';
import { fdWriter } from './fd-writer.js';
import {
  bundleStamp,
  FRAME,
  FrameReader,
  needsOwnProcess,
  safeDir,
  serverDir,
  serverMode,
  socketPath,
  type ServerRequest,
} from './server-protocol.js';

export { serverMode } from './server-protocol.js';

export interface ServerPlan {
  sock: string;
  /** Made by the client that starts a server, removed by the server once listening (one start per 30 s). */
  marker: string;
  request: ServerRequest;
}

export type ServerAnswer =
  | { kind: 'done'; code: number }
  /** No server listens (or a dead one left its socket). */
  | { kind: 'missing' }
  /** The server is rendering another request, or did not answer in time. */
  | { kind: 'busy' }
  /** The server's build cannot mirror this command line: use oclif. */
  | { kind: 'decline' }
  /** The connection broke before a whole reply. */
  | { kind: 'broken' };

/**
 * Whether and where to ask a server for `rel template ARGV` (the arguments after `template`):
 * undefined when REL_RENDER_SERVER=0, when the command reads this process's standard input,
 * when the bundle is missing or older than `newerThan`, or when no safe socket folder exists.
 */
export function planServer(argv: string[], bundleFile: string, newerThan: string): ServerPlan | undefined {
  if (serverMode() === 'off' || needsOwnProcess(argv)) return undefined;
  let st;
  try {
    st = statSync(bundleFile);
    if (st.mtimeMs < statSync(newerThan).mtimeMs) return undefined;
  } catch {
    return undefined;
  }
  const dir = serverDir();
  if (!safeDir(dir, true)) return undefined;
  const stamp = bundleStamp(bundleFile, st);
  const sock = socketPath(dir, stamp);
  return {
    sock,
    marker: `${sock}.start`,
    request: { v: 1, argv, cwd: process.cwd(), env: { ...process.env }, umask: process.umask() },
  };
}

/**
 * How long to wait for a server's first byte: a server rendering another request cannot send it
 * (its renders are mostly synchronous), and rendering in-process is better than queueing.
 * REL_RENDER_SERVER_ALIVE_MS sets it; default 100 ms, or 10 s with REL_RENDER_SERVER=require (tests
 * on a loaded machine).
 */
export function aliveMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.REL_RENDER_SERVER_ALIVE_MS);
  if (env.REL_RENDER_SERVER_ALIVE_MS && Number.isFinite(n) && n > 0) return n;
  return serverMode(env) === 'require' ? 10_000 : 100;
}

/**
 * Sends the request and, on a whole reply, writes its output (in order) and resolves `done`.
 * Waits `wait` ms for the server's first byte ({@link aliveMs}).
 */
export function askServer(plan: ServerPlan, wait = aliveMs()): Promise<ServerAnswer> {
  try {
    statSync(plan.sock);
  } catch {
    return Promise.resolve({ kind: 'missing' }); // sooner than a failed connect
  }
  return new Promise((resolve) => {
    let settled = false;
    const frames: { type: number; payload: Buffer }[] = [];
    const reader = new FrameReader();
    const sock = connect(plan.sock);
    const finish = (a: ServerAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (a.kind === 'done') {
        const out = fdWriter(1);
        const err = fdWriter(2);
        for (const f of frames) (f.type === FRAME.OUT ? out : err)(f.payload);
      }
      resolve(a);
    };
    const timer = setTimeout(() => finish({ kind: 'busy' }), wait);
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? { kind: 'missing' } : { kind: 'broken' }));
    sock.on('connect', () => sock.write(`${JSON.stringify(plan.request)}\n`));
    sock.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.type === FRAME.ALIVE) clearTimeout(timer);
        else if (f.type === FRAME.OUT || f.type === FRAME.ERR) frames.push(f);
        else if (f.type === FRAME.EXIT) return finish({ kind: 'done', code: f.payload.readInt32BE(0) });
        else if (f.type === FRAME.BUSY) return finish({ kind: 'busy' });
        else if (f.type === FRAME.DECLINE) return finish({ kind: 'decline' });
      }
    });
    sock.on('close', () => finish({ kind: 'broken' }));
  });
}

/** Arguments whose warm-up run would act outside rel (write files, resolve names): no warm-up. */
const sideEffects = /^--(output-dir|enable-dns)(=|$)/;

/**
 * Starts a server for this bundle build in the background (its own session, no terminal, cwd /),
 * at most once per 30 s per build, warmed up on `plan.request` when that has no side effects.
 * `runJs` is bin/run.js.
 */
export function startServer(runJs: string, plan: ServerPlan): boolean {
  try {
    closeSync(openSync(plan.marker, 'wx', 0o600));
  } catch {
    try {
      if (Date.now() - statSync(plan.marker).mtimeMs < 30_000) return false;
      const now = new Date();
      utimesSync(plan.marker, now, now);
    } catch {
      return false;
    }
  }
  const env: NodeJS.ProcessEnv = { ...process.env, REL_RENDER_SERVER_SOCKET: plan.sock, REL_RENDER_SERVER_MARKER: plan.marker };
  const warm = JSON.stringify(plan.request);
  if (!plan.request.argv.some((a) => sideEffects.test(a)) && warm.length < 64 * 1024) env.REL_RENDER_SERVER_WARMUP = warm;
  try {
    // Loaded only here: most runs find a server and never start one.
    const { spawn } = process.getBuiltinModule('node:child_process');
    spawn(process.execPath, [...process.execArgv, runJs], { detached: true, stdio: 'ignore', cwd: '/', env }).unref();
    return true;
  } catch {
    return false;
  }
}
