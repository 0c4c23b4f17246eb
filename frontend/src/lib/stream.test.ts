import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunStream, streamUrl, type RunEvent, type SocketLike } from './stream';

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closedByClient = false;
  constructor(readonly url: string) {}
  send(event: Partial<RunEvent>): void {
    this.onmessage?.({ data: JSON.stringify({ step: 0, epoch: 0, time: 0, data: {}, ...event }) });
  }
  serverClose(): void {
    this.onclose?.();
  }
  close(): void {
    this.closedByClient = true;
    this.onclose?.();
  }
}

const page = { protocol: 'http:', host: 'localhost:8000' };

describe('streamUrl', () => {
  it('uses ws for http and wss for https', () => {
    expect(streamUrl(page, 'r1', 0)).toBe('ws://localhost:8000/api/v1/runs/r1/stream?after=0&snapshot=true');
    expect(streamUrl({ protocol: 'https:', host: 'x.org' }, 'r1', 5)).toBe('wss://x.org/api/v1/runs/r1/stream?after=5');
  });
});

describe('RunStream', () => {
  let sockets: FakeSocket[];
  const makeSocket = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket;
  };

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('resumes after the last seq when the socket drops, skipping replayed events', () => {
    const seen: number[] = [];
    const onEnd = vi.fn();
    new RunStream('r1', { onEvent: (e) => seen.push(e.seq), onEnd, makeSocket, page, reconnectDelayMs: 100 }).start();

    sockets[0].send({ seq: 1, type: 'status', data: { status: 'running' } });
    sockets[0].send({ seq: 2, type: 'metrics' });
    sockets[0].serverClose();
    expect(sockets).toHaveLength(1);

    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].url).toContain('after=2');

    sockets[1].send({ seq: 2, type: 'metrics' }); // overlap: ignored
    sockets[1].send({ seq: 3, type: 'metrics' });
    sockets[1].send({ seq: 4, type: 'status', data: { status: 'succeeded' } });
    sockets[1].serverClose();
    vi.advanceTimersByTime(10_000);

    expect(seen).toEqual([1, 2, 3, 4]);
    expect(sockets).toHaveLength(2); // no reconnect after the terminal event
    expect(onEnd).toHaveBeenCalledOnce();
  });

  it('reports a dropped connection once, and its return', () => {
    const changes: boolean[] = [];
    new RunStream('r1', { onEvent: () => {}, onConnection: (up) => changes.push(up), makeSocket, page, reconnectDelayMs: 10 }).start();
    sockets[0].send({ seq: 1, type: 'status', data: { status: 'running' } });
    sockets[0].serverClose();
    vi.advanceTimersByTime(10);
    sockets[1].serverClose(); // the server is still away: no second report
    vi.advanceTimersByTime(20);
    expect(changes).toEqual([false]);
    sockets[2].onopen?.();
    expect(changes).toEqual([false, true]);
  });

  it('starts from the given seq and stays closed once the client closes it', () => {
    const stream = new RunStream('r1', { onEvent: () => {}, makeSocket, page, after: 7 }).start();
    expect(sockets[0].url).toContain('after=7');
    stream.close();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(sockets[0].closedByClient).toBe(true);
  });
});
