import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, outputFlag } from '../../cli/base.js';
import { formatData } from '../../cli/output.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { getRevision } from '../../actions/inspect.js';
import { maskSecrets } from '../../values/mask.js';

export default class GetValues extends RelCommand {
  static override description = 'Print the user-supplied values of a release revision (with --all, merged with the chart defaults). Values that look secret are masked unless --show-secrets.';
  static override examples = ['<%= config.bin %> get values shop', '<%= config.bin %> get values shop --all -o json'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...outputFlag,
    revision: Flags.integer({ description: 'Revision (default: newest).' }),
    all: Flags.boolean({ char: 'a', description: 'Include the chart defaults.', default: false }),
    'show-secrets': Flags.boolean({ description: 'Print secret-looking values in plain text.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GetValues);
    const r = await getRevision(releaseContext(kubeOptions(flags), () => {}), args.release, flags.revision);
    let values: Record<string, unknown> = r.config ?? {};
    if (flags.all) values = deepMerge(r.chart?.values ?? {}, values);
    if (!flags['show-secrets']) values = maskSecrets(values) as Record<string, unknown>;
    const fmt = flags.output === 'json' ? 'json' : 'yaml';
    process.stdout.write(flags.output === 'table' ? `USER-SUPPLIED VALUES:\n${formatData(values, 'yaml')}` : formatData(values, fmt));
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
