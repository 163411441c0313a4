/**
 * Progress output for long work. On a terminal (and not in CI) a listr2 task list shows the current step with a
 * spinner and the latest detail line; elsewhere every step is one plain log line on stderr.
 */
export type Log = (line: string) => void;

export function interactiveOutput(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && !process.env.NO_COLOR;
}

export async function withProgress<T>(title: string, work: (log: Log) => Promise<T>): Promise<T> {
  if (!interactiveOutput()) return work((line) => process.stderr.write(`${line}\n`));
  const { Listr } = await import('listr2');
  let result: T | undefined;
  const list = new Listr(
    [
      {
        title,
        rendererOptions: { outputBar: 1, persistentOutput: false },
        task: async (_ctx, task) => {
          result = await work((line) => {
            const text = line.trim();
            // Step lines become the task title; details (waiting, analysis) the output line under it.
            if (/^(waiting|analysis|apply|delete|hook|all \d+ resources|running \d+)/.test(text)) task.output = text;
            else task.title = `${title}: ${text}`;
          });
        },
      },
    ],
    { exitOnError: true, registerSignalListeners: false },
  );
  await list.run();
  return result as T;
}
