"""Writes of 督办, one module per job: `notices` (督办单: issue, 签收, 退回, 答复, repeat and
escalate), `closing` (销号), `extensions` (延期), `alerts` (预警: find, send once, quiet hours),
`webhooks` (message formats, signatures, delivery), `scoring` (考核评分 jobs)."""


class SupervisionError(Exception):
    """A refused action; the message is for the user."""
