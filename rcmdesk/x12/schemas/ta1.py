"""TA1 Interchange Acknowledgment (X12 005010 control segment, not a transaction set).

A TA1 sits directly inside an ISA..IEA, outside any functional group, so it is a
single segment definition rather than a ``Guide``. Code values only.
"""

from rcmdesk.x12.schemas.model import E, S

TA1 = S(
    "TA1",
    "Interchange Acknowledgment",
    "R",
    1,
    (
        E("I12", "R", "N0", 9, 9),
        E("I08", "R", "DT", 6, 6),
        E("I09", "R", "TM", 4, 4),
        E("I17", "R", "ID", 1, 1, ("A", "E", "R")),
        E(
            "I18",
            "R",
            "ID",
            3,
            3,
            tuple(f"{n:03d}" for n in range(0, 32)),
        ),
    ),
)
