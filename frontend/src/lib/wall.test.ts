import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { divergingColor, inkColor } from './colormap';
import { CLOSE_NOT_FOUND, thumbnailColor, WallBoard, WallStream, wallUrl, type WallTile } from './wall';

function tile(run: string, user: string, extra: Partial<WallTile> = {}): WallTile {
  return { run, user, user_id: `id-${user}`, status: 'running', epoch: 0, train_loss: null, test_loss: null, ...extra };
}

describe('WallBoard', () => {
  it('shows one tile per student, by name, with the latest message of their run', () => {
    const board = new WallBoard();
    board.apply(tile('b1', 'Ben', { epoch: 3 }));
    board.apply(tile('a1', 'Ana', { epoch: 1 }));
    board.apply(tile('b1', 'Ben', { epoch: 7 }));
    expect(board.students().map((s) => [s.tile.user, s.tile.epoch, s.otherRuns])).toEqual([
      ['Ana', 1, 0],
      ['Ben', 7, 0],
    ]);
  });

  it("shows a student's newest active run, else their last ended one", () => {
    const board = new WallBoard();
    board.apply(tile('a1', 'Ana'));
    board.apply(tile('a2', 'Ana'));
    expect(board.students()[0].tile.run).toBe('a2');
    expect(board.students()[0].otherRuns).toBe(1);
    board.apply(tile('a2', 'Ana', { status: 'cancelled' }));
    expect(board.students()[0].tile.run).toBe('a1'); // a1 still trains
    board.apply(tile('a1', 'Ana', { status: 'succeeded' }));
    expect(board.students()[0].tile).toMatchObject({ run: 'a2', status: 'cancelled' }); // the newest of the ended
  });

  it('gives an unchanged student the same object again, so the page redraws only what changed', () => {
    const board = new WallBoard();
    board.apply(tile('a1', 'Ana'));
    board.apply(tile('b1', 'Ben'));
    const [ana, ben] = board.students();
    board.apply(tile('b1', 'Ben', { epoch: 5 }));
    const [anaAgain, benAgain] = board.students();
    expect(anaAgain).toBe(ana);
    expect(benAgain).not.toBe(ben);
  });

  it('keeps two students of the same name apart', () => {
    const board = new WallBoard();
    board.apply({ ...tile('x', 'Lin'), user_id: 'u1' });
    board.apply({ ...tile('y', 'Lin'), user_id: 'u2' });
    expect(board.students().map((s) => s.tile.run)).toEqual(['x', 'y']);
  });
});

describe('thumbnailColor', () => {
  it("colours each kind as the run's own view does", () => {
    expect(thumbnailColor('boundary')).toBe(divergingColor);
    expect(thumbnailColor('hidden_states')).toBe(divergingColor);
    expect(thumbnailColor('feature_maps')).toBe(inkColor);
    expect(thumbnailColor('attention')).toBe(inkColor);
  });
});

class FakeSocket {
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  close(): void {
    this.onclose?.({ code: 1000 });
  }
}

describe('WallStream', () => {
  let sockets: FakeSocket[];
  const makeSocket = (url: string) => {
    sockets.push(new FakeSocket(url));
    return sockets[sockets.length - 1];
  };
  const page = { protocol: 'https:', host: 'school.example' };
  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('opens the class wall, hands over tiles, and opens again after a drop', () => {
    const tiles: WallTile[] = [];
    const connection: boolean[] = [];
    const stream = new WallStream('c 1', { onTile: (t) => tiles.push(t), onConnection: (up) => connection.push(up), makeSocket, page }).start();
    expect(sockets[0].url).toBe('wss://school.example/api/v1/classes/c%201/wall');
    sockets[0].onmessage!({ data: JSON.stringify(tile('r', 'Ana', { epoch: 2 })) });
    expect(tiles.map((t) => t.epoch)).toEqual([2]);
    sockets[0].onclose!({ code: 1006 });
    expect(connection).toEqual([true, false]);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    stream.close();
    vi.advanceTimersByTime(5000);
    expect(sockets).toHaveLength(2); // closed by the page: no more tries
  });

  it('gives up on a class the server refuses', () => {
    let refused = 0;
    new WallStream('c', { onTile: () => {}, onRefused: () => refused++, makeSocket, page }).start();
    sockets[0].onclose!({ code: CLOSE_NOT_FOUND });
    vi.advanceTimersByTime(10_000);
    expect(refused).toBe(1);
    expect(sockets).toHaveLength(1);
  });

  it('builds ws urls for http pages', () => {
    expect(wallUrl({ protocol: 'http:', host: 'localhost:8000' }, 'c')).toBe('ws://localhost:8000/api/v1/classes/c/wall');
  });
});
