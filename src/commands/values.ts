import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags, outputFlag } from '../cli/base.js';
import { formatData } from '../cli/output.js';
import { explainLines, explainValues, printable } from '../actions/values.js';

export default class Values extends RelCommand {
  static override description = `Print the merged values a deploy would use, in rel's layering order (lowest first):
chart values.yaml < values/<chart>/common.yaml < values/<chart>/<env>.yaml < files in rel.yaml < -f files < --set*.
With --explain, every leaf is listed with the file (or flag) that set it. Secret-looking values are masked unless --show-secrets.`;
  static override examples = ['<%= config.bin %> values registration --env prod', '<%= config.bin %> values registration --env prod --explain', '<%= config.bin %> values shop ./charts/shop -f my.yaml -o json'];
  static override args = {
    release: Args.string({ description: 'release name (default: the only release in rel.yaml)' }),
    chart: Args.string({ description: 'chart (default: from rel.yaml)' }),
  };
  static override flags = {
    ...commonFlags,
    ...outputFlag,
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml.' }),
    values: Flags.string({ char: 'f', description: 'Values file (repeatable).', multiple: true, multipleNonGreedy: true }),
    set: Flags.string({ description: 'Set a value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-string': Flags.string({ description: 'Set a string value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-json': Flags.string({ description: 'Set a JSON value (repeatable).', multiple: true, multipleNonGreedy: true }),
    explain: Flags.boolean({ description: 'Show which file or flag set each value.', default: false }),
    'show-secrets': Flags.boolean({ description: 'Print secret-looking values in plain text.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Values);
    const r = await explainValues(args, flags);
    if (flags.explain) {
      if (flags.output === 'table') return void process.stdout.write(explainLines(r, flags['show-secrets']));
      return void process.stdout.write(formatData({ values: printable(r.values, flags['show-secrets']), origins: r.origins }, flags.output as 'json' | 'yaml'));
    }
    process.stdout.write(formatData(printable(r.values, flags['show-secrets']), flags.output === 'json' ? 'json' : 'yaml'));
  }
}
