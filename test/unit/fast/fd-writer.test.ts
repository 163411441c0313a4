/** src/fast/fd-writer.ts fdWriter: stdout/stderr written to the descriptor, the stream only when needed. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fdWriter } from '../../../src/fast/fd-writer.js';

class FakeStream extends EventEmitter {
  chunks: Buffer[] = [];
  write(data: string | Uint8Array): boolean {
    this.chunks.push(Buffer.from(data));
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('fdWriter', () => {
  it('writes every byte to the descriptor, across partial writes, without making the stream', () => {
    const got: Buffer[] = [];
    let streamMade = false;
    const w = fdWriter(1, {
      platform: 'linux',
      writeSync: (fd, buf, off) => {
        expect(fd).toBe(1);
        const n = Math.min(3, buf.length - off);
        got.push(Buffer.from(buf.subarray(off, off + n)));
        return n;
      },
      stream: () => {
        streamMade = true;
        return new FakeStream() as unknown as NodeJS.WriteStream;
      },
    });
    w('héllo wörld\n');
    w('');
    w('second');
    expect(Buffer.concat(got).toString('utf8')).toBe('héllo wörld\nsecond');
    expect(streamMade).toBe(false);
  });

  it('ends the output quietly when the reader went away (EPIPE)', () => {
    let calls = 0;
    const w = fdWriter(1, {
      platform: 'linux',
      writeSync: () => {
        calls++;
        throw errno('EPIPE');
      },
      stream: () => {
        throw new Error('no stream expected');
      },
    });
    expect(() => w('a')).not.toThrow();
    w('b');
    expect(calls).toBe(1);
  });

  it('sends what is left to the stream on other errors (a non-blocking pipe)', () => {
    const s = new FakeStream();
    let first = true;
    const w = fdWriter(2, {
      platform: 'linux',
      writeSync: (_fd, _buf, off) => {
        if (first) {
          first = false;
          return 4;
        }
        expect(off).toBe(4);
        throw errno('EAGAIN');
      },
      stream: () => s as unknown as NodeJS.WriteStream,
    });
    w('0123456789');
    w('more');
    expect(s.text()).toBe('456789more');
    // A closed stream (EPIPE) is not an error, like oclif.
    expect(() => s.emit('error', errno('EPIPE'))).not.toThrow();
  });

  it('uses the stream on Windows', () => {
    const s = new FakeStream();
    const w = fdWriter(1, {
      platform: 'win32',
      writeSync: () => {
        throw new Error('no direct write expected');
      },
      stream: () => s as unknown as NodeJS.WriteStream,
    });
    w('x');
    expect(s.text()).toBe('x');
  });
});
