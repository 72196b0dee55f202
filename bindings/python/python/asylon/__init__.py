"""asylon: asylum pathway policies, decided in three-valued logic.

Load a policy once, then evaluate cases as plain dicts; the result is the dict that
``asylon eval --format json`` prints for the same facts::

    import asylon
    policy = asylon.Policy.load("policies/us-mexico-border")
    decision = policy.evaluate({"authorization": "none"}, as_of="2024-06-17")
    print([o["id"] for o in decision["undetermined"]], decision["missing"][:3])
    print(policy.next_question({"authorization": "none"}, as_of="2024-06-17"))

A fact left out, or given as ``None``, is unknown: the outcomes it could change are
undetermined and name it in ``missing``. Invalid facts raise ``FactsError``; a policy
that does not check raises ``PolicyError``; both are ``asylon.Error`` and carry every
diagnostic as data.
"""

from ._asylon import Decisions, Policy
from ._errors import Error, EvalError, FactsError, PolicyError

__all__ = ["Policy", "Decisions", "Error", "FactsError", "PolicyError", "EvalError"]
