/**
 * What the render server (src/fast/server.ts) and its client (src/fast/client.ts, used by
 * bin/run.js) share: where the socket lives, the request, and the framing of the reply.
 *
 * Location: `$XDG_RUNTIME_DIR/rel/` or, without it, `<tmpdir>/rel-<uid>/`; a directory that is
 * not a real directory owned by this user with no access for others is never used. One socket
 * per bundle build and Node set-up: `t-<stamp>.sock`, the stamp hashing the bundle's path, size,
 * modification time and inode with the Node version, architecture and flags, so a rebuilt or
 * upgraded rel (or another Node) never talks to an old server.
 *
 * Request: one line of JSON (`ServerRequest`). Reply: frames of `type (1 byte) | length (4 bytes,
 * big-endian) | payload`; the server sends ALIVE as soon as it takes the connection, then either
 * BUSY (rendering another request: render in-process), DECLINE (this build cannot mirror the
 * command: use oclif) or the output (OUT, ERR) followed by EXIT (payload: the exit code, int32).
 * Kept free of imports beyond node builtins: the client bundle is loaded on every `rel template`.
 */
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FRAME = { ALIVE: 0, OUT: 1, ERR: 2, EXIT: 3, BUSY: 4, DECLINE: 5 } as const;

export interface ServerRequest {
  v: 1;
  /** The arguments after `template`. */
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  umask: number;
}

/** REL_RENDER_SERVER: "0"/"off" never use one; "require" (tests): it is an error not to. */
export type ServerMode = 'off' | 'auto' | 'require';

export function serverMode(env: NodeJS.ProcessEnv = process.env): ServerMode {
  const v = (env.REL_RENDER_SERVER ?? '').toLowerCase();
  if (v === '0' || v === 'off' || v === 'false' || v === 'no') return 'off';
  if (v === 'require') return 'require';
  return 'auto';
}

/** Seconds a server waits for the next request before it exits (REL_RENDER_SERVER_IDLE, default 600). */
export function idleSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.REL_RENDER_SERVER_IDLE);
  return Number.isFinite(n) && n > 0 ? n : 600;
}

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The stamp of one bundle build under one Node set-up. */
export function bundleStamp(bundleFile: string, st: Stats): string {
  const node = [process.version, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('|');
  return fnv([bundleFile, st.size, st.mtimeMs, st.ino, node].join('|'));
}

/** The folder for sockets; it is made (mode 0700) when `create`. */
export function serverDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'rel') : join(tmpdir(), `rel-${uid}`);
}

/**
 * True when `dir` is safe to hold sockets: a directory (not a link) owned by this user that
 * nobody else can enter. With `create`, it is made first when missing.
 */
export function safeDir(dir: string, create = false): boolean {
  if (typeof process.getuid !== 'function') return false; // no Unix sockets with owners (Windows)
  if (create) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      return false;
    }
  }
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export function socketPath(dir: string, stamp: string): string {
  return join(dir, `t-${stamp}.sock`);
}

export function frame(type: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.allocUnsafe(5 + payload.length);
  b[0] = type;
  b.writeUInt32BE(payload.length, 1);
  b.set(payload, 5);
  return b;
}

export function exitFrame(code: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeInt32BE(code, 0);
  return frame(FRAME.EXIT, p);
}

/** Splits a byte stream into frames as it arrives. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): { type: number; payload: Buffer }[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: { type: number; payload: Buffer }[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + len) break;
      out.push({ type: this.buf[0]!, payload: this.buf.subarray(5, 5 + len) });
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
  /** Bytes of a frame not yet complete. */
  get pending(): number {
    return this.buf.length;
  }
}

/**
 * Arguments that make the command read this process's standard input or descriptors
 * (`-f -`, /dev/stdin, /proc/self/…): a server cannot stand in for those.
 */
export function needsOwnProcess(argv: string[]): boolean {
  return argv.some((a) => /(^|=)-$/.test(a) || /\/dev\/(stdin|fd\/)|\/proc\/(self|thread-self)\//.test(a));
}
