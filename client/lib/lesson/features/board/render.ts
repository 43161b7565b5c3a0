import { getStroke } from 'perfect-freehand';
import { PAGE_SPACE, type BoardColour, type BoardItem, type BoardPoint } from '../../../../../shared/lesson/features/board.js';

/** The palette on screen (the PDF export has the same colours). */
export const INK: Record<BoardColour, string> = {
  black: '#1a1a1a',
  red: '#d92626',
  blue: '#1a59d9',
  green: '#1a9940',
  orange: '#f28c1a',
  white: '#ffffff',
};

/**
 * Draws a page's ink on a canvas whose drawing buffer is `canvas.width × canvas.height`: page space
 * (0..10000 on both axes) is scaled to it, so the same strokes fill a laptop's tile and a classroom's
 * projector alike. Freehand strokes are smoothed into filled outlines by perfect-freehand.
 */
export function drawInk(ctx: CanvasRenderingContext2D, items: readonly BoardItem[], laser: BoardPoint | null = null): void {
  const { width: W, height: H } = ctx.canvas;
  const sx = W / PAGE_SPACE;
  const sy = H / PAGE_SPACE;
  ctx.clearRect(0, 0, W, H);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const item of items) {
    ctx.globalAlpha = item.kind === 'stroke' && item.tool === 'highlighter' ? 0.35 : 1;
    ctx.fillStyle = ctx.strokeStyle = INK[item.colour];
    if (item.kind === 'stroke') {
      const size = Math.max(1, item.width * sx);
      const outline = getStroke(
        item.points.map(([x, y], i) => [x * sx, y * sy, (item.pressure?.[i] ?? 50) / 100]),
        { size, thinning: item.tool === 'highlighter' ? 0 : 0.5, smoothing: 0.5, streamline: 0.4, simulatePressure: !item.pressure, last: true },
      );
      if (outline.length === 0) continue;
      ctx.beginPath();
      ctx.moveTo(outline[0]![0]!, outline[0]![1]!);
      for (const [x, y] of outline.slice(1)) ctx.lineTo(x!, y!);
      ctx.closePath();
      ctx.fill();
    } else if (item.kind === 'shape') {
      const [x1, y1, x2, y2] = [item.from[0] * sx, item.from[1] * sy, item.to[0] * sx, item.to[1] * sy];
      ctx.lineWidth = Math.max(1, item.width * sx);
      ctx.beginPath();
      if (item.shape === 'rect') ctx.rect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
      else if (item.shape === 'ellipse') ctx.ellipse((x1 + x2) / 2, (y1 + y2) / 2, Math.abs(x2 - x1) / 2, Math.abs(y2 - y1) / 2, 0, 0, Math.PI * 2);
      else {
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        if (item.shape === 'arrow') {
          const angle = Math.atan2(y2 - y1, x2 - x1);
          const head = Math.max(10, ctx.lineWidth * 4);
          for (const side of [-1, 1]) {
            ctx.moveTo(x2, y2);
            ctx.lineTo(x2 - head * Math.cos(angle + side * 0.45), y2 - head * Math.sin(angle + side * 0.45));
          }
        }
      }
      ctx.stroke();
    } else {
      const size = item.size * sy;
      ctx.font = `${size}px sans-serif`;
      ctx.textBaseline = 'top';
      ctx.fillText(item.text, item.at[0] * sx, item.at[1] * sy);
    }
  }
  ctx.globalAlpha = 1;
  if (laser) {
    ctx.fillStyle = 'rgba(255, 0, 0, 0.8)';
    ctx.beginPath();
    ctx.arc(laser[0] * sx, laser[1] * sy, Math.max(6, W / 120), 0, Math.PI * 2);
    ctx.fill();
  }
}

/** A pointer position on an element, in page space (clamped to the page). */
export function toPageSpace(event: { clientX: number; clientY: number }, element: Element): BoardPoint {
  const box = element.getBoundingClientRect();
  const clamp = (v: number) => Math.max(0, Math.min(PAGE_SPACE, Math.round(v)));
  return [clamp(((event.clientX - box.left) / box.width) * PAGE_SPACE), clamp(((event.clientY - box.top) / box.height) * PAGE_SPACE)];
}

/** The items under a point (the eraser's touch), by their bounding boxes widened by `slack` page units. */
export function itemsAt(items: readonly BoardItem[], [x, y]: BoardPoint, slack = 150): string[] {
  return items
    .filter((item) => {
      const points = item.kind === 'stroke' ? item.points : item.kind === 'shape' ? [item.from, item.to] : [item.at, [item.at[0] + item.size * item.text.length, item.at[1] + item.size] as BoardPoint];
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      return x >= Math.min(...xs) - slack && x <= Math.max(...xs) + slack && y >= Math.min(...ys) - slack && y <= Math.max(...ys) + slack;
    })
    .map((item) => item.id);
}
