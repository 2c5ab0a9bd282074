"""A class outing's pass mark (issue 28): the share of the journey's questions a student must answer right to get
the certificate, set by the teacher in percent; without one (the default) a complete passport is enough."""

PASS_PERCENTS = (1, 100)  # the pass marks a teacher may set


def needed(pass_percent: int | None, questions: int) -> int:
    """Right answers needed for the certificate: `pass_percent` of `questions`, rounded up (50% of 5 is 3); 0
    without a pass mark."""
    return 0 if pass_percent is None else -(-pass_percent * questions // 100)


def passed(pass_percent: int | None, score: int, questions: int) -> bool:
    """Whether `score` right answers of `questions` reach the pass mark."""
    return score >= needed(pass_percent, questions)
