"""Which messages of a batch the broker confirmed (shared.messaging.publisher._Confirms). Pure."""
from shared.messaging.publisher import _Confirms


def test_acks_one_by_one_or_several_at_once_confirm_the_batch():
    c = _Confirms(5, 8)                      # the channel's tags 5..8
    c.ack(6, False)
    assert c.confirmed() == 0 and not c.settled()   # 5 is not confirmed yet: nothing from the first
    c.ack(5, False)
    assert c.confirmed() == 2 and not c.settled()
    c.ack(8, True)                           # "multiple": everything up to 8
    assert c.confirmed() == 4 and c.settled()


def test_a_nack_settles_the_batch_with_only_what_came_before_it_confirmed():
    c = _Confirms(1, 4)
    c.ack(1, False)
    c.nack(3, False)
    assert not c.settled()                   # 2 may still be acked
    c.ack(4, False)
    c.ack(2, False)
    assert c.settled() and c.confirmed() == 2   # 3 refused: 3 and 4 are published again


def test_a_multiple_nack_refuses_from_the_first():
    c = _Confirms(10, 12)
    c.nack(12, True)
    assert c.settled() and c.confirmed() == 0
