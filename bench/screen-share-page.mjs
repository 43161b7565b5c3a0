/*
 * Browser side of the screen-share minute (served by bench/screen-share.ts to real Chromium; plain JS because
 * it runs as-is in the page). `deck` renders the courseware deck full-size with PDF.js, draws ink and a laser
 * dot over it, captures its own tab with getDisplayMedia and sends it as the lesson's screen share would
 * (the app's SCREEN_CAPTURE / SCREEN_ENCODINGS, VP8, contentHint 'detail'); `receiver` is the receiving
 * site: it decodes the stream into a <video> and reads its inbound-rtp byte counters.
 */
import * as pdfjs from '/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';

/** The board's page coordinates run 0…10 000 on both axes (shared/lesson/features/board.ts). */
const BOARD_UNITS = 10_000;
const THUMB_W = 160;
const THUMB_H = 90;

function layer(z) {
  const canvas = document.createElement('canvas');
  canvas.width = innerWidth;
  canvas.height = innerHeight;
  canvas.style.cssText = `position:fixed;left:0;top:0;width:${innerWidth}px;height:${innerHeight}px;z-index:${z}`;
  document.body.append(canvas);
  return canvas;
}

/** A small grey thumbnail of what a canvas-like source shows, for comparing pictures across the link. */
function thumbnail(...sources) {
  const canvas = document.createElement('canvas');
  canvas.width = THUMB_W;
  canvas.height = THUMB_H;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.fillStyle = '#000';
  g.fillRect(0, 0, THUMB_W, THUMB_H);
  for (const source of sources) g.drawImage(source, 0, 0, THUMB_W, THUMB_H);
  const { data } = g.getImageData(0, 0, THUMB_W, THUMB_H);
  const grey = [];
  for (let i = 0; i < data.length; i += 4) grey.push(Math.round(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]));
  return grey;
}

async function iceGathered(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
}

function preferVp8(transceiver) {
  const codecs = RTCRtpSender.getCapabilities('video').codecs;
  transceiver.setCodecPreferences([...codecs.filter((c) => c.mimeType === 'video/VP8'), ...codecs.filter((c) => c.mimeType !== 'video/VP8')]);
}

async function deck({ capture, encodings }) {
  document.body.style.cssText = 'margin:0;background:#fff;overflow:hidden';
  const paper = layer(1);
  const ink = layer(2);
  const laser = layer(3);
  const doc = await pdfjs.getDocument({ url: new URL('/deck.pdf', location.href).href }).promise;
  const pageCanvases = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(innerWidth / base.width, innerHeight / base.height);
    const viewport = page.getViewport({ scale });
    const canvas = document.createElement('canvas');
    canvas.width = innerWidth;
    canvas.height = innerHeight;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.translate((innerWidth - viewport.width) / 2, (innerHeight - viewport.height) / 2);
    await page.render({ canvasContext: g, viewport }).promise;
    pageCanvases.push(canvas);
  }
  const x = (u) => (u / BOARD_UNITS) * innerWidth;
  const y = (u) => (u / BOARD_UNITS) * innerHeight;
  let lastPoint = new Map();

  window.bench = {
    pageCount: doc.numPages,
    /** Thumbnails of every clean page, to tell which page a received frame shows. */
    pageThumbnails: () => pageCanvases.map((c) => thumbnail(c)),
    show(pageNumber) {
      const g = paper.getContext('2d');
      g.drawImage(pageCanvases[pageNumber - 1], 0, 0);
      ink.getContext('2d').clearRect(0, 0, ink.width, ink.height);
      lastPoint = new Map();
    },
    stroke(strokeId, points) {
      const g = ink.getContext('2d');
      g.strokeStyle = 'red';
      g.lineWidth = 6;
      g.lineCap = 'round';
      g.beginPath();
      const start = lastPoint.get(strokeId) ?? points[0];
      g.moveTo(x(start[0]), y(start[1]));
      for (const [px, py] of points) g.lineTo(x(px), y(py));
      g.stroke();
      lastPoint.set(strokeId, points[points.length - 1]);
    },
    laser(at) {
      const g = laser.getContext('2d');
      g.clearRect(0, 0, laser.width, laser.height);
      if (!at) return;
      g.fillStyle = 'rgba(255,0,0,0.8)';
      g.beginPath();
      g.arc(x(at[0]), y(at[1]), 12, 0, Math.PI * 2);
      g.fill();
    },
    /** Captures this tab as the app's screen share does, and offers it to the receiver. */
    async share() {
      // preferCurrentTab + --auto-accept-this-tab-capture: the only capture headless Chromium grants without a picker.
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: capture, audio: false, preferCurrentTab: true });
      const track = stream.getVideoTracks()[0];
      track.contentHint = 'detail';
      const pc = new RTCPeerConnection();
      const transceiver = pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: encodings });
      preferVp8(transceiver);
      window.bench.pc = pc;
      await pc.setLocalDescription(await pc.createOffer());
      await iceGathered(pc);
      return { offer: pc.localDescription.sdp, settings: track.getSettings(), label: track.label };
    },
    async answered(sdp) {
      await window.bench.pc.setRemoteDescription({ type: 'answer', sdp });
    },
    async outbound() {
      const stats = await window.bench.pc.getStats();
      for (const s of stats.values()) if (s.type === 'outbound-rtp') return { bytesSent: s.bytesSent, framesEncoded: s.framesEncoded, frameWidth: s.frameWidth, frameHeight: s.frameHeight, qualityLimitationReason: s.qualityLimitationReason, encoderImplementation: s.encoderImplementation };
      return null;
    },
  };
}

async function receiver() {
  document.body.style.cssText = 'margin:0;background:#000';
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.style.cssText = 'width:100vw;height:100vh;object-fit:contain';
  document.body.append(video);
  const pc = new RTCPeerConnection();
  pc.addEventListener('track', (event) => {
    video.srcObject = new MediaStream([event.track]);
  });
  window.bench = {
    async answer(offer) {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGathered(pc);
      return pc.localDescription.sdp;
    },
    async inbound() {
      const stats = await pc.getStats();
      let codec = '';
      let found = null;
      for (const s of stats.values()) if (s.type === 'inbound-rtp' && s.kind === 'video') found = s;
      if (found?.codecId) codec = stats.get(found.codecId)?.mimeType ?? '';
      return found && { bytesReceived: found.bytesReceived ?? 0, headerBytesReceived: found.headerBytesReceived ?? 0, packetsReceived: found.packetsReceived ?? 0, framesDecoded: found.framesDecoded ?? 0, frameWidth: found.frameWidth ?? 0, frameHeight: found.frameHeight ?? 0, codec };
    },
    /** What the site sees now: a thumbnail of the decoded frame, and (when asked) the frame itself as a PNG data URL. */
    frame(withPng) {
      if (video.videoWidth === 0) return null;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d').drawImage(video, 0, 0);
      return { thumbnail: thumbnail(canvas), png: withPng ? canvas.toDataURL('image/png') : null, width: canvas.width, height: canvas.height };
    },
  };
}

const role = new URLSearchParams(location.search).get('role');
window.benchReady = role === 'deck' ? deck(JSON.parse(decodeURIComponent(location.hash.slice(1)))) : receiver();
