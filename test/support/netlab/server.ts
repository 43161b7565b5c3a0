/**
 * A Tongke server the lab's namespaces reach: the real server process (ServerProcess) on a freshly seeded
 * demo county, HTTP and media listening on all addresses, media announced at the anchor host's host-side
 * address. Every lab namespace reaches that address (their default routes lead to the test host), and so
 * do browsers on the test host (it is one of its own addresses), so all browsers use one origin:
 * `http://<anchor.hostAddress>:<port>`. A lab e2e file starts its own, so the shared e2e server (loopback
 * only) stays as it is.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoStore } from '../demo-store.js';
import { ServerProcess } from '../server-process.js';
import type { LabHost } from './lab.js';

const RESULTS_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));

export interface LabServer {
  process: ServerProcess;
  /** What every browser of the lab opens: http://10.231.<n>.1:<port>. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** Seeds the demo county into a temporary SQLite file and starts the server; `env` adds settings. */
export async function startLabServer(anchor: LabHost, env: Record<string, string> = {}): Promise<LabServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-lab-server-'));
  const dbPath = join(dir, 'tongke.db');
  try {
    await seedDemoStore(dbPath);
    mkdirSync(RESULTS_DIR, { recursive: true });
    // ServerProcess checks health on 127.0.0.1 and learns the port; the public URL needs the port first.
    const process = await ServerProcess.start(
      dbPath,
      {
        TONGKE_HOST: '0.0.0.0',
        TONGKE_RTC_LISTEN_IP: '0.0.0.0',
        TONGKE_RTC_ANNOUNCED_IP: anchor.hostAddress,
        TONGKE_LOGIN_RATE_LIMIT: '500',
        TONGKE_LOGIN_ACCOUNT_LIMIT: '500',
        ...env,
      },
      { logFile: join(RESULTS_DIR, `netlab-server-${anchor.namespace}.log`) },
    );
    const port = new URL(process.baseUrl).port;
    return {
      process,
      baseUrl: `http://${anchor.hostAddress}:${port}`,
      async stop() {
        await process.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
