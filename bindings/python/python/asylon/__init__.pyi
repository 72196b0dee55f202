from ._asylon import Decisions as Decisions
from ._asylon import Policy as Policy
from ._errors import Error as Error
from ._errors import EvalError as EvalError
from ._errors import FactsError as FactsError
from ._errors import PolicyError as PolicyError

__all__ = ["Policy", "Decisions", "Error", "FactsError", "PolicyError", "EvalError"]
