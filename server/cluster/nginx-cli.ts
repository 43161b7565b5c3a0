/**
 * Prints the nginx site that puts several nodes behind one address (README "Running several nodes"):
 *   npm run cluster:nginx -- --listen 80 node-a=10.0.0.11:8080 node-b=10.0.0.12:8080
 * Each node is its TONGKE_NODE_ID and the host:port nginx reaches it on.
 */
import { parseArgs } from 'node:util';
import { nginxSite, type ProxiedNode } from './nginx-config.js';

const NODE = /^([a-z0-9][a-z0-9_-]{0,62})=([^\s=]+:\d{1,5})$/i;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, options: { listen: { type: 'string', default: '80' } }, allowPositionals: true });
  const nodes: ProxiedNode[] = [];
  for (const arg of positionals) {
    const match = NODE.exec(arg);
    if (!match) {
      console.error(`cluster:nginx: "${arg}" is not <TONGKE_NODE_ID>=<host>:<port>`);
      return 2;
    }
    nodes.push({ nodeId: match[1]!, address: match[2]! });
  }
  if (nodes.length === 0) {
    console.error('usage: npm run cluster:nginx -- [--listen 80] node-a=10.0.0.11:8080 node-b=10.0.0.12:8080');
    return 2;
  }
  process.stdout.write(nginxSite({ listen: values.listen!, nodes }));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
