// A receiving classroom's signalling as the lesson page does it, in plain Node for a lab namespace
// (test/support/netlab): connects to the lesson socket with a session cookie, joins with `receive`, sends a
// microphone (plain RTP parameters: the SFU needs no packets to keep it), and after every reconnect joins
// again offering the transports it holds (`resumeMedia`), as client/lib/lesson/lesson-session.svelte.ts does.
// Heartbeat and reconnection are Socket.IO's own, as in the browser. Each step is one JSON line on stdout.
//
//   node test/support/lesson-site.mjs <baseUrl> <cookie> <courseId>
import { io } from 'socket.io-client';

const [baseUrl, cookie, courseIdText] = process.argv.slice(2);
const courseId = Number(courseIdText);
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 44444444 }] };
const say = (line) => process.stdout.write(`${JSON.stringify({ ...line, at: Date.now() })}\n`);

const socket = io(`${baseUrl}/lesson`, {
  path: '/socket.io',
  transports: ['websocket'],
  extraHeaders: { cookie },
  reconnectionDelay: 500,
  reconnectionDelayMax: 2_000,
  timeout: 5_000,
});

const request = async (name, payload) => {
  const ack = await socket.timeout(10_000).emitWithAck(name, payload);
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
};

/** What this site holds: its transports (recv, send), its consumers and its microphone. */
let held = null;

async function join() {
  const { routerRtpCapabilities } = await request('lesson:capabilities', { courseId });
  const resumeMedia = held ? { transportIds: held.transportIds } : undefined;
  const joined = await request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities, receive: true, ...(resumeMedia && { resumeMedia }) });
  if (!joined.resumedMedia) {
    const send = await request('transport:create', { direction: 'send' });
    const { producerId } = await request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    held = { transportIds: [joined.receiving.transport.id, send.id], consumerIds: joined.receiving.consumers.map((c) => c.id), producerId };
  }
  say({ event: 'joined', socketId: socket.id, participantId: joined.participantId, resumed: joined.resumed, resumedMedia: joined.resumedMedia ?? null, held });
}

socket.on('connect', () => join().catch((error) => say({ event: 'join-failed', message: String(error?.message ?? error) })));
socket.on('disconnect', (reason) => say({ event: 'disconnected', reason }));
socket.on('connect_error', (error) => say({ event: 'connect-error', message: error.message }));
process.on('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
