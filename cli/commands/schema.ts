import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { renderScenarioJsonSchema } from '../../src/scenario/scenario-json-schema.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors: yaml-language-server, VS Code)')
    .addHelpText(
      'after',
      `
Generated from the scenario validator, so an editor checks a file as cpdiag does. The shipped
scenarios point at scenarios/scenario.schema.json with a first line such as
  # yaml-language-server: $schema=./scenario.schema.json
Example:
  npx cpdiag schema > scenario.schema.json`,
    )
    .action(runAction(() => {
      process.stdout.write(renderScenarioJsonSchema());
    }));
}
