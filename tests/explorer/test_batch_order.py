"""BatchOrder: batches epoch after epoch, and a position that rewinds to the same batches."""

import numpy as onp

from engine import data
from explorer.core.batch_order import BatchOrder


def _order(seed=3):
    X = onp.arange(40, dtype=onp.float32).reshape(20, 2)
    y = onp.arange(20)
    order = BatchOrder()
    source = object()  # stands for the TrainingData the loader batches
    dataset = data.ArrayDataset(X, y)
    loader = data.DataLoader(dataset, 3, shuffle=True, last_batch="discard", seed=seed)
    order.use(loader, source)
    return order, source


def _labels(order, n):
    return [order.next()[1].asnumpy().tolist() for _ in range(n)]


def test_a_position_replays_the_batches_after_it_across_epochs():
    order, source = _order()
    _labels(order, 4)  # 6 batches an epoch: within the first
    here = order.position()
    after = _labels(order, 10)  # into the third epoch
    order.restore(here, source)
    assert _labels(order, 10) == after
    assert order.position() == order.position_at(order.mark())


def test_before_any_batch_and_for_other_data():
    order, source = _order()
    start = order.position()
    first = _labels(order, 8)
    order.restore(start, source)
    assert _labels(order, 8) == first
    order.restore(start, object())  # other data now: no loader, a new one next run
    assert order.loader is None and order.position() is None
