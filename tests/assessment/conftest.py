"""A small framework to rate: two domains, five capabilities."""

from dataclasses import dataclass

import pytest

from learnset.framework.models import Capability, CapabilityDomain
from tests import factories


@dataclass
class Framework:
    conversations: CapabilityDomain
    systems: CapabilityDomain
    listening: Capability
    credibility: Capability
    data: Capability
    complexity: Capability
    convening: Capability

    @property
    def capabilities(self) -> list[Capability]:
        return [self.listening, self.credibility, self.data, self.complexity, self.convening]


@pytest.fixture
def framework(db) -> Framework:
    conversations = factories.make_domain(
        db, slug="conversations", name="Unlocking conversations", position=1
    )
    systems = factories.make_domain(db, slug="systems", name="Whole-system working", position=2)

    def capability(domain, slug, name, position):
        return factories.make_capability(db, domain, slug=slug, name=name, position=position)

    framework = Framework(
        conversations=conversations,
        systems=systems,
        listening=capability(conversations, "listening", "Listening across boundaries", 1),
        credibility=capability(conversations, "credibility", "Clinical credibility", 2),
        data=capability(conversations, "data", "Data for discussion", 3),
        complexity=capability(systems, "complexity", "Holding complexity", 1),
        convening=capability(systems, "convening", "Convening the system", 2),
    )
    db.commit()
    return framework
