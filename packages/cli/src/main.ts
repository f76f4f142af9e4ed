#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, formatConfigError } from '@shiriki/config';
import { checkConfig, showConfig } from './commands/config.js';
import { writeGo2rtcConfig } from './commands/go2rtc-config.js';
import { tail } from './commands/tail.js';
import { runDemo } from './commands/demo.js';
import { up } from './commands/up.js';
import { SERVICES, SERVICE_DESCRIPTIONS, runServiceCommand } from './commands/service.js';

const program = new Command('shiriki')
  .description('Distributed video analytics on NATS: cameras, motion, objects, alerts and clips.')
  .option('-c, --config <path>', 'config file (default: $SHIRIKI_CONFIG or ./shiriki.yaml)');

const configOption = (): string | undefined => program.opts<{ config?: string }>().config;

const config = program.command('config').description('check or show the configuration');
config
  .command('check')
  .description('validate the config file; lists every problem with its path and line')
  .action(() => checkConfig(configOption()));
config
  .command('show')
  .description('print the resolved config (defaults filled in, secrets masked)')
  .action(() => showConfig(configOption()));

program
  .command('go2rtc')
  .description('go2rtc integration')
  .command('config')
  .description("write go2rtc's config with one stream per camera (${VAR} references kept for go2rtc)")
  .option('-o, --output <file>', 'where to write it; - for stdout', '-')
  .action((options: { output: string }) => writeGo2rtcConfig(configOption(), options.output));

program
  .command('tail')
  .description('print motion, object events, alerts and stored clips from NATS as they happen')
  .option('--camera <name>', 'only this camera')
  .option('--no-motion', 'leave out motion messages')
  .option('--no-events', 'leave out object events')
  .option('--no-alerts', 'leave out alerts')
  .option('--no-clips', 'leave out clips ready in the object store')
  .action((options: { camera?: string; motion: boolean; events: boolean; alerts: boolean; clips: boolean }) =>
    tail({ config: configOption(), ...options }),
  );

program
  .command('up')
  .description(
    'run everything on this box: NATS, go2rtc and the services, supervised; Ctrl-C stops them in order',
  )
  .option('--data-dir <dir>', "where data lives (default: the config's data_dir)")
  .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
  .action((options: { dataDir?: string; duration?: string }) =>
    up({
      config: configOption(),
      dataDir: options.dataDir,
      durationS: options.duration === undefined ? undefined : Number(options.duration),
    }),
  );

for (const service of SERVICES) {
  program
    .command(service)
    .description(`run the ${service} service in this process: ${SERVICE_DESCRIPTIONS[service]}`)
    .action(() => runServiceCommand(service));
}

program
  .command('demo')
  .description('shiriki up on the sample clips as cameras, printing what it sees and where each clip is')
  .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
  .option('--keep', 'keep the data directory (clips, snapshots, logs) afterwards')
  .option('--data-dir <dir>', 'where the demo keeps its data (default: a new temporary directory)')
  .action((options: { duration?: string; keep?: boolean; dataDir?: string }) =>
    runDemo({
      durationS: options.duration === undefined ? undefined : Number(options.duration),
      keep: options.keep,
      dataDir: options.dataDir,
    }),
  );

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(formatConfigError(error));
    process.exit(2);
  }
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
}
