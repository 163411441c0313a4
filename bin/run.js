#!/usr/bin/env node
// The `rel` executable: loads the compiled oclif commands from dist/.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
