/** src/fast/server-protocol.ts: framing, the arguments a server cannot take, the socket folder check. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitFrame, frame, FRAME, FrameReader, needsOwnProcess, safeDir, serverDir, serverMode } from '../../../src/fast/server-protocol.js';

const work = mkdtempSync(join(tmpdir(), 'rel-proto-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('frames', () => {
  it('survive any split into chunks, in order', () => {
    const big = Buffer.alloc(70_000, 0x61);
    const stream = Buffer.concat([frame(FRAME.ALIVE), frame(FRAME.OUT, Buffer.from('héllo')), frame(FRAME.ERR, big), exitFrame(-3)]);
    for (const size of [1, 2, 5, 7, 4096, stream.length]) {
      const r = new FrameReader();
      const got: { type: number; payload: Buffer }[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...r.push(stream.subarray(i, i + size)));
      expect(got.map((f) => f.type)).toEqual([FRAME.ALIVE, FRAME.OUT, FRAME.ERR, FRAME.EXIT]);
      expect(got[1]!.payload.toString('utf8')).toBe('héllo');
      expect(got[2]!.payload.equals(big)).toBe(true);
      expect(got[3]!.payload.readInt32BE(0)).toBe(-3);
      expect(r.pending).toBe(0);
    }
  });
});

describe('needsOwnProcess', () => {
  it('is true for arguments that read standard input or this process', () => {
    for (const a of [['-f', '-'], ['--values=-'], ['--set-file', 'a=-'], ['-f', '/dev/stdin'], ['--set-file', 'k=/dev/fd/3'], ['-f', '/proc/self/fd/0']]) {
      expect(needsOwnProcess(['r', 'c', ...a]), a.join(' ')).toBe(true);
    }
    for (const a of [['-f', 'values.yaml'], ['--set', 'a=b-'], ['--set', 'x=-1'], ['-n', 'dev']]) expect(needsOwnProcess(['r', 'c', ...a]), a.join(' ')).toBe(false);
  });
});

describe('socket folder', () => {
  it('is used only when it is a directory of this user that others cannot enter', () => {
    const ok = join(work, 'ok');
    expect(safeDir(ok)).toBe(false); // missing
    expect(safeDir(ok, true)).toBe(true); // made 0700
    const open = join(work, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(safeDir(open)).toBe(false);
    const link = join(work, 'link');
    symlinkSync(ok, link);
    expect(safeDir(link)).toBe(false);
  });

  it('lives under XDG_RUNTIME_DIR, else the temporary folder; REL_RENDER_SERVER picks the mode', () => {
    expect(serverDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/rel');
    expect(serverDir({})).toMatch(/\/rel-\d+$/);
    expect(serverMode({})).toBe('auto');
    expect(serverMode({ REL_RENDER_SERVER: '0' })).toBe('off');
    expect(serverMode({ REL_RENDER_SERVER: 'off' })).toBe('off');
    expect(serverMode({ REL_RENDER_SERVER: 'require' })).toBe('require');
  });
});
