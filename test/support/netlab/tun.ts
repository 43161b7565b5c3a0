/**
 * Opens a TUN device (layer 3, no packet-info header) by name: /dev/net/tun plus the TUNSETIFF ioctl,
 * which Node cannot issue itself, through koffi. The device lives as long as the returned descriptor: it
 * vanishes when the descriptor closes (the forwarder's exit), wherever it was moved.
 */
import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';

const TUNSETIFF = 0x400454ca; // _IOW('T', 202, int)
const IFF_TUN = 0x0001;
const IFF_NO_PI = 0x1000;
const IFNAMSIZ = 16;
const IFREQ_SIZE = 40;

let libc: ReturnType<typeof koffi.load> | undefined;
type Ioctl = (fd: number, request: number, ...args: unknown[]) => number;
let ioctl: Ioctl | undefined;

function libcIoctl(): Ioctl {
  libc ??= koffi.load('libc.so.6');
  ioctl ??= libc.func('int ioctl(int fd, unsigned long request, ...)') as Ioctl;
  return ioctl;
}

/**
 * Ends the process at once (libc `_exit`). A process reading TUN devices has thread-pool threads blocked in
 * read(), and Node's own exit waits for those threads: it would hang until a packet arrives.
 */
export function exitNow(code: number): never {
  libc ??= koffi.load('libc.so.6');
  (libc.func('void _exit(int code)') as (code: number) => void)(code);
  throw new Error('unreachable: _exit returned');
}

/** Makes the TUN device `name` and returns its descriptor (blocking reads: one packet per read). */
export function openTun(name: string): number {
  if (Buffer.byteLength(name) >= IFNAMSIZ) throw new Error(`TUN device name too long: ${name}`);
  const fd = openSync('/dev/net/tun', 'r+');
  const request = Buffer.alloc(IFREQ_SIZE);
  request.write(name, 0, 'utf8');
  request.writeUInt16LE(IFF_TUN | IFF_NO_PI, IFNAMSIZ);
  const result = libcIoctl()(fd, TUNSETIFF, 'void *', request);
  if (result !== 0) {
    const errno = koffi.errno();
    closeSync(fd);
    throw new Error(`TUNSETIFF ${name} failed (errno ${errno})`);
  }
  return fd;
}
