/**
 * The hop echo's rule, checked at the instant it matters: inside each answer callback the
 * worker standing where the engine stands has already published the reply to the
 * request's last command. The real ring-echo worker runs in this process as it does in
 * the echo server; requests arrive in bursts over many event-loop turns, so the io side
 * both spins for replies and parks for them.
 */
import t from 'tap';
import { HopAnswers } from '../../../bench/servers/hop_answers.js';

const TURNS = 40;
const REQUESTS_PER_TURN = 25;
const COMMANDS_PER_REQUEST = 3;

t.test('no answer is called before the worker replied to its last command, and answers come in request order', async (t) => {
  const hop = await HopAnswers.start();
  t.teardown(() => hop.stop());
  t.ok(hop.workerTid() !== null && hop.workerTid()! > 0, 'the worker recorded its thread id, so its CPU can be read by thread');
  const replies_before = hop.workerReplies();
  const problems: string[] = [];
  let answered = 0;
  await new Promise<void>((resolve) => {
    let request = 0;
    const burst = (): void => {
      for (let k = 0; k < REQUESTS_PER_TURN; k++) {
        const number = ++request;
        const last_command = number * COMMANDS_PER_REQUEST;
        const held = hop.hold(COMMANDS_PER_REQUEST, () => {
          const replies = (hop.workerReplies() - replies_before) | 0;
          if (replies < last_command) problems.push(`request ${number} answered after ${replies} replies, before its last command ${last_command}'s`);
          if (++answered !== number) problems.push(`request ${number} answered as number ${answered}`);
          if (answered === TURNS * REQUESTS_PER_TURN) resolve();
        });
        if (!held) problems.push(`request ${number} refused`);
      }
      // Every other turn waits a little, so the io side also parks and is rung by the worker.
      if (request < TURNS * REQUESTS_PER_TURN) setTimeout(burst, request % 2 === 0 ? 2 : 0);
    };
    burst();
  });
  t.same(problems, [], 'every answer came after its replies, in order');
  t.equal((hop.workerReplies() - replies_before) | 0, TURNS * REQUESTS_PER_TURN * COMMANDS_PER_REQUEST, 'the worker answered every command once');
});

t.test('a request larger than the command ring is refused, and nothing is claimed for it', async (t) => {
  const hop = await HopAnswers.start();
  t.teardown(() => hop.stop());
  t.equal(hop.hold(1 << 30, () => t.fail('a refused request must not be answered')), false);
  const answered = await new Promise<boolean>((resolve) => { t.ok(hop.hold(1, () => resolve(true)), 'the next request is held'); });
  t.ok(answered, 'and answered: the refusal claimed no slot');
});
