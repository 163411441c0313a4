/**
 * The render server: a Node process that keeps the fast path of `rel template` loaded and warm,
 * so that a `rel template` run only pays for Node's start, a connection and a warm render
 * (bin/run.js starts it in the background after a run that found none; it exits after
 * REL_RENDER_SERVER_IDLE seconds without a request, default 600). One request at a time, in the
 * caller's working directory, environment and umask; the reply is the same bytes and exit code the
 * in-process fast path gives. See src/fast/server-protocol.ts for the wire format.
 */
import { chmodSync, statSync, unlinkSync, watch, type Stats } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { exitFrame, frame, FRAME, type ServerRequest } from './server-protocol.js';

export interface ServeOptions {
  socket: string;
  /** The bundle this server runs: when it changes on disk, the server stops after the current request. */
  bundleFile: string;
  idleMs: number;
  /** Runs `rel template` with these arguments; null: this build cannot mirror the command. */
  render(argv: string[], io: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<number | null>;
  /** Requests rendered before warm-up requests are taken (output discarded). */
  warmup?: ServerRequest;
  /** Stop after this many requests (default 2000) or above this heap size (default 1 GiB). */
  maxRequests?: number;
  maxHeapBytes?: number;
  /** Marker file the starting client made; removed once listening. */
  startMarker?: string;
}

/** Sets process.env to exactly `env` (TZ changes reach Date and Intl through Node's env setter). */
function replaceEnv(env: Record<string, string | undefined>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else if (process.env[k] !== v) process.env[k] = v;
  }
}

const sameFile = (a: Stats, b: Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

function parseRequest(line: string): ServerRequest | undefined {
  try {
    const r = JSON.parse(line) as ServerRequest;
    if (r?.v !== 1 || !Array.isArray(r.argv) || r.argv.some((a) => typeof a !== 'string')) return undefined;
    if (typeof r.cwd !== 'string' || typeof r.env !== 'object' || r.env === null || typeof r.umask !== 'number') return undefined;
    return r;
  } catch {
    return undefined;
  }
}

/** Listens on `socket`, replacing a stale one; false when another live server holds it. */
async function listen(server: Server, socket: string): Promise<boolean> {
  const attempt = () =>
    new Promise<NodeJS.ErrnoException | undefined>((res) => {
      const onError = (e: NodeJS.ErrnoException) => res(e);
      server.once('error', onError);
      server.listen(socket, () => {
        server.off('error', onError);
        res(undefined);
      });
    });
  let err = await attempt();
  if (err?.code === 'EADDRINUSE') {
    const alive = await new Promise<boolean>((res) => {
      const c = connect(socket);
      c.once('connect', () => (c.destroy(), res(true)));
      c.once('error', () => res(false));
    });
    if (alive) return false;
    try {
      unlinkSync(socket);
    } catch {
      /* gone already */
    }
    err = await attempt();
  }
  if (err) throw err;
  chmodSync(socket, 0o600);
  return true;
}

/** Runs the server until it stops (idle, bundle changed, limits, SIGTERM); resolves then. */
export async function serve(o: ServeOptions): Promise<void> {
  const started = statSync(o.bundleFile);
  const maxRequests = o.maxRequests ?? 2000;
  const maxHeap = o.maxHeapBytes ?? 1 << 30;
  let busy = false;
  let served = 0;
  let stopping = false;
  let idle: NodeJS.Timeout | undefined;
  /** The inode of the socket this server made (-1 until it listens). */
  let ownInode = -1;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const server = createServer();

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (idle) clearTimeout(idle);
    server.close(() => done());
    try {
      // Only our own socket: a newer server may have replaced the file.
      if (statSync(o.socket).ino === ownInode) unlinkSync(o.socket);
    } catch {
      /* gone */
    }
  };
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(stop, o.idleMs);
    idle.unref();
  };

  /** One request in the caller's directory, environment and umask; output returned as frames. */
  const run = async (req: ServerRequest): Promise<Buffer> => {
    const saved = { cwd: process.cwd(), env: { ...process.env }, umask: process.umask() };
    const chunks: Buffer[] = [];
    const to = (type: number) => (s: string) => void (s && chunks.push(frame(type, Buffer.from(s, 'utf8'))));
    try {
      process.chdir(req.cwd);
      replaceEnv(req.env);
      process.umask(req.umask);
      const code = await o.render(req.argv, { stdout: to(FRAME.OUT), stderr: to(FRAME.ERR) });
      return code === null ? frame(FRAME.DECLINE) : Buffer.concat([...chunks, exitFrame(code)]);
    } catch {
      // The caller's directory is gone, or something unexpected: let the caller render itself.
      return frame(FRAME.BUSY);
    } finally {
      try {
        process.chdir(saved.cwd);
      } catch {
        process.chdir('/');
      }
      replaceEnv(saved.env);
      process.umask(saved.umask);
    }
  };

  const afterRequest = () => {
    served++;
    let changed = false;
    try {
      changed = !sameFile(statSync(o.bundleFile), started);
    } catch {
      changed = true;
    }
    if (changed || served >= maxRequests || process.memoryUsage().heapUsed > maxHeap) stop();
    else armIdle();
  };

  server.on('connection', (sock: Socket) => {
    sock.on('error', () => {});
    sock.write(frame(FRAME.ALIVE));
    let text = '';
    let taken = false;
    sock.on('data', (chunk: Buffer) => {
      if (taken) return;
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) {
        if (text.length > 16 << 20) sock.destroy();
        return;
      }
      taken = true;
      const req = parseRequest(text.slice(0, nl));
      if (!req) return void sock.end(frame(FRAME.BUSY));
      if (busy || stopping) return void sock.end(frame(FRAME.BUSY));
      busy = true;
      if (idle) clearTimeout(idle);
      void run(req).then((reply) => {
        busy = false;
        if (!sock.destroyed) sock.end(reply);
        afterRequest();
      });
    });
  });

  if (!(await listen(server, o.socket))) return;
  ownInode = statSync(o.socket).ino;
  if (o.startMarker) {
    try {
      unlinkSync(o.startMarker);
    } catch {
      /* none */
    }
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, stop);
  // A rebuilt or reinstalled rel: stop now rather than idle (its clients look for a new socket).
  try {
    watch(o.bundleFile, { persistent: false }, () => stop());
  } catch {
    /* checked after each request as well */
  }
  // Warm up on the request that started this server (output discarded), so that the next
  // `rel template` finds compiled, optimised code rather than a cold engine.
  if (o.warmup) {
    busy = true;
    for (let i = 0; i < 3 && !stopping; i++) await run(o.warmup);
    busy = false;
  }
  armIdle();
  await finished;
}
