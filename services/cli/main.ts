/** The `liaison` command: one entry point for operators and developers. */
import { Command } from 'commander';
import { stackDown, stackOptionsFromEnv, stackStatus, stackUp } from '../../infra/local/stack.ts';
import { verifyAuditLog } from '../gateway/audit-log.ts';
import { resolveConnection } from '../shared/connection.ts';
import { LiaisonError } from '../shared/errors.ts';
import { createKafka } from '../shared/kafka.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { topics } from '../shared/topology.ts';

const program = new Command()
  .name('liaison')
  .description('Liaison: the gateway through which national contact points exchange intelligence notices')
  .showHelpAfterError();

const stack = program
  .command('stack')
  .description('the embedded local stack: Apache Kafka and Apicurio Registry on loopback (data in .liaison/, or $LIAISON_HOME)');

stack
  .command('up')
  .description('fetch (first run), start and provision the stack; does nothing to a stack that already runs')
  .action(async () => {
    const opts = stackOptionsFromEnv();
    const { connection, started } = await stackUp(opts);
    console.log(started ? 'The stack is up.' : 'The stack was already up.');
    console.log(`  Kafka (SASL/SCRAM-SHA-512): ${connection.brokers.join(',')}`);
    console.log(`  Schema registry (Confluent API): ${connection.registryUrl}`);
    console.log(`  Credentials: ${opts.home}/credentials.json (mode 600)`);
  });

stack
  .command('down')
  .description('stop exactly the processes `stack up` started; data stays in the data folder')
  .action(async () => {
    const stopped = await stackDown(stackOptionsFromEnv());
    console.log(stopped.length ? `Stopped ${stopped.join(' and ')}.` : 'Nothing of the stack was running.');
  });

stack
  .command('status')
  .description('show which processes of the stack run (exit 1 if not all)')
  .action(() => {
    const status = stackStatus(stackOptionsFromEnv());
    for (const [name, pid] of Object.entries(status)) console.log(`${name}: ${pid === undefined ? 'stopped' : `running (pid ${pid})`}`);
    if (Object.values(status).some((pid) => pid === undefined)) process.exitCode = 1;
  });

const audit = program.command('audit').description('the hash-chained audit trail (liaison.audit)');

audit
  .command('verify')
  .description('read every audit event and check each chain; names the first broken link (exit 1)')
  .option('--topic <topic>', 'audit topic to verify', topics.audit)
  .action(async (opts: { topic: string }) => {
    const connection = resolveConnection();
    const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'liaison-cli' });
    const result = await verifyAuditLog(kafka, new ContractRegistry(connection.registryUrl), opts.topic);
    if (result.broken) {
      const b = result.broken;
      console.error(`BROKEN at offset ${b.offset}: chain ${b.chain}, sequence ${b.sequence}: ${b.problem}`);
      process.exitCode = 1;
      return;
    }
    console.log(`OK: ${result.events} events in ${result.chains.size} chains, every link intact.`);
    for (const [chain, head] of result.chains) console.log(`  ${chain}: ${head.sequence + 1} events, head ${head.hash.slice(0, 16)}…`);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof LiaisonError) {
    console.error(`liaison: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
