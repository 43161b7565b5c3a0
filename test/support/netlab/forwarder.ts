/**
 * The lab link's forwarder: its own process (forked by link.ts, run with tsx) so the blocking reads on
 * the two TUN descriptors never stall a test's event loop. It makes both TUN devices, then copies every
 * packet from the host-side device to the namespace-side one (downlink) and back (uplink), each direction
 * through an ImpairedDirection. Settings and counters travel over the IPC channel; when the test process
 * goes away (the channel disconnects) it exits, and the kernel removes both devices.
 *
 * Usage: forwarder.ts <host-side device> <namespace-side device>
 */
import { read, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { ImpairedDirection } from './impairment.js';
import type { FlapSchedule, FromForwarder, LinkCounters, LinkSetting, ToForwarder } from './protocol.js';
import { exitNow, openTun } from './tun.js';

const readAsync = promisify(read);
const MAX_PACKET = 65_536;

const send = (message: FromForwarder) => process.send?.(message);
let writeErrors = 0;
/** The whole link is down (flapping), on top of each direction's own setting. */
let flappedDown = false;

/** One direction: reads packets from `from`, writes them to `to` when the impairment lets them leave. */
class Pump {
  readonly direction = new ImpairedDirection();
  readonly #due: Array<{ at: number; packet: Buffer }> = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  async run(): Promise<never> {
    const buffer = Buffer.allocUnsafe(MAX_PACKET);
    for (;;) {
      const { bytesRead } = await readAsync(this.from, buffer, 0, MAX_PACKET, null);
      if (bytesRead === 0) continue;
      const packet = Buffer.from(buffer.subarray(0, bytesRead));
      if (flappedDown) {
        this.direction.counters.dropped.down += 1;
        continue;
      }
      const now = performance.now();
      const verdict = this.direction.admit(packet, now);
      if ('dropped' in verdict) continue;
      if (verdict.departAt <= now && this.#due.length === 0) this.#write(packet);
      else {
        this.#due.push({ at: verdict.departAt, packet });
        this.#schedule();
      }
    }
  }

  #write(packet: Buffer): void {
    try {
      writeSync(this.to, packet);
    } catch {
      // The device is not up yet, or the namespace is being torn down: the packet is lost, as on a wire.
      writeErrors += 1;
    }
  }

  #schedule(): void {
    if (this.#timer || this.#due.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      while (this.#due.length > 0 && this.#due[0]!.at <= now + 0.5) this.#write(this.#due.shift()!.packet);
      this.#schedule();
    }, Math.max(0, this.#due[0]!.at - performance.now()));
  }
}

/** Drives the flapping schedule: down for a random span once per period, reported to the test. */
class Flapper {
  #timer: NodeJS.Timeout | undefined;

  start(schedule: FlapSchedule): void {
    this.stop();
    const [shortest, longest] = schedule.downMs;
    const cycle = (upFor: number) => {
      this.#timer = setTimeout(() => {
        const downFor = shortest + Math.random() * (longest - shortest);
        setFlapped(true);
        this.#timer = setTimeout(() => {
          setFlapped(false);
          cycle(Math.max(0, schedule.everyMs - downFor));
        }, downFor);
      }, upFor);
    };
    cycle(schedule.firstAfterMs ?? Math.max(0, schedule.everyMs - longest));
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    setFlapped(false);
  }
}

function setFlapped(down: boolean): void {
  if (flappedDown === down) return;
  flappedDown = down;
  send({ type: 'flap', down, at: Date.now() });
}

function main(): void {
  const [hostDevice, namespaceDevice] = process.argv.slice(2);
  if (!hostDevice || !namespaceDevice) throw new Error('usage: forwarder.ts <host-side device> <namespace-side device>');
  const hostFd = openTun(hostDevice);
  const namespaceFd = openTun(namespaceDevice);
  const downlink = new Pump(hostFd, namespaceFd);
  const uplink = new Pump(namespaceFd, hostFd);
  const flapper = new Flapper();
  const counters = (): LinkCounters => ({ downlink: downlink.direction.counters, uplink: uplink.direction.counters, writeErrors });

  process.on('message', (message: ToForwarder) => {
    if (message.type === 'set') {
      const setting: LinkSetting = message.setting;
      if (setting.downlink) downlink.direction.set(setting.downlink);
      if (setting.uplink) uplink.direction.set(setting.uplink);
      if (setting.flap === null) flapper.stop();
      else if (setting.flap) flapper.start(setting.flap);
    }
    send({ type: 'done', id: message.id, counters: counters() });
  });
  // The test process went away (finished, failed or was killed): the devices go with this process.
  process.on('disconnect', () => exitNow(0));
  for (const pump of [downlink, uplink]) {
    pump.run().catch((error: unknown) => {
      // A device that was removed (its namespace deleted at close) ends the link; anything else is a fault.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EFAULT' || code === 'EBADFD' || code === 'EBADF') exitNow(0);
      console.error(`netlab forwarder ${hostDevice}: a read failed:`, error);
      exitNow(1);
    });
  }
  send({ type: 'ready' });
}

try {
  main();
} catch (error) {
  const failed: FromForwarder = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  if (process.send) process.send(failed, undefined, {}, () => exitNow(1));
  else exitNow(1);
}
