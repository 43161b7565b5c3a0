import { NODE_HINT } from '../../shared/lesson/protocol.js';

/** One Tongke node as the proxy reaches it. */
export interface ProxiedNode {
  /** Its TONGKE_NODE_ID. */
  nodeId: string;
  /** host:port of its HTTP listener (TONGKE_HOST/TONGKE_PORT), as the proxy reaches it. */
  address: string;
}

export interface NginxSiteOptions {
  /** nginx's `listen` (e.g. `443 ssl` with your certificate lines added, or `127.0.0.1:8080`). */
  listen: string;
  nodes: readonly ProxiedNode[];
}

const upstreamOf = (nodeId: string) => `tongke_node_${nodeId.replace(/[^a-z0-9_]/gi, '_')}`;

/**
 * The nginx site that puts several nodes behind one address — what the README's "Running several nodes"
 * shows and the several-nodes test runs. Pages, the API and new lesson sockets go to any live node (nginx
 * skips one that refuses connections); a lesson socket whose page was sent to a node (the `node` query
 * parameter, after a `lesson_elsewhere`) goes to that node only, so that it reaches the lesson's media.
 * WebSocket upgrades pass through; media (WebRTC) goes to each node's own announced address, not through nginx.
 */
export function nginxSite({ listen, nodes }: NginxSiteOptions): string {
  if (nodes.length === 0) throw new Error('an nginx site needs at least one node');
  const lines = [
    'map $http_upgrade $tongke_connection {',
    '    default upgrade;',
    "    ''      close;",
    '}',
    '',
    `# A lesson socket sent to one node (?${NODE_HINT}=<TONGKE_NODE_ID>) goes to that node; everything else to any.`,
    `map $arg_${NODE_HINT} $tongke_upstream {`,
    '    default tongke_nodes;',
    ...nodes.map((n) => `    ${n.nodeId} ${upstreamOf(n.nodeId)};`),
    '}',
    '',
    'upstream tongke_nodes {',
    ...nodes.map((n) => `    server ${n.address} max_fails=1 fail_timeout=10s;`),
    '}',
    ...nodes.flatMap((n) => ['', `upstream ${upstreamOf(n.nodeId)} {`, `    server ${n.address};`, '}']),
    '',
    'server {',
    `    listen ${listen};`,
    '    # Courseware and evidence uploads.',
    '    client_max_body_size 200m;',
    '',
    '    location / {',
    '        proxy_pass http://$tongke_upstream;',
    '        proxy_http_version 1.1;',
    '        proxy_set_header Upgrade $http_upgrade;',
    '        proxy_set_header Connection $tongke_connection;',
    '        proxy_set_header Host $http_host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '        # A lesson socket stays open for the whole lesson.',
    '        proxy_read_timeout 1h;',
    '        proxy_send_timeout 1h;',
    "        # The next node when one cannot be reached (nginx never sends a POST twice once it reached a node).",
    '        proxy_next_upstream error timeout;',
    '    }',
    '}',
  ];
  return lines.join('\n') + '\n';
}
