"""The chaos checker's verdicts: each category found, and only where it applies."""
from chaos.checker import check


def test_a_clean_run_is_ok():
    verdict = check(["a", "b"], ["a", "b"], {"a": 1, "b": 1})
    assert verdict.ok
    assert (verdict.acknowledged, verdict.lost, verdict.duplicated, verdict.unexpected) == (2, set(), set(), set())


def test_acknowledged_but_missing_from_the_sources_is_lost():
    verdict = check(["a", "b"], ["a"], {"a": 1, "b": 1})
    assert verdict.lost == {"b"} and not verdict.ok


def test_acknowledged_and_held_but_never_counted_is_lost():
    verdict = check(["a", "b"], ["a", "b"], {"a": 1, "b": 0})
    assert verdict.lost == {"b"} and not verdict.ok
    assert check(["a", "b"], ["a", "b"], {"a": 1}).lost == {"b"}


def test_counted_twice_is_duplicated_even_when_indeterminate():
    verdict = check(["a"], ["a", "x"], {"a": 2, "x": 3}, indeterminate=["x"])
    assert verdict.duplicated == {"a", "x"} and not verdict.ok
    assert verdict.lost == set() and verdict.unexpected == set()


def test_held_or_counted_without_being_asked_for_is_unexpected():
    assert check(["a"], ["a", "s"], {"a": 1}).unexpected == {"s"}
    verdict = check(["a"], ["a"], {"a": 1, "c": 1})
    assert verdict.unexpected == {"c"} and not verdict.ok


def test_indeterminate_ids_are_neither_lost_nor_unexpected():
    verdict = check(["a"], ["a", "maybe"], {"a": 1, "maybe": 1}, indeterminate=["maybe", "never"])
    assert verdict.ok and verdict.indeterminate == 2
    assert "indeterminate 2" in verdict.summary()


def test_an_acknowledged_id_is_not_indeterminate():
    verdict = check(["a"], [], {}, indeterminate=["a"])
    assert verdict.lost == {"a"} and verdict.indeterminate == 0
