import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
import { PROJECT_FILE } from '../project/load.js';
import { starterProject } from '../project/starter.js';

export default class Init extends RelCommand {
  static override description = 'Write a commented starter rel.yaml (project file) in the current folder.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --release shop --chart charts/shop'];
  static override flags = {
    ...commonFlags,
    release: Flags.string({ description: 'Name of the first release.', default: 'myapp' }),
    chart: Flags.string({ description: 'Chart folder or packaged .tgz of the first release.', default: 'charts/myapp' }),
    force: Flags.boolean({ description: 'Overwrite an existing rel.yaml.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const file = join(process.cwd(), PROJECT_FILE);
    if (existsSync(file) && !flags.force) {
      throw new UserError(`${PROJECT_FILE} already exists`, { hint: 'Use --force to overwrite it.' });
    }
    writeFileSync(file, starterProject({ release: flags.release, chart: flags.chart }));
    this.log(`wrote ${file}`);
  }
}
