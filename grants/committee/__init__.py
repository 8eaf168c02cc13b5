"""The evaluation committee of a call (docs/domain.md 4): staff name its members and record its
minutes; the members sign the declaration of impartiality and approve the evaluation report; the
decisions are finalised (grants.awards.services.finalise) only once the committee is ready."""
