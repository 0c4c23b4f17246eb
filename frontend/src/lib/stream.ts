// Live run events over the websocket, resuming after the last seen seq if the socket drops.

import { API_PREFIX, type RunStatus } from './api';

export interface RunEvent<D = any> {
  seq: number;
  type: string;
  step: number;
  epoch: number;
  time: number;
  data: D;
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);

export function isTerminalStatusEvent(event: RunEvent): boolean {
  return event.type === 'status' && TERMINAL_STATUSES.has(event.data?.status);
}

/** The smallest part of WebSocket this module uses, so tests can pass a fake. */
export interface SocketLike {
  onopen?: (() => void) | null;
  onmessage: ((message: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

export type SocketFactory = (url: string) => SocketLike;

/** A first connection asks for the snapshot (the stored history and the latest frame of each visual, not
 *  every frame ever drawn); a reconnect reads on after the last event seen. */
export function streamUrl(page: { protocol: string; host: string }, runId: string, after: number): string {
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  const start = after === 0 ? '&snapshot=true' : '';
  return `${scheme}://${page.host}${API_PREFIX}/runs/${encodeURIComponent(runId)}/stream?after=${after}${start}`;
}

export interface RunStreamOptions {
  /** Called once per event, in seq order, never twice for the same seq. */
  onEvent: (event: RunEvent) => void;
  /** Called once when the run's terminal status event has arrived and the socket closed. */
  onEnd?: () => void;
  /** Called with false when the connection drops before the run ended, and true when events flow again. */
  onConnection?: (connected: boolean) => void;
  after?: number;
  makeSocket?: SocketFactory;
  page?: { protocol: string; host: string };
  /** First reconnect delay; doubles per failed attempt up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export class RunStream {
  lastSeq: number;
  private socket: SocketLike | null = null;
  private finished = false;
  private dropped = false;
  private closedByClient = false;
  private reconnectDelay: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly runId: string,
    private readonly options: RunStreamOptions,
  ) {
    this.lastSeq = options.after ?? 0;
    this.reconnectDelay = options.reconnectDelayMs ?? 250;
  }

  start(): this {
    this.connect();
    return this;
  }

  /** Stop listening for good (the run itself keeps going; stopping it is a REST call). */
  close(): void {
    this.closedByClient = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private connect(): void {
    const makeSocket = this.options.makeSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    const page = this.options.page ?? window.location;
    const socket = makeSocket(streamUrl(page, this.runId, this.lastSeq));
    this.socket = socket;
    socket.onopen = () => this.reconnected();
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = () => this.closed(socket);
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    const event = JSON.parse(raw) as RunEvent;
    // Replayed events after a reconnect may overlap what we already handled.
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.reconnectDelay = this.options.reconnectDelayMs ?? 250; // the connection works again
    this.reconnected();
    if (isTerminalStatusEvent(event)) this.finished = true;
    this.options.onEvent(event);
  }

  private reconnected(): void {
    if (!this.dropped) return;
    this.dropped = false;
    this.options.onConnection?.(true);
  }

  private closed(socket: SocketLike): void {
    if (socket !== this.socket || this.closedByClient) return;
    this.socket = null;
    if (this.finished) {
      this.options.onEnd?.();
      return;
    }
    // The server only closes on its own after the terminal event, so anything else is a drop:
    // reconnect and ask for the events after the last one we saw.
    if (!this.dropped) this.options.onConnection?.(false);
    this.dropped = true;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, this.options.maxReconnectDelayMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedByClient) this.connect();
    }, delay);
  }
}
