/** The in-process runner of the conformance harness (test/helpers/cli.ts). */
import { describe, expect, it } from 'vitest';
import { capture, exitCodeOf } from '../helpers/cli.js';

describe('capture', () => {
  it('captures stdout and stderr, strings and bytes', async () => {
    const r = await capture(async () => {
      process.stdout.write('out ');
      process.stdout.write(new TextEncoder().encode('bytes'));
      process.stderr.write(Buffer.from('err'));
      console.log('!');
      console.error('e%d', 2);
    });
    expect(r).toMatchObject({ stdout: 'out bytes!\n', stderr: 'erre2\n', exitCode: 0 });
  });

  it('turns an oclif error into its exit code and message', async () => {
    const r = await capture(async () => {
      throw Object.assign(new Error('Nonexistent flag: --nope'), { oclif: { exit: 2 } });
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('Error: Nonexistent flag: --nope\n');
  });

  it('treats this.exit(0) as success and other errors as exit code 1', async () => {
    expect((await capture(async () => { throw Object.assign(new Error('EEXIT: 0'), { oclif: { exit: 0 } }); })).exitCode).toBe(0);
    const r = await capture(async () => { throw new Error('boom'); });
    expect(r).toMatchObject({ exitCode: 1, stderr: 'Error: boom\n' });
    expect(exitCodeOf(undefined)).toBe(1);
  });

  it('honours process.exitCode and restores it', async () => {
    const before = process.exitCode;
    const r = await capture(async () => {
      process.stderr.write('Error: failed\n');
      process.exitCode = 1;
    });
    expect(r).toMatchObject({ exitCode: 1, stderr: 'Error: failed\n' });
    expect(process.exitCode).toBe(before);
  });

  it('does not let process.exit end the test process', async () => {
    const r = await capture(async () => {
      process.stdout.write('partial');
      process.exit(3);
    });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'partial', stderr: '' });
  });

  it('restores the real writers after an error', async () => {
    const write = process.stdout.write;
    await capture(async () => { throw new Error('x'); });
    expect(process.stdout.write).toBe(write);
  });
});
