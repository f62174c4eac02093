/**
 * OrderLists on its own: a list lives while a member is open and its slot is reused after;
 * a replace moves a member without freeing its list; reset empties everything.
 */
import t from 'tap';
import { ContingencyType } from '../../../engine/protocol/enums.js';
import { LIST_ORDERS_MAX } from '../../../engine/protocol/order_list_rules.js';
import { OrderLists } from '../../../engine/state/order_lists.js';

t.test('a list lives while one of its members is open', (t) => {
  const lists = new OrderLists(8, 16);
  const list = lists.openList(100, ContingencyType.OCO, 1);
  t.equal(lists.find(100), list);
  lists.join(list, 3, 0, 0);
  lists.join(list, 5, 1, 0);
  t.same([lists.list_of[3], lists.list_of[5], lists.open[list], lists.joined[list]], [list, list, 2, 2]);
  lists.leave(3);
  t.equal(lists.memberSlot(list, 0), -1, 'the member that left is gone from its list');
  t.equal(lists.find(100), list, 'the list lives on with its other member');
  lists.leave(5);
  t.equal(lists.find(100), -1, 'freed with its last member');
  t.equal(lists.live, 0);
  lists.leave(5);
  t.equal(lists.live, 0, 'leaving twice (an order in no list) changes nothing');
  t.end();
});

t.test('a replace moves a member to its replacement without freeing the list', (t) => {
  const lists = new OrderLists(8, 16);
  const list = lists.openList(7, ContingencyType.OTO, 0);
  lists.join(list, 2, 0, 0);
  lists.join(list, 4, 1, 1);
  lists.detach(4);
  t.equal(lists.list_of[4], -1);
  lists.attach(list, 1, 1, 6);
  t.same([lists.memberSlot(list, 1), lists.member[6], lists.held[6], lists.open[list]], [6, 1, 1, 2]);
  t.end();
});

t.test('as many lists as order slots, every slot reused after it is freed, and reset empties it', (t) => {
  const lists = new OrderLists(4, 8);
  const opened = [1, 2, 3, 4].map((id) => lists.openList(id, ContingencyType.OCO, 0));
  t.same([...opened].sort(), [0, 1, 2, 3]);
  t.equal(lists.openList(5, ContingencyType.OCO, 0), -1, 'no room beyond one list per order slot');
  lists.join(opened[0], 0, 0, 1);
  lists.leave(0);
  t.ok(lists.openList(6, ContingencyType.OCO, 0) >= 0, 'a freed list slot is taken again');
  lists.reset();
  t.equal(lists.live, 0);
  t.equal(lists.find(2), -1);
  t.same(Array.from(lists.members).filter((s) => s !== -1), []);
  t.equal(lists.members.length, 4 * LIST_ORDERS_MAX);
  t.end();
});
