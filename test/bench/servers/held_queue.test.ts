/** The echoes' queue of held answers keeps them oldest first, through the compactions that cut its answered front. */
import t from 'tap';
import { HeldQueue } from '../../../bench/servers/held_queue.js';

t.test('items come out in the order they went in, across compactions, interleaved with pushes', (t) => {
  const queue = new HeldQueue<number>();
  t.equal(queue.peek(), undefined, 'empty at first');
  let pushed = 0;
  let expected = 0;
  const wrong: string[] = [];
  for (let turn = 0; turn < 50; turn++) {
    for (let k = 0; k < 300; k++) queue.push(pushed++);
    // Take most of what is held each turn, so the front is cut many times.
    for (let k = 0; k < 250; k++) {
      const item = queue.peek();
      if (item !== expected) wrong.push(`expected ${expected}, got ${String(item)}`);
      queue.drop();
      expected++;
    }
  }
  while (queue.peek() !== undefined) {
    if (queue.peek() !== expected) wrong.push(`expected ${expected}, got ${String(queue.peek())}`);
    queue.drop();
    expected++;
  }
  t.same(wrong.slice(0, 5), [], 'oldest first, nothing lost or repeated');
  t.equal(expected, pushed, 'every item came out once');
  t.end();
});
