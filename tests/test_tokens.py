"""Secrets in links and cookies: a new one each time, kept only as a hash that finds it again."""

from __future__ import annotations

from learnset.tokens import hash_token, new_token


def test_a_new_token_comes_with_the_hash_that_finds_it():
    token, kept = new_token()
    assert kept == hash_token(token)
    assert token not in kept
    assert len(token) >= 40


def test_two_tokens_are_never_the_same():
    assert new_token()[0] != new_token()[0]
