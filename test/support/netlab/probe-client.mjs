#!/usr/bin/env node
/**
 * The lab's own test client, run inside a namespace (`ip netns exec <ns> node probe-client.mjs …`): it
 * measures what the link does from the site's side and prints one JSON line. Plain Node (no tsx), so it
 * starts fast on a busy machine.
 *
 *   udp-ping <host> <port> <count> <intervalMs>   → { sent, received, rttsMs }
 *   tcp-connect <host> <port> <timeoutMs>         → { connected, ms, error? }
 *   tcp-upload <host> <port> <seconds>            → { written }
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

const [mode, host, portText, a, b] = process.argv.slice(2);
const port = Number(portText);
const print = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);

/** Numbered datagrams at a steady pace; the echo server returns each one; late or lost ones count as lost. */
function udpPing(count, intervalMs) {
  const socket = createSocket('udp4');
  const sentAt = new Map();
  const rttsMs = [];
  socket.on('message', (message) => {
    const seq = message.readUInt32BE(0);
    const at = sentAt.get(seq);
    if (at === undefined) return;
    sentAt.delete(seq);
    rttsMs.push(performance.now() - at);
  });
  let seq = 0;
  const timer = setInterval(() => {
    const message = Buffer.alloc(64);
    message.writeUInt32BE(seq, 0);
    sentAt.set(seq, performance.now());
    socket.send(message, port, host);
    if (++seq === count) {
      clearInterval(timer);
      setTimeout(() => {
        print({ sent: count, received: rttsMs.length, rttsMs });
        socket.close();
      }, 1_500);
    }
  }, intervalMs);
}

function tcpConnect(timeoutMs) {
  const started = performance.now();
  const socket = connect({ host, port, timeout: timeoutMs });
  socket.once('connect', () => {
    print({ connected: true, ms: performance.now() - started });
    socket.destroy();
  });
  socket.once('timeout', () => {
    print({ connected: false, ms: performance.now() - started, error: 'timeout' });
    socket.destroy();
  });
  socket.once('error', (error) => print({ connected: false, ms: performance.now() - started, error: error.code ?? error.message }));
}

/** Writes as fast as TCP lets it for `seconds`; the server on the host side counts what arrives. */
function tcpUpload(seconds) {
  const socket = connect({ host, port });
  const chunk = Buffer.alloc(16 * 1024, 0x55);
  let written = 0;
  let open = true;
  const pump = () => {
    while (open && socket.write(chunk)) written += chunk.length;
  };
  socket.on('connect', pump);
  socket.on('drain', () => {
    written += chunk.length;
    pump();
  });
  socket.on('error', (error) => {
    print({ written, error: error.code ?? error.message });
    process.exit(1);
  });
  setTimeout(() => {
    open = false;
    print({ written });
    socket.destroy();
  }, seconds * 1000);
}

if (mode === 'udp-ping') udpPing(Number(a), Number(b));
else if (mode === 'tcp-connect') tcpConnect(Number(a));
else if (mode === 'tcp-upload') tcpUpload(Number(a));
else {
  console.error(`probe-client: unknown mode ${mode}`);
  process.exit(2);
}
