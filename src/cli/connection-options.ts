/**
 * `--address`, `--namespace` and `--profile` on every command that talks to Temporal, as the Temporal CLI has
 * them. They win over the environment by becoming it for the one command: every command reads its connection
 * through `connectionConfigFromEnv()`, so none needs to know about the flags, and `main()` puts the variables
 * back afterwards (tests run many commands in one process).
 */
import type { Command } from 'commander';

const FLAGS = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  profile: 'TEMPORAL_PROFILE',
} as const;

/** Commands that never connect to Temporal; `weft server` takes `--namespace` only (it creates it). */
const OFFLINE = new Set(['validate', 'codec-server', 'help']);

export function addConnectionOptions(program: Command): void {
  const visit = (cmd: Command, path: string[]) => {
    if (cmd.commands.length) return cmd.commands.forEach((sub) => visit(sub, [...path, sub.name()]));
    if (OFFLINE.has(path[0]!)) return;
    if (path[0] === 'server') {
      cmd.option('--namespace <name>', 'a namespace to create besides "default" (runs and workers use it)');
      return;
    }
    cmd
      .option('--address <host:port>', 'the Temporal frontend (default: $TEMPORAL_ADDRESS or the profile)')
      .option('--namespace <name>', 'the namespace (default: $TEMPORAL_NAMESPACE, the profile, or "default")')
      .option('--profile <name>', 'a profile of temporal.toml ($TEMPORAL_CONFIG_FILE or the default path)');
  };
  program.commands.forEach((cmd) => visit(cmd, [cmd.name()]));
  program.hook('preAction', (_program, action) => {
    const options = action.opts<Partial<Record<keyof typeof FLAGS, string>>>();
    for (const [flag, variable] of Object.entries(FLAGS)) {
      const value = options[flag as keyof typeof FLAGS];
      if (value) process.env[variable] = value;
    }
  });
}

/** Runs `fn` and then restores the variables the flags may have set. */
export async function withRestoredConnectionEnv<T>(fn: () => Promise<T>): Promise<T> {
  const saved = Object.values(FLAGS).map((name) => [name, process.env[name]] as const);
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
