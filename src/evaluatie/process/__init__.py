"""Process evaluation: questionnaires and interviews from the partners of an initiative."""

from evaluatie.process.consensus import Consensus, consensus
from evaluatie.process.reliability import cronbach_alpha

__all__ = ["Consensus", "consensus", "cronbach_alpha"]
