import fc from 'fast-check';
import { IntervalSet } from '../../../lib/backends/object-store/interval-set';
import { BufferPool } from '../../../lib/backends/object-store/buffer-pool';
import { Tail } from '../../../lib/backends/object-store/tail';

type TailOp =
  | { kind: 'push'; data: Uint8Array }
  | { kind: 'take'; length: number; whole: boolean }
  | { kind: 'read'; offset: number; length: number };

const tailOp: fc.Arbitrary<TailOp> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), data: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('take' as const),
    length: fc.nat({ max: 40 }),
    whole: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('read' as const),
    offset: fc.nat({ max: 40 }),
    length: fc.nat({ max: 40 }),
  }),
);

describe('azure draft buffers', () => {
  test('Tail behaves like a plain byte queue, whatever the block size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.nat({ max: 1000 }),
        fc.array(tailOp, { maxLength: 60 }),
        (blockBytes, start, ops) => {
          const pool = new BufferPool(blockBytes, 2);
          const tail = new Tail(start, pool);
          let queue: number[] = [];
          let first = start;
          for (const op of ops) {
            if (op.kind === 'push') {
              tail.push(Buffer.from(op.data));
              queue.push(...op.data);
            } else if (op.kind === 'take') {
              const length = Math.min(queue.length, op.whole ? blockBytes : op.length);
              const taken = tail.take(length);
              expect([...taken]).toEqual(queue.slice(0, length));
              pool.put(taken); // as the stager does once the block is uploaded
              queue = queue.slice(length);
              first += length;
            } else {
              const offset = Math.min(op.offset, queue.length);
              const length = Math.min(op.length, queue.length - offset);
              const out = Buffer.alloc(length);
              tail.read(first + offset, out);
              expect([...out]).toEqual(queue.slice(offset, offset + length));
            }
            expect(tail.start).toBe(first);
            expect(tail.end).toBe(first + queue.length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a block taken whole is not changed by later pushes', () => {
    const tail = new Tail(0, new BufferPool(4, 0));
    tail.push(Buffer.from('abcdef'));
    const block = tail.take(4);
    tail.push(Buffer.from('ghijkl'));
    expect(block.toString()).toBe('abcd');
    expect(tail.take(4).toString()).toBe('efgh');
  });

  test('IntervalSet agrees with a set of positions', () => {
    const range = fc.tuple(fc.nat({ max: 60 }), fc.nat({ max: 20 }));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            range.map((r) => ['add', r] as const),
            fc.nat({ max: 80 }).map((n) => ['clip', n] as const),
          ),
          {
            maxLength: 30,
          },
        ),
        range,
        (ops, [qs, ql]) => {
          const set = new IntervalSet();
          const model = new Set<number>();
          for (const [kind, value] of ops) {
            if (kind === 'add') {
              const [s, l] = value;
              set.add(s, s + l);
              for (let i = s; i < s + l; i++) model.add(i);
            } else {
              set.clip(value);
              for (const i of [...model]) if (i >= value) model.delete(i);
            }
          }
          const inside = (i: number) => model.has(i);
          const qe = qs + ql;
          const span = Array.from({ length: ql }, (_, i) => qs + i);
          expect(set.overlaps(qs, qe)).toBe(span.some(inside));
          expect(set.covers(qs, qe)).toBe(span.every(inside));
          let at = qs;
          for (const piece of set.pieces(qs, qe)) {
            expect(piece.start).toBe(at);
            expect(piece.end).toBeGreaterThan(piece.start);
            for (let i = piece.start; i < piece.end; i++) expect(inside(i)).toBe(piece.inside);
            at = piece.end;
          }
          expect(at).toBe(ql === 0 ? qs : qe);
        },
      ),
      { numRuns: 500 },
    );
  });
});
