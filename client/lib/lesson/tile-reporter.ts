import type { Attachment } from 'svelte/attachments';

/** A video tile as the SFU needs to know it: its size in device pixels and whether anyone can see it. */
export interface TileSize {
  width: number;
  height: number;
  visible: boolean;
}

/** At most one report per this long per tile (a window being resized fires dozens of changes). */
const THROTTLE_MS = 500;

/**
 * Watches a <video> with a ResizeObserver and an IntersectionObserver (and the page's visibility) and
 * reports its tile: the server sends a small layer to a small tile and nothing to a hidden one. Reports
 * are throttled (the last one always goes out) and repeated values are skipped.
 */
export function reportTile(report: (tile: TileSize) => void): Attachment<HTMLElement> {
  return (element) => {
    let box = { width: 0, height: 0 };
    let onScreen = true;
    let last = '';
    let timer = 0;
    let lastSent = 0;

    const send = () => {
      timer = 0;
      const ratio = window.devicePixelRatio || 1;
      const tile: TileSize = {
        width: Math.round(box.width * ratio),
        height: Math.round(box.height * ratio),
        visible: onScreen && document.visibilityState !== 'hidden',
      };
      const key = `${tile.width}x${tile.height}:${tile.visible}`;
      if (key === last) return;
      last = key;
      lastSent = Date.now();
      report(tile);
    };
    const schedule = () => {
      if (timer) return;
      timer = window.setTimeout(send, Math.max(0, lastSent + THROTTLE_MS - Date.now()));
    };

    const resize = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      box = { width: Math.min(10_000, entry.contentRect.width), height: Math.min(10_000, entry.contentRect.height) };
      schedule();
    });
    const intersection = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      onScreen = entry.isIntersecting;
      schedule();
    });
    resize.observe(element);
    intersection.observe(element);
    document.addEventListener('visibilitychange', schedule);

    return () => {
      resize.disconnect();
      intersection.disconnect();
      document.removeEventListener('visibilitychange', schedule);
      window.clearTimeout(timer);
    };
  };
}
