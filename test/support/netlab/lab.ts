/**
 * The network lab: test hosts in their own network namespaces, each joined to the test's host by an
 * impaired link (two TUN devices and a forwarder process). A host of slot n is 10.231.n.2; it reaches
 * the test's host at 10.231.n.1 (and, by its default route, every other host-side address of the lab).
 *
 *   const lab = await NetLab.open();            // removes what a killed run left behind
 *   const site = await lab.addHost('village-dsl-bad');
 *   site.spawn(process.execPath, ['client.mjs', site.hostAddress]);
 *   await site.use('udp-blocked');
 *   await lab.close();                          // namespaces, devices and forwarders gone
 */
import { fork, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { claimSlot, deviceNames, ip, labUnavailable, namespaceName, releaseSlot, releaseSlotSync, removeStale } from './ip.js';
import type { FromForwarder, LinkCounters, LinkSetting } from './protocol.js';
import { PROFILES, type LinkProfile, type ProfileName } from './profiles.js';

export { labUnavailable };

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FORWARDER = fileURLToPath(new URL('./forwarder.ts', import.meta.url));

/** A flapping link's transition, as the forwarder reported it. */
export interface FlapEvent {
  down: boolean;
  at: number;
}

/** One test host: a namespace behind an impaired link. */
export class LabHost {
  readonly namespace: string;
  /** The test host's address as this namespace reaches it (the server listens here or on 0.0.0.0). */
  readonly hostAddress: string;
  /** This namespace's own address. */
  readonly address: string;
  /** Transitions of a flapping link, oldest first. */
  readonly flaps: FlapEvent[] = [];
  #setting: LinkProfile = PROFILES.clean;
  #requests = new Map<number, (counters: LinkCounters) => void>();
  #nextId = 1;
  #closed: Promise<void> | undefined;

  private constructor(
    readonly slot: number,
    private readonly forwarder: ChildProcess,
  ) {
    this.namespace = namespaceName(slot);
    this.hostAddress = `10.231.${slot}.1`;
    this.address = `10.231.${slot}.2`;
    forwarder.on('message', (message: FromForwarder) => {
      if (message.type === 'done') {
        this.#requests.get(message.id)?.(message.counters);
        this.#requests.delete(message.id);
      } else if (message.type === 'flap') this.flaps.push({ down: message.down, at: message.at });
    });
  }

  /** Claims a slot, starts its forwarder, moves one device into the namespace and sets up addresses and routes. */
  static async create(profile: ProfileName | LinkProfile = 'clean'): Promise<LabHost> {
    const slot = await claimSlot();
    let forwarder: ChildProcess | undefined;
    try {
      const devices = deviceNames(slot);
      forwarder = fork(FORWARDER, [devices.host, devices.namespace], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await forwarderReady(forwarder);
      const ns = namespaceName(slot);
      await ip('link', 'set', devices.namespace, 'netns', ns);
      // No IPv6 link-local chatter on the lab's devices: the counters show only what the test sent.
      await ip('link', 'set', devices.host, 'addrgenmode', 'none');
      await ip('-n', ns, 'link', 'set', devices.namespace, 'addrgenmode', 'none');
      await ip('addr', 'add', `10.231.${slot}.1/24`, 'dev', devices.host);
      await ip('link', 'set', devices.host, 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'addr', 'add', `10.231.${slot}.2/24`, 'dev', devices.namespace);
      await ip('-n', ns, 'link', 'set', devices.namespace, 'up');
      await ip('-n', ns, 'route', 'add', 'default', 'dev', devices.namespace);
      const host = new LabHost(slot, forwarder);
      await host.use(profile);
      return host;
    } catch (error) {
      forwarder?.kill('SIGKILL');
      await releaseSlot(slot);
      throw error;
    }
  }

  /** Switches to a named profile (or a full setting): both directions and the flapping are replaced. */
  async use(profile: ProfileName | LinkProfile): Promise<LinkCounters> {
    this.#setting = typeof profile === 'string' ? PROFILES[profile] : profile;
    return this.#send(this.#setting);
  }

  /** Changes part of the link at run time (a direction given is replaced whole; see LinkSetting). */
  async set(setting: LinkSetting): Promise<LinkCounters> {
    this.#setting = { ...this.#setting, ...setting } as LinkProfile;
    return this.#send(setting);
  }

  /** Takes the whole link down (every packet dropped both ways) or brings it back with its impairment. */
  async setDown(down: boolean): Promise<LinkCounters> {
    const { downlink, uplink } = this.#setting;
    return this.#send({ downlink: { ...downlink, down }, uplink: { ...uplink, down } });
  }

  /** What each direction forwarded and dropped (and why) since the link was made. */
  counters(): Promise<LinkCounters> {
    return this.#request((id) => ({ type: 'counters', id }));
  }

  /** Starts a process inside the namespace (`ip netns exec`); it is killed when the host closes. */
  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.namespace, command, ...args], options);
  }

  /** Ends the forwarder (its devices vanish with it) and every process in the namespace, then the namespace. Safe twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const exited = this.forwarder.exitCode === null && this.forwarder.signalCode === null ? once(this.forwarder, 'exit') : Promise.resolve();
      this.forwarder.kill('SIGTERM');
      await exited;
      await releaseSlot(this.slot);
    })();
    return this.#closed;
  }

  #send(setting: LinkSetting): Promise<LinkCounters> {
    return this.#request((id) => ({ type: 'set', id, setting }));
  }

  #request(message: (id: number) => { type: 'set'; id: number; setting: LinkSetting } | { type: 'counters'; id: number }): Promise<LinkCounters> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (!this.forwarder.connected) return reject(new Error(`the forwarder of ${this.namespace} is gone`));
      this.#requests.set(id, resolve);
      this.forwarder.send(message(id));
    });
  }
}

async function forwarderReady(forwarder: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    forwarder.on('message', (message: FromForwarder) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(`the lab's forwarder failed: ${message.message}`));
    });
    forwarder.once('exit', (code, signal) => reject(new Error(`the lab's forwarder exited before it was ready (${code ?? signal})`)));
  });
}

/** A set of lab hosts closed together; `open()` first removes namespaces of lab runs that were killed. */
export class NetLab {
  readonly #hosts: LabHost[] = [];
  readonly #onExit = () => {
    for (const host of this.#hosts) releaseSlotSync(host.slot);
  };

  private constructor() {
    // A test process that ends without close() (a crash, process.exit) still leaves no namespace behind.
    process.once('exit', this.#onExit);
  }

  /** Throws with the reason when the machine cannot run the lab (check `labUnavailable()` first to skip). */
  static async open(): Promise<NetLab> {
    const reason = await labUnavailable();
    if (reason) throw new Error(reason);
    const stale = await removeStale();
    if (stale.length > 0) console.warn(`netlab: removed ${stale.length} namespace(s) a killed run left behind: ${stale.join(', ')}`);
    return new NetLab();
  }

  /** A new namespace host on a link with the profile (clean by default). */
  async addHost(profile: ProfileName | LinkProfile = 'clean'): Promise<LabHost> {
    const host = await LabHost.create(profile);
    this.#hosts.push(host);
    return host;
  }

  get hosts(): readonly LabHost[] {
    return this.#hosts;
  }

  /** Closes every host. Safe twice. */
  async close(): Promise<void> {
    await Promise.all(this.#hosts.map((host) => host.close()));
    process.removeListener('exit', this.#onExit);
  }
}
