"""The quick schema check never says yes where jsonschema, the reference, says no."""
from __future__ import annotations

import copy
import random

import pytest

import macros.kb as kb_core
from macros.kb import KB_DIR
from macros.kb.kinds import schema_of
from macros.kb.load import parse_file
from macros.kb.quickcheck import satisfies
from macros.kb.validate import schema_validator

DOCS = [(parse_file(path, path.name)[0], kind) for path, kind in kb_core._kb_files(KB_DIR.resolve())[0]]


def test_it_agrees_that_every_real_kb_file_is_valid():
    for doc, kind in DOCS:
        validator = schema_validator(schema_of(kind))
        assert validator.is_valid(doc.data), doc.label
        assert satisfies(doc.data, validator.schema), doc.label


def _nodes(data, path=()):
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _nodes(value, path + (i,))


def _mutate(data, rng: random.Random):
    data = copy.deepcopy(data)
    path, node = rng.choice(list(_nodes(data)))
    choice = rng.randrange(6)
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        if choice == 0:
            del node[key]
        elif choice == 1:
            node[key + "x"] = node.pop(key)
        else:
            node[key] = rng.choice([None, 7, True, "", [], {}, "Not_Kebab", "x" * 300])
    elif isinstance(node, list):
        if node and choice < 3:
            node.append(copy.deepcopy(node[0]))
        elif node:
            node.clear()
        else:
            node.append(rng.choice([None, 3, "a", {}]))
    elif path:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = rng.choice([None, 7, True, "", [], {}, "Not_Kebab", "x" * 300, 2.5])
    return data


@pytest.mark.parametrize("seed", range(8))
def test_a_quick_yes_is_never_a_jsonschema_no(seed):
    rng = random.Random(seed)
    for doc, kind in DOCS:
        validator = schema_validator(schema_of(kind))
        for _ in range(40):
            mutated = _mutate(doc.data, rng)
            if satisfies(mutated, validator.schema):
                assert validator.is_valid(mutated), (doc.label, mutated)
