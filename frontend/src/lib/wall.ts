// The instructor's live wall: its tiles as the server sends them (WS /classes/{id}/wall), one per
// student on the page, and the socket that keeps them coming.

import { API_PREFIX, type RunStatus } from './api';
import { divergingColor, inkColor, type Rgb } from './colormap';
import type { Tensor } from './tensor';
import { TERMINAL_STATUSES } from './stream';

/** One run of a student, as the wall's socket sends it (docs/classroom.md, "The live wall"). */
export interface WallTile {
  run: string;
  user: string;
  user_id: string;
  status: RunStatus;
  epoch: number;
  train_loss: number | null;
  test_loss: number | null;
  test_accuracy?: number;
  thumbnail?: Tensor;
  /** The event type the thumbnail was drawn from: boundary, feature_maps, attention, hidden_states or reconstructions. */
  thumbnail_of?: string;
  /** A boundary of more than two classes: the winning class per cell (thumbnail is then its probability)… */
  thumbnail_classes?: Tensor;
  /** …and how many classes there are. */
  thumbnail_k?: number;
}

/** A student on the wall: the run shown for them, and how many others of theirs the wall has seen. */
export interface StudentTile {
  tile: WallTile;
  otherRuns: number;
}

/** Each kind's thumbnail in the colours of the run's own view of it. */
export function thumbnailColor(kind: string | undefined): (t: number) => Rgb {
  return kind === 'feature_maps' || kind === 'attention' || kind === 'reconstructions' ? inkColor : divergingColor;
}

export const isEnded = (tile: WallTile) => TERMINAL_STATUSES.has(tile.status);

/**
 * Every run the wall has sent, and the one tile per student the page shows: their newest run still
 * training (queued, running or paused), else the last one of theirs that ended, as it ended.
 */
export class WallBoard {
  private readonly runs = new Map<string, { tile: WallTile; order: number }>();
  private seen = 0;
  /** What students() last gave each student: the same object again while it is unchanged, so the page
   * redraws only the tiles whose runs sent something. */
  private shown = new Map<string, StudentTile>();

  /** Take one message: the run's tile as it is now. */
  apply(tile: WallTile): void {
    const known = this.runs.get(tile.run);
    this.runs.set(tile.run, { tile, order: known?.order ?? this.seen++ });
  }

  /** One tile per student, by name (then id: two students may share a name). */
  students(): StudentTile[] {
    const byUser = new Map<string, { tile: WallTile; order: number }[]>();
    for (const entry of this.runs.values()) {
      const theirs = byUser.get(entry.tile.user_id) ?? [];
      theirs.push(entry);
      byUser.set(entry.tile.user_id, theirs);
    }
    const shown = new Map<string, StudentTile>();
    for (const [user, theirs] of byUser) {
      const newest = (entries: typeof theirs) => entries.reduce((a, b) => (b.order > a.order ? b : a));
      const active = theirs.filter((entry) => !isEnded(entry.tile));
      const tile = newest(active.length ? active : theirs).tile;
      const before = this.shown.get(user);
      const same = before && before.tile === tile && before.otherRuns === theirs.length - 1;
      shown.set(user, same ? before : { tile, otherRuns: theirs.length - 1 });
    }
    this.shown = shown;
    return [...shown.values()].sort(
      (a, b) => a.tile.user.localeCompare(b.tile.user) || a.tile.user_id.localeCompare(b.tile.user_id),
    );
  }
}

export function wallUrl(page: { protocol: string; host: string }, classId: string): string {
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${page.host}${API_PREFIX}/classes/${encodeURIComponent(classId)}/wall`;
}

/** The server's close code for a class the caller does not teach, or one that does not exist. */
export const CLOSE_NOT_FOUND = 4404;

interface WallSocketLike {
  onmessage: ((message: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  close(): void;
}

export interface WallStreamOptions {
  onTile: (tile: WallTile) => void;
  /** Called once when the server refuses the class (not theirs, or no such class): no retry. */
  onRefused?: () => void;
  onConnection?: (connected: boolean) => void;
  makeSocket?: (url: string) => WallSocketLike;
  page?: { protocol: string; host: string };
  reconnectDelayMs?: number;
}

/** The wall's socket; a dropped one is opened again (the server sends every active run's tile anew). */
export class WallStream {
  private socket: WallSocketLike | null = null;
  private closedByClient = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly classId: string,
    private readonly options: WallStreamOptions,
  ) {}

  start(): this {
    const make = this.options.makeSocket ?? ((url: string) => new WebSocket(url) as unknown as WallSocketLike);
    const socket = make(wallUrl(this.options.page ?? window.location, this.classId));
    this.socket = socket;
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      this.options.onConnection?.(true);
      this.options.onTile(JSON.parse(message.data) as WallTile);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket || this.closedByClient) return;
      this.socket = null;
      if (event.code === CLOSE_NOT_FOUND) return this.options.onRefused?.();
      this.options.onConnection?.(false);
      this.timer = setTimeout(() => this.start(), this.options.reconnectDelayMs ?? 1000);
    };
    return this;
  }

  close(): void {
    this.closedByClient = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }
}
